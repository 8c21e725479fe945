#include "vault/base/clock.h"

#include <ctime>

namespace vault {
namespace {

class RealClock : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace

const Clock* SystemClock() {
  static const RealClock* clock = new RealClock();
  return clock;
}

TimePoint FakeClock::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}

void FakeClock::Advance(std::chrono::system_clock::duration by) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += by;
}

void FakeClock::Set(TimePoint to) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ = to;
}

std::string FormatUtc(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace vault
