// The destruction register (销毁清册): one row per destroyed record, as CSV
// (for spreadsheets) and as a PDF (for the paper file), with the column
// names archive offices use:
//   序号, 档号, 题名, 数量, 销毁原因, 销毁时间, 批准人, 档管员, 监销人
// Same rules as the borrow register (vault/borrow/borrow_register.h).
#pragma once

#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/destruction/destruction.h"

namespace vault {

struct DestructionRegisterRow {
  std::string seq;             // 序号
  std::string archive_number;  // 档号
  std::string title;           // 题名
  std::string quantity;        // 数量 (e.g. "3 个版本")
  std::string reason;          // 销毁原因 (label)
  std::string destroyed_at;    // 销毁时间 (RFC 3339 or empty)
  std::string approvers;       // 批准人 (in chain order, separated by "、")
  std::string archivist;       // 档管员 (who performed it)
  std::string witness;         // 监销人
};

// One row per record of each completed destruction, in the order given,
// numbered from 1; the reason as its Chinese label (保管期满, 客户申请删除,
// 业务终止; an unknown reason as written) followed by the reference in
// full-width brackets; the quantity as "<n> 版本".
std::vector<DestructionRegisterRow> DestructionRegisterRows(
    const std::vector<Destruction>& completed);

// The 9 column names, in order.
const std::vector<std::string>& DestructionRegisterColumns();

// RFC 4180 CSV, UTF-8 with a byte-order mark, CRLF line ends, a header row;
// fields with a comma, quote, CR or LF quoted, quotes doubled; a field
// starting with = + - @ TAB CR prefixed with a single quote. Times as given.
std::string DestructionRegisterCsv(const std::vector<DestructionRegisterRow>& rows);

// A landscape A4 PDF: `title`, the generation time and the row count, then
// the table over as many pages as needed (header repeated, "第 n / m 页"),
// times shown to the minute. Text in the embedded TrueType CJK font
// `font_file`, extractable with pdftotext. stamp.font_missing or
// register.render_failed.
StatusOr<std::string> DestructionRegisterPdf(const std::vector<DestructionRegisterRow>& rows,
                                             const std::string& title,
                                             const std::string& generated_at,
                                             const std::string& font_file);

}  // namespace vault
