// Canonical JSON for flat objects of strings and integers (RFC 8785 style).
//
// Keys sorted by code point, no whitespace, strings escaped minimally
// ("\"", "\\", control characters as \u00XX, everything else as UTF-8), so
// the same record always has the same bytes and therefore the same hash.
// Used for audit events; destruction certificates will reuse it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>

namespace vault {

using CanonicalValue = std::variant<std::string, int64_t>;

std::string CanonicalJson(const std::map<std::string, CanonicalValue>& object);
std::string JsonEscape(const std::string& s);

}  // namespace vault
