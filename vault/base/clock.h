// Clock: the only way the core reads the time.
//
// Business logic never calls system_clock::now() directly; it asks the Clock
// it was given in its options, so tests can drive due dates, retention and
// timestamps with a FakeClock instead of sleeping.
//
// Thread-safety: implementations must be safe for concurrent Now() calls.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace vault {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The process-wide real clock. Never null, never destroyed.
const Clock* SystemClock();

// A clock that moves only when told to.
class FakeClock : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override;
  void Advance(std::chrono::system_clock::duration by);
  void Set(TimePoint to);

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

// RFC 3339 UTC with seconds, e.g. "2026-11-22T19:35:28Z".
std::string FormatUtc(TimePoint t);
// Parses exactly that form; false on anything else.
bool ParseUtc(const std::string& text, TimePoint* out);

}  // namespace vault
