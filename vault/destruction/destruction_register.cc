#include "vault/destruction/destruction_register.h"

#include "vault/export/pdf_table.h"

namespace vault {

const std::vector<std::string>& DestructionRegisterColumns() {
  static const std::vector<std::string> kNames = {
      "序号", "档号", "题名", "数量", "销毁原因", "销毁时间", "批准人", "档管员", "监销人"};
  return kNames;
}

std::string DestructionRegisterCsv(const std::vector<DestructionRegisterRow>& rows) {
  std::string out = "\xEF\xBB\xBF";
  AppendCsvRow(DestructionRegisterColumns(), &out);
  for (const DestructionRegisterRow& r : rows) {
    AppendCsvRow({r.seq, r.archive_number, r.title, r.quantity, r.reason, r.destroyed_at,
                  r.approvers, r.archivist, r.witness},
                 &out);
  }
  return out;
}

StatusOr<std::string> DestructionRegisterPdf(const std::vector<DestructionRegisterRow>& rows,
                                             const std::string& title,
                                             const std::string& generated_at,
                                             const std::string& font_file) {
  // Relative column widths: the title and the reason get room to wrap; a
  // five-digit 序号, an archive number such as HT-2026-000123, "YYYY-MM-DD"
  // and two three-character approvers each fit on one line.
  static const std::vector<double> kWeights = {34, 96, 170, 52, 110, 66, 92, 62, 62};
  std::vector<std::vector<std::string>> fields;
  fields.reserve(rows.size());
  for (const DestructionRegisterRow& r : rows) {
    fields.push_back({r.seq, r.archive_number, r.title, r.quantity, r.reason,
                      DisplayTime(r.destroyed_at), r.approvers, r.archivist, r.witness});
  }
  return RegisterTablePdf(DestructionRegisterColumns(), kWeights, fields, title, generated_at,
                          font_file, "register.render_failed");
}

}  // namespace vault
