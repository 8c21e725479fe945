// The vault's one canonical JSON: the bytes that are hashed and signed for
// audit events (docs/audit.md), export tokens (docs/export.md) and
// destruction certificates (docs/certificates.md).
//
// The rules follow RFC 8785 (JCS) as far as the vault's data needs them:
//   - objects with keys sorted by UTF-16 code units (as JCS; for UTF-8 keys
//     this is byte order except that characters above U+FFFF sort before
//     U+E000..U+FFFF), no whitespace anywhere, arrays in their given order;
//   - strings as UTF-8 with only '"', '\' and the control characters below
//     U+0020 escaped; non-ASCII is never escaped;
//   - integers in plain decimal, true, false and null.
// Two deliberate differences from RFC 8785, kept because stored hash chains,
// signed tokens and certificates were made with them and must still verify:
//   - every control character is escaped as \u00XX (lowercase hex), also
//     those JCS writes as \b \f \n \r \t;
//   - CanonicalJsonOf writes a non-integer number as a JSON string of its
//     text. The vault's data contains no such numbers.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>

namespace vault {

using CanonicalValue = std::variant<std::string, int64_t>;

// The canonical form of a flat object of strings and integers.
std::string CanonicalJson(const std::map<std::string, CanonicalValue>& object);

// The canonical form of a JSON text (any nesting). `json` must be valid
// JSON: it is made by the caller, and a parse error throws
// Poco::JSON::JSONException.
std::string CanonicalJsonOf(const std::string& json);

// `s` as a canonical JSON string, quotes included.
std::string JsonEscape(const std::string& s);

// The canonical order of object keys: UTF-16 code units of the UTF-8 keys.
bool CanonicalKeyLess(const std::string& a, const std::string& b);

}  // namespace vault
