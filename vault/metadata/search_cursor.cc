#include "vault/metadata/search_cursor.h"

#include "vault/base/hex.h"

namespace vault {
namespace {

constexpr char kSeparator = '\x1f';

Status BadCursor(const char* why) {
  return InvalidArgumentError("request.bad_cursor", std::string("cursor is not one this server made: ") + why);
}

// Both halves come from stored, validated metadata: printable, no controls.
bool Printable(const std::string& s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::string SearchCursor::Encode() const {
  const std::string plain = created_at + kSeparator + archive_number;
  return std::string(oldest_first ? "o" : "n") +
         HexEncode(reinterpret_cast<const uint8_t*>(plain.data()), plain.size());
}

StatusOr<SearchCursor> SearchCursor::Decode(const std::string& text, bool oldest_first) {
  if (text.size() < 3 || text.size() > kMaxCursorChars) return BadCursor("bad length");
  if (text[0] != (oldest_first ? 'o' : 'n')) return BadCursor("made for another order");
  auto bytes = HexDecode(std::string_view(text).substr(1));
  if (!bytes) return BadCursor("not hex");
  const std::string plain(bytes->begin(), bytes->end());
  const size_t sep = plain.find(kSeparator);
  if (sep == std::string::npos || plain.find(kSeparator, sep + 1) != std::string::npos) {
    return BadCursor("bad structure");
  }
  SearchCursor c;
  c.oldest_first = oldest_first;
  c.created_at = plain.substr(0, sep);
  c.archive_number = plain.substr(sep + 1);
  if (!Printable(c.created_at) || !Printable(c.archive_number)) return BadCursor("bad structure");
  return c;
}

}  // namespace vault
