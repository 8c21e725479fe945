// One-line text from clients and users, made safe to store in a one-line
// record (the audit log) and to print on a terminal.
//
// A login name or a detail holding a newline once printed a forged row in
// `vaultctl audit list`; an escape sequence could as well rewrite what the
// terminal shows. EscapeControl() makes every such character visible.
#pragma once

#include <string>
#include <string_view>

namespace vault {

// `in` with each character that can break a line, move the cursor or reorder
// what follows replaced by a visible escape:
// - C0 controls and DEL: \n, \r, \t, else \xHH (e.g. ESC is \x1b);
// - C1 controls (U+0080..U+009F), the line and paragraph separators (U+2028,
//   U+2029) and the bidirectional controls (U+202A..U+202E, U+2066..U+2069):
//   \u{XXXX};
// - bytes that are not well-formed UTF-8: \xHH.
// Everything else, backslashes included, is kept, so the result of
// EscapeControl() is its own escape: applying it twice changes nothing.
// Thread-safe (a pure function).
std::string EscapeControl(std::string_view in);

}  // namespace vault
