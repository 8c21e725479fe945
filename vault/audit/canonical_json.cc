#include "vault/audit/canonical_json.h"

#include <cstdio>

namespace vault {

std::string JsonEscape(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string CanonicalJson(const std::map<std::string, CanonicalValue>& object) {
  // std::map orders keys bytewise, which for UTF-8 equals code point order.
  std::string out = "{";
  bool first = true;
  for (const auto& kv : object) {
    if (!first) out += ",";
    first = false;
    out += JsonEscape(kv.first) + ":";
    if (const auto* s = std::get_if<std::string>(&kv.second)) {
      out += JsonEscape(*s);
    } else {
      out += std::to_string(std::get<int64_t>(kv.second));
    }
  }
  return out + "}";
}

}  // namespace vault
