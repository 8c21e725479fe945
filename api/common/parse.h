// Strict parsing of numbers that arrive as text (CLI flags, query strings).
#pragma once

#include <cstdint>
#include <string>

namespace api {

// A non-negative decimal of at most 12 digits; false for anything else
// (signs, spaces, garbage, overflow), so bad input is refused rather than
// silently read as 0.
inline bool ParseCount(const std::string& text, int64_t* out) {
  if (text.empty() || text.size() > 12) return false;
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  *out = n;
  return true;
}

}  // namespace api
