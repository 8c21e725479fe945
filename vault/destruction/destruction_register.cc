#include "vault/destruction/destruction_register.h"

#include <map>

#include "vault/print/csv.h"
#include "vault/print/register_pdf.h"
#include "vault/print/text.h"

namespace vault {
namespace {

// The cells of each row in column order; the time as recorded (CSV) or
// shown to the minute (PDF).
std::vector<std::vector<std::string>> Cells(const std::vector<DestructionRegisterRow>& rows,
                                            bool printed) {
  std::vector<std::vector<std::string>> cells;
  cells.reserve(rows.size());
  for (const DestructionRegisterRow& r : rows) {
    cells.push_back({r.seq, r.archive_number, r.title, r.quantity, r.reason,
                     printed ? DisplayTime(r.destroyed_at) : r.destroyed_at, r.approvers,
                     r.archivist, r.witness});
  }
  return cells;
}

}  // namespace

std::vector<DestructionRegisterRow> DestructionRegisterRows(
    const std::vector<Destruction>& completed) {
  static const std::map<std::string, std::string> kReasons = {
      {"retention_expired", "保管期满"},
      {"customer_request", "客户申请删除"},
      {"business_ended", "业务终止"}};
  std::vector<DestructionRegisterRow> rows;
  for (const auto& d : completed) {
    for (const auto& i : d.items) {
      DestructionRegisterRow r;
      r.seq = std::to_string(rows.size() + 1);
      r.archive_number = i.archive_number;
      r.title = i.title;
      r.quantity = std::to_string(i.versions) + " 版本";
      auto reason = kReasons.find(d.reason);
      r.reason = (reason == kReasons.end() ? d.reason : reason->second) + "（" + d.reference + "）";
      r.destroyed_at = d.completed_at;
      r.approvers = d.approved_by;
      r.archivist = d.requested_by;
      r.witness = d.witness;
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

const std::vector<std::string>& DestructionRegisterColumns() {
  static const std::vector<std::string> kNames = {
      "序号", "档号", "题名", "数量", "销毁原因", "销毁时间", "批准人", "档管员", "监销人"};
  return kNames;
}

std::string DestructionRegisterCsv(const std::vector<DestructionRegisterRow>& rows) {
  return TableCsv(DestructionRegisterColumns(), Cells(rows, false));
}

StatusOr<std::string> DestructionRegisterPdf(const std::vector<DestructionRegisterRow>& rows,
                                             const std::string& title,
                                             const std::string& generated_at,
                                             const std::string& font_file) {
  // Relative column widths: the title and the reason get room to wrap; a
  // five-digit 序号, an archive number such as HT-2026-000123, "YYYY-MM-DD"
  // and two three-character approvers each fit on one line.
  static const std::vector<double> kWeights = {34, 96, 170, 52, 110, 66, 92, 62, 62};
  return RegisterTablePdf(DestructionRegisterColumns(), kWeights, Cells(rows, true), title,
                          generated_at, font_file, "register.render_failed");
}

}  // namespace vault
