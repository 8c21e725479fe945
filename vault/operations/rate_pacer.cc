#include "vault/operations/rate_pacer.h"

#include <algorithm>

namespace vault {
namespace {

// amount / per_second as a duration, without overflow for any int64 amount.
std::chrono::nanoseconds Budget(int64_t amount, int64_t per_second) {
  if (per_second <= 0 || amount <= 0) return std::chrono::nanoseconds(0);
  const long double ns = static_cast<long double>(amount) * 1e9L / static_cast<long double>(per_second);
  return std::chrono::nanoseconds(static_cast<int64_t>(std::min(ns, 9.0e18L)));
}

}  // namespace

RatePacer::RatePacer(PaceLimits limits, const Clock* clock, Sleep sleep)
    : limits_(limits), clock_(clock), sleep_(std::move(sleep)), start_(clock->Now()) {}

Status RatePacer::Before(int64_t bytes) {
  bytes_ += std::max<int64_t>(bytes, 0);
  ++items_;
  // The first item starts at once; the item limit spaces the later ones.
  const auto due = std::max(Budget(bytes_, limits_.bytes_per_second), Budget(items_ - 1, limits_.items_per_second));
  const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_->Now() - start_);
  if (elapsed >= due) return Status::Ok();
  const auto wait = due - elapsed;
  slept_ += wait;
  return sleep_(wait);
}

}  // namespace vault
