#include "vault/print/csv.h"

#include <string_view>

namespace vault {
namespace {

// Spreadsheet programs run a cell that starts with one of these as a
// formula. Tab and CR are on OWASP's list too: some programs strip them and
// then see the formula behind them.
bool StartsFormula(const std::string& field) {
  return !field.empty() && std::string_view("=+-@\t\r").find(field[0]) != std::string_view::npos;
}

void AppendCsvField(const std::string& raw, std::string* out) {
  const std::string field = StartsFormula(raw) ? "'" + raw : raw;
  if (field.find_first_of(",\"\r\n") == std::string::npos) {
    *out += field;
    return;
  }
  *out += '"';
  for (char c : field) {
    if (c == '"') *out += '"';
    *out += c;
  }
  *out += '"';
}

}  // namespace

void AppendCsvRow(const std::vector<std::string>& fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) *out += ',';
    AppendCsvField(fields[i], out);
  }
  *out += "\r\n";
}

std::string TableCsv(const std::vector<std::string>& columns,
                     const std::vector<std::vector<std::string>>& rows) {
  std::string out = "\xEF\xBB\xBF";
  AppendCsvRow(columns, &out);
  for (const auto& row : rows) AppendCsvRow(row, &out);
  return out;
}

}  // namespace vault
