#include "vault/borrow/borrow_register.h"

#include "vault/print/csv.h"
#include "vault/print/register_pdf.h"
#include "vault/print/text.h"

namespace vault {
namespace {

// The cells of each row in column order; times as recorded (CSV) or shown
// to the minute (PDF).
std::vector<std::vector<std::string>> Cells(const std::vector<RegisterRow>& rows, bool printed) {
  auto time = [printed](const std::string& t) { return printed ? DisplayTime(t) : t; };
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows.size());
  for (const RegisterRow& r : rows) {
    cells.push_back({r.borrower, r.department, r.title, r.archive_number, r.classification,
                     r.purpose, r.approvers, time(r.borrowed_at), time(r.due_at),
                     time(r.returned_at), r.state, r.note});
  }
  return cells;
}

}  // namespace

const std::vector<std::string>& RegisterColumns() {
  static const std::vector<std::string> kNames = {
      "借阅人", "部门",     "档案名称", "档案编号",     "密级", "借阅目的",
      "审批人", "借阅日期", "应还日期", "实际归还日期", "状态", "备注"};
  return kNames;
}

std::string RegisterCsv(const std::vector<RegisterRow>& rows) {
  return TableCsv(RegisterColumns(), Cells(rows, false));
}

StatusOr<std::string> RegisterPdf(const std::vector<RegisterRow>& rows, const std::string& title,
                                  const std::string& generated_at, const std::string& font_file) {
  // Relative column widths: purpose, title and note get room to wrap; every
  // column name fits on one line, and so do two approvers with
  // three-character names; the dates fit "YYYY-MM-DD" on a line (the time
  // wraps below); an archive number such as HT-2026-0001 fits on one line.
  static const std::vector<double> kWeights = {62, 56, 84, 76, 34, 94, 70, 62, 62, 62, 60, 64};
  return RegisterTablePdf(RegisterColumns(), kWeights, Cells(rows, true), title, generated_at,
                          font_file, "register.render_failed");
}

}  // namespace vault
