// A register (清册, 登记簿) printed as a landscape A4 table: what the borrow
// register and the destruction register share.
//
// Thread-safety: stateless; renderings may run concurrently (each leases
// its own document from the font pool).
#pragma once

#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault {

// A register (清册, 登记簿) as a landscape A4 PDF: `title` and a line with
// the generation time and the row count on page 1, then a table with
// `columns` (widths in proportion to `weights`) continued over as many pages
// as needed (header repeated), page numbers "第 n / m 页". Each row has one
// field per column, drawn as given (callers format times with DisplayTime).
// Text extractable (ToUnicode fixed). stamp.font_missing or
// `failure_reason`.
StatusOr<std::string> RegisterTablePdf(const std::vector<std::string>& columns,
                                       const std::vector<double>& weights,
                                       const std::vector<std::vector<std::string>>& rows,
                                       const std::string& title, const std::string& generated_at,
                                       const std::string& font_file,
                                       const std::string& failure_reason);

}  // namespace vault
