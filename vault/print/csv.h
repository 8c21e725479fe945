// CSV as the vault's registers print it: RFC 4180 records with the
// spreadsheet-formula guard, and whole tables with a UTF-8 byte-order mark.
//
// Thread-safety: stateless functions.
#pragma once

#include <string>
#include <vector>

namespace vault {

// Appends one CSV record and CRLF: fields separated by commas; a field with
// a comma, quote, CR or LF quoted, quotes doubled; a field starting with
// = + - @ TAB CR (a spreadsheet formula) prefixed with a single quote first.
void AppendCsvRow(const std::vector<std::string>& fields, std::string* out);

// A whole table: a UTF-8 byte-order mark (so spreadsheet programs pick
// UTF-8), the header row `columns`, then `rows`, each by AppendCsvRow.
std::string TableCsv(const std::vector<std::string>& columns,
                     const std::vector<std::vector<std::string>>& rows);

}  // namespace vault
