// RatePacer: keeps a long background read (the scheduled fixity) under a
// byte rate and an item rate, so it does not starve requests.
//
// Before each item of `bytes`, Before() waits until the time since the
// pacer started is at least (bytes so far, this item included) / bytes per
// second and (items so far) / items per second. Time comes from the
// injected Clock and waiting goes through the injected sleep, so tests
// check the rate with a FakeClock whose sleep advances it.
//
// Thread-safety: one pacer per pass, used by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "vault/base/clock.h"
#include "vault/base/status.h"

namespace vault {

struct PaceLimits {
  int64_t bytes_per_second = 0;  // 0: no byte limit
  int64_t items_per_second = 0;  // 0: no item limit
};

class RatePacer {
 public:
  // `sleep` waits for the given time; an error (e.g. shutdown) is returned
  // by Before() and ends the pass.
  using Sleep = std::function<Status(std::chrono::nanoseconds)>;
  RatePacer(PaceLimits limits, const Clock* clock, Sleep sleep);

  Status Before(int64_t bytes);
  std::chrono::nanoseconds slept() const { return slept_; }
  int64_t bytes() const { return bytes_; }
  int64_t items() const { return items_; }

 private:
  PaceLimits limits_;
  const Clock* clock_;
  Sleep sleep_;
  TimePoint start_;
  int64_t bytes_ = 0;
  int64_t items_ = 0;
  std::chrono::nanoseconds slept_{0};
};

}  // namespace vault
