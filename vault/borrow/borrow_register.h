// The borrow register (借阅登记): one row per borrowed document, as CSV
// (for spreadsheets) and as a PDF (for the paper file), with the Chinese
// column names archive offices use:
//   借阅人, 部门, 档案名称, 档案编号, 密级, 借阅目的, 审批人, 借阅日期,
//   应还日期, 实际归还日期, 状态, 备注
#pragma once

#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault {

struct RegisterRow {
  std::string borrower;        // 借阅人 (display name and user id, e.g. "张三 (zhangsan)")
  std::string department;      // 部门
  std::string title;           // 档案名称
  std::string archive_number;  // 档案编号
  std::string classification;  // 密级 (label, e.g. 内部)
  std::string purpose;         // 借阅目的
  std::string approvers;       // 审批人 (in chain order, separated by "、")
  std::string borrowed_at;     // 借阅日期 (RFC 3339 or empty)
  std::string due_at;          // 应还日期
  std::string returned_at;     // 实际归还日期
  std::string state;           // 状态 (label, e.g. 已归还（核验一致）)
  std::string note;            // 备注
  // Not columns: what a client needs to filter and translate the rows.
  std::string borrow_id;       // the loan
  std::string borrower_id;     // the borrower's user name
  std::string state_code;      // the loan's state, e.g. returned_verified
  std::string classification_code;  // public | internal | confidential
  std::string result;          // the item's return check: verified | altered | declared | ""
};

// The 12 column names, in order.
const std::vector<std::string>& RegisterColumns();

// RFC 4180 CSV, UTF-8 with a byte-order mark (so spreadsheet programs pick
// UTF-8), CRLF line ends, a header row; fields with a comma, quote, CR or
// LF are quoted, quotes doubled. A field starting with = + - @ (formula
// injection into spreadsheets) is prefixed with a single quote.
std::string RegisterCsv(const std::vector<RegisterRow>& rows);

// A landscape A4 PDF: a title line (`title`), the generation time, and a
// table with the 12 columns, wrapping long cells and continuing over as
// many pages as needed (header repeated, page numbers "第 n / m 页").
// Text in the embedded TrueType CJK font `font_file`, extractable with
// pdftotext. stamp.font_missing or register.render_failed.
StatusOr<std::string> RegisterPdf(const std::vector<RegisterRow>& rows, const std::string& title,
                                  const std::string& generated_at, const std::string& font_file);

}  // namespace vault
