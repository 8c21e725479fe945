#include "vault/backup/drill_pdf.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <utility>
#include <vector>

#include "vault/crypto/sha256.h"
#include "vault/print/font_pool.h"
#include "vault/print/table.h"
#include "vault/print/text.h"
#include "vault/storage/atomic_file.h"

namespace vault {
namespace {

constexpr char kReason[] = "backup.drill_pdf_failed";
constexpr char kFormat[] = "sales-vault restore drill v1";

constexpr double kPageWidth = 595;  // A4 portrait
constexpr double kPageHeight = 842;
constexpr double kMarginX = 42;
constexpr double kMarginTop = 48;
constexpr double kMarginBottom = 48;
constexpr double kWidth = kPageWidth - 2 * kMarginX;
constexpr double kTitleSize = 18;
constexpr double kResultSize = 15;
constexpr double kHeadingSize = 11;
constexpr double kTextSize = 9;
constexpr double kFooterSize = 8;

struct TextOp {
  size_t page;
  double top;
  std::string text;
  double size;
  bool centered;
};
struct TableOp {
  size_t page;
  std::vector<TableBand> bands;
  double top;
};

TableStyle FieldStyle() {
  TableStyle s;
  s.left = kMarginX;
  s.widths = {172, kWidth - 172};
  s.text_size = kTextSize;
  s.leading = kTextSize * 1.3;
  return s;
}

// Lays the report out before any page exists (the footer needs the count).
class Layout {
 public:
  explicit Layout(HPDF_Font font)
      : font_(font), measure_(font, kTextSize), flow_(kPageHeight - kMarginTop, kPageHeight - kMarginTop, kMarginBottom) {}

  void Line(const std::string& text, double size, bool centered, double gap_after) {
    const double top = flow_.Take(size * 1.35);
    texts_.push_back({flow_.page(), top, OneLine(text), size, centered});
    flow_.Skip(gap_after);
  }
  void Paragraph(const std::string& text) {
    TextMeasure measure(font_, kTextSize);
    for (std::string& line : WrapText(text, kWidth, measure)) {
      texts_.push_back({flow_.page(), flow_.Take(kTextSize * 1.4), std::move(line), kTextSize, false});
    }
    flow_.Skip(4);
  }
  void Heading(const std::string& text) {
    if (!flow_.Fits(kHeadingSize * 1.6 + 10 + 3 * kTextSize * 1.3) && !flow_.AtPageTop()) flow_.NewPage();
    flow_.Skip(4);
    Line(text, kHeadingSize, false, 2);
  }
  void Fields(const std::vector<std::pair<std::string, std::string>>& rows) {
    std::vector<TableBand> bands;
    for (const auto& [label, value] : rows) {
      bands.push_back(WrapBand({label, OneLine(value).empty() ? "—" : value}, style_, measure_));
    }
    for (TableChunk& chunk : FlowTable(nullptr, std::move(bands), style_, &flow_)) {
      tables_.push_back({chunk.page, std::move(chunk.bands), chunk.top});
    }
    flow_.Skip(6);
  }

  size_t pages() const { return flow_.pages(); }
  const std::vector<TextOp>& texts() const { return texts_; }
  const std::vector<TableOp>& tables() const { return tables_; }
  const TableStyle& style() const { return style_; }

 private:
  HPDF_Font font_;
  TableStyle style_ = FieldStyle();
  TextMeasure measure_;
  PdfFlow flow_;
  std::vector<TextOp> texts_;
  std::vector<TableOp> tables_;
};

std::string Str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key)) return "";
  return o->get(key).convert<std::string>();
}

std::string YesNo(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key)) return "";
  return o->getValue<bool>(key) ? "完好 / intact" : "不完好 / NOT intact";
}

}  // namespace

StatusOr<std::string> DrillReportPdf(const std::string& report_json, const std::string& font_file) {
  Poco::JSON::Object::Ptr r, backup, fixity, audit, chain, key;
  std::vector<std::string> problems;
  try {
    Poco::JSON::Parser parser;
    r = parser.parse(report_json).extract<Poco::JSON::Object::Ptr>();
    if (!r || Str(r, "format") != kFormat) {
      return InvalidArgumentError("backup.drill_malformed", "not a " + std::string(kFormat) + " report");
    }
    backup = r->getObject("backup");
    fixity = r->getObject("fixity");
    audit = r->getObject("audit_chain");
    chain = r->getObject("certificate_chain");
    key = r->getObject("signing_key");
    if (auto list = r->getArray("problems")) {
      for (size_t i = 0; i < list->size(); ++i) problems.push_back(list->get(static_cast<unsigned>(i)).convert<std::string>());
    }
  } catch (const Poco::Exception& e) {
    return InvalidArgumentError("backup.drill_malformed", "the drill report does not parse: " + e.displayText());
  } catch (const std::exception& e) {
    return InvalidArgumentError("backup.drill_malformed", std::string("the drill report does not parse: ") + e.what());
  }
  const bool passed = Str(r, "result") == "passed";

  VAULT_ASSIGN_OR_RETURN(FontDocLease lease, FontDocLease::Acquire(font_file, kReason));
  HaruDoc& pdf = lease.doc();
  Layout layout(lease.font());
  layout.Line("备份恢复演练报告 / Restore Drill Report", kTitleSize, true, 4);
  layout.Line(passed ? "结果 / Result： 通过 / PASSED" : "结果 / Result： 未通过 / FAILED", kResultSize, true, 8);
  layout.Paragraph(
      "本报告为签名的 drill-report.json 的可读副本：核对时请计算 drill-report.json 的 SHA-256 "
      "并与下列哈希比对，再用 signing.pem 验证两个文件的签名。 / This is the human-readable copy of the "
      "signed drill-report.json: hash drill-report.json with SHA-256 and compare with the hash below, then "
      "verify both files' signatures with signing.pem.");

  layout.Heading("一、备份 / Backup");
  layout.Fields({{"备份编号 / Backup ID", Str(r, "backup_id")},
                 {"备份时间 / Backup taken at", Str(r, "backup_created_at")},
                 {"基础备份 / Base backup", Str(r, "base_backup_id").empty() ? "— (完整 / full)" : Str(r, "base_backup_id")},
                 {"备份目录 / Backup directory", Str(r, "backup_dir")},
                 {"清单签名 / Manifest signature", Str(backup, "manifest_signature")},
                 {"已核验文件 / Files verified", Str(backup, "files_verified")},
                 {"已核验字节 / Bytes verified", Str(backup, "bytes_verified")}});

  layout.Heading("二、恢复副本检查 / Checks of the restored copy");
  layout.Fields({{"固定性 / Fixity", YesNo(fixity, "intact")},
                 {"正常 / OK", Str(fixity, "ok")},
                 {"已改变 / Changed", Str(fixity, "changed")},
                 {"缺失 / Missing", Str(fixity, "missing")},
                 {"未登记 / Untracked", Str(fixity, "untracked")},
                 {"审计链 / Audit chain", YesNo(audit, "intact")},
                 {"审计事件 / Audit events", Str(audit, "events")},
                 {"签名检查点 / Signed checkpoints", Str(audit, "checkpoints")},
                 {"证明链 / Certificate chain", YesNo(chain, "intact")},
                 {"销毁证明 / Certificates", Str(chain, "certificates")}});

  layout.Heading("三、问题 / Problems（共 " + std::to_string(problems.size()) + " 项 / " +
                 std::to_string(problems.size()) + "）");
  if (problems.empty()) layout.Paragraph("无 / none");
  for (size_t i = 0; i < problems.size(); ++i) layout.Paragraph(std::to_string(i + 1) + ". " + problems[i]);

  layout.Heading("四、演练与签名 / Drill and signature");
  layout.Fields({{"开始时间 / Started at", Str(r, "started_at")},
                 {"完成时间 / Completed at", Str(r, "completed_at")},
                 {"用时（秒）/ Seconds", Str(r, "seconds")},
                 {"签名密钥 / Signing key", Str(key, "name")},
                 {"公钥 / Ed25519 public key", Str(key, "ed25519_public_key")},
                 {"drill-report.json SHA-256", Sha256::HexOf(report_json)}});
  layout.Paragraph(
      "验证 / Verify: openssl pkeyutl -verify -pubin -inkey signing.pem -rawin -in drill-report.json "
      "-sigfile drill-report.json.sig ; openssl pkeyutl -verify -pubin -inkey signing.pem -rawin -in "
      "drill-report.pdf -sigfile drill-report.pdf.sig");

  const size_t total = layout.pages();
  const std::string id = OneLine(Str(r, "backup_id"));
  const double ascent = lease.ascent();
  size_t next_text = 0, next_table = 0;
  for (size_t n = 0; n < total && pdf.error() == HPDF_OK; ++n) {
    HPDF_Page page = HPDF_AddPage(pdf.get());
    HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(kPageWidth));
    HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(kPageHeight));
    PageWriter writer(page, lease.font(), ascent);
    for (; next_table < layout.tables().size() && layout.tables()[next_table].page == n; ++next_table) {
      const TableOp& t = layout.tables()[next_table];
      writer.Table(layout.style(), nullptr, t.bands, t.top);
    }
    for (; next_text < layout.texts().size() && layout.texts()[next_text].page == n; ++next_text) {
      const TextOp& t = layout.texts()[next_text];
      writer.Line(t.text, t.centered ? kPageWidth / 2 : kMarginX, t.top - ascent * t.size, t.size, kWidth,
                  t.centered);
    }
    const std::string pages = std::to_string(n + 1) + " / " + std::to_string(total);
    writer.Line("恢复演练 " + id + "   第 " + pages + " 页 · Page " + pages, kPageWidth / 2, kMarginBottom / 2,
                kFooterSize, kWidth, true);
  }
  return FinishHaruPdf(pdf, kReason);
}

Status WriteDrillReportPdf(const std::string& dir, const std::string& report_json, const Signer& signer,
                           const std::string& font_file) {
  VAULT_ASSIGN_OR_RETURN(std::string pdf, DrillReportPdf(report_json, font_file));
  const Signer::Signature sig = signer.Sign(pdf);
  VAULT_RETURN_IF_ERROR(WriteFileAtomically(dir + "/" + kDrillPdfFile, pdf, 0644));
  return WriteFileAtomically(dir + "/" + kDrillPdfSigFile,
                             std::string(reinterpret_cast<const char*>(sig.data()), sig.size()), 0644);
}

}  // namespace vault
