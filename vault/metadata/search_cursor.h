// SearchCursor: where a page of a document search ended, so the next page
// starts right after it (keyset pagination). A page is ordered by
// (created_at, archive_number): newest first is created_at descending then
// archive number ascending; oldest first is the exact reverse. Archive
// numbers are unique, so the pair names one row and a page boundary never
// skips or repeats a row, whatever is inserted or removed meanwhile.
//
// On the wire a cursor is opaque: "n" or "o" (the order it was made for)
// followed by the hex of "<created_at> US <archive_number>". Clients must not
// build or parse it; it carries only what the page already showed.
//
// Thread-safety: a value type.
#pragma once

#include <string>

#include "vault/base/status.h"

namespace vault {

inline constexpr size_t kMaxCursorChars = 512;

struct SearchCursor {
  bool oldest_first = false;
  std::string created_at;
  std::string archive_number;

  std::string Encode() const;
  // request.bad_cursor (INVALID_ARGUMENT) for anything Encode did not make,
  // or a cursor made for the other order.
  static StatusOr<SearchCursor> Decode(const std::string& text, bool oldest_first);
};

}  // namespace vault
