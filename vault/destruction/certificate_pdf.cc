#include "vault/destruction/certificate_pdf.h"

#include <algorithm>
#include <utility>

#include "vault/print/font_pool.h"
#include "vault/print/table.h"
#include "vault/print/text.h"

namespace vault {
namespace {

constexpr char kReason[] = "certificate.render_failed";

constexpr double kPageWidth = 595;  // A4 portrait
constexpr double kPageHeight = 842;
constexpr double kMarginX = 42;
constexpr double kMarginTop = 48;
constexpr double kMarginBottom = 48;
constexpr double kWidth = kPageWidth - 2 * kMarginX;
constexpr double kTitleSize = 18;
constexpr double kSubtitleSize = 10;
constexpr double kHeadingSize = 11;
constexpr double kTextSize = 9;
constexpr double kHashSize = 8;
constexpr double kFooterSize = 8;

const char kTitle[] = "销毁证明 / Certificate of Destruction";
const char kIntro[] =
    "兹证明下列档案已按本证明所述方法销毁。签名的 cert.json "
    "为证据，本文件为其可读副本：核对时请计算 "
    "cert.json 的 SHA-256 并与下列哈希比对，再用所列公钥验证签名。 / This certifies that the "
    "records "
    "below were destroyed by the method stated. The signed cert.json is the evidence and this "
    "document its human-readable copy: hash cert.json with SHA-256, compare with the hash below, "
    "then verify the signature with the key listed.";

TableStyle Style(std::vector<double> widths, double size) {
  TableStyle s;
  s.left = kMarginX;
  s.widths = std::move(widths);
  s.text_size = size;
  s.leading = size * 1.3;
  return s;
}

// What is drawn, found by laying the certificate out before any page exists
// (the footer needs the page count).
struct TextOp {
  size_t page;
  double top;
  std::string text;
  double size;
  bool centered;
};
struct TableOp {
  size_t page;
  const TableStyle* style;
  const TableBand* header;
  std::vector<TableBand> bands;
  double top;
};

std::string OrDash(const std::string& s) { return OneLine(s).empty() ? "—" : s; }
std::string YesNo(bool b) { return b ? "是 / yes" : "否 / no"; }

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

class Layout {
 public:
  explicit Layout(HPDF_Font font)
      : text_(font, kTextSize),
        hash_(font, kHashSize),
        flow_(kPageHeight - kMarginTop, kPageHeight - kMarginTop, kMarginBottom),
        font_(font) {}

  size_t pages() const { return flow_.pages(); }
  const std::vector<TextOp>& texts() const { return texts_; }
  const std::vector<TableOp>& tables() const { return tables_; }

  void Line(const std::string& text, double size, bool centered, double gap_after) {
    const double top = flow_.Take(size * 1.35);
    texts_.push_back({flow_.page(), top, OneLine(text), size, centered});
    flow_.Skip(gap_after);
  }

  void Paragraph(const std::string& text, double size) {
    TextMeasure measure(font_, size);
    for (std::string& line : WrapText(text, kWidth, measure)) {
      const double top = flow_.Take(size * 1.4);
      texts_.push_back({flow_.page(), top, std::move(line), size, false});
    }
    flow_.Skip(6);
  }

  // A section heading, kept with at least a few lines of what follows.
  void Heading(const std::string& text) {
    if (!flow_.Fits(kHeadingSize * 1.6 + 10 + 3 * kTextSize * 1.3) && !flow_.AtPageTop()) {
      flow_.NewPage();
    }
    flow_.Skip(4);
    Line(text, kHeadingSize, false, 2);
  }

  // Label / value rows.
  void Fields(const std::vector<std::pair<std::string, std::string>>& rows) {
    static const TableStyle kStyle = Style({172, kWidth - 172}, kTextSize);
    std::vector<TableBand> bands;
    for (const auto& [label, value] : rows) {
      bands.push_back(WrapBand({label, OrDash(value)}, kStyle, text_));
    }
    Table(kStyle, nullptr, std::move(bands));
  }

  // A table with a header row; `hash` tables use the smaller size.
  void Grid(const TableStyle& style, const TableBand& header,
            const std::vector<std::vector<std::string>>& rows) {
    TextMeasure& measure = style.text_size == kHashSize ? hash_ : text_;
    std::vector<TableBand> bands;
    bands.reserve(rows.size());
    for (const auto& row : rows) bands.push_back(WrapBand(row, style, measure));
    Table(style, &header, std::move(bands));
  }

  TableBand Header(const std::vector<std::string>& names, const TableStyle& style) {
    return WrapBand(names, style, style.text_size == kHashSize ? hash_ : text_);
  }

 private:
  void Table(const TableStyle& style, const TableBand* header, std::vector<TableBand> bands) {
    for (TableChunk& chunk : FlowTable(header, std::move(bands), style, &flow_)) {
      tables_.push_back({chunk.page, &style, header, std::move(chunk.bands), chunk.top});
    }
    flow_.Skip(6);
  }

  TextMeasure text_, hash_;
  PdfFlow flow_;
  HPDF_Font font_;
  std::vector<TextOp> texts_;
  std::vector<TableOp> tables_;
};

}  // namespace

StatusOr<std::string> CertificatePdf(const CertificateView& c, const std::string& font_file) {
  VAULT_ASSIGN_OR_RETURN(FontDocLease lease, FontDocLease::Acquire(font_file, kReason));
  HaruDoc& pdf = lease.doc();
  Layout layout(lease.font());

  layout.Line(kTitle, kTitleSize, true, 2);
  layout.Line("证明编号 / Certificate ID： " + OrDash(c.id), kSubtitleSize, true, 8);
  layout.Paragraph(kIntro, kTextSize);

  layout.Heading("一、证明信息 / Certificate");
  layout.Fields({{"证明编号 / Certificate ID", c.id},
                 {"签发时间 / Issued at", c.issued_at},
                 {"cert.json SHA-256", c.json_sha256},
                 {"签名密钥 / Signing key", c.key_name},
                 {"密钥指纹 / Key fingerprint", c.key_fingerprint},
                 {"前一证明 SHA-256 / Previous certificate", c.previous_sha256}});

  layout.Heading("二、销毁经过 / Destruction");
  layout.Fields({{"执行人 / Performed by", Join({c.performer, c.performer_title}, "，")},
                 {"单位 / Organisation", c.organisation},
                 {"销毁原因 / Reason", c.reason},
                 {"依据文号 / Reference", c.reference},
                 {"保管期限规则 / Retention rule", c.rule},
                 {"批准人 / Approved by", Join(c.approvers, "、")},
                 {"监销人 / Witness", c.witness},
                 {"销毁类别 / Method type", c.method_type},
                 {"销毁方法 / Method", c.method},
                 {"开始时间 / Started at", c.started_at},
                 {"完成时间 / Completed at", c.completed_at},
                 {"工具 / Tool", c.tool},
                 {"文件系统 / Filesystem", c.filesystem}});

  layout.Heading("三、覆写遍次 / Overwrite passes（共 " + std::to_string(c.passes.size()) +
                 " 遍 / " + std::to_string(c.passes.size()) + " passes）");
  static const TableStyle kPasses = Style({60, kWidth - 260, 100, 100}, kTextSize);
  const TableBand passes_header = layout.Header(
      {"遍次 / Pass", "写入内容 / Pattern", "已同步 / Synced", "已回读核验 / Verified"}, kPasses);
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < c.passes.size(); ++i) {
    const CertificateView::Pass& p = c.passes[i];
    rows.push_back({std::to_string(i + 1), OrDash(p.pattern), YesNo(p.synced), YesNo(p.verified)});
  }
  layout.Grid(kPasses, passes_header, rows);

  layout.Heading("四、销毁档案 / Destroyed records（共 " + std::to_string(c.records.size()) +
                 " 件 / " + std::to_string(c.records.size()) + " records）");
  static const TableStyle kRecords = Style({34, 100, kWidth - 404, 90, 64, 48, 68}, kTextSize);
  const TableBand records_header =
      layout.Header({"序号 / No.", "档号 / Archive number", "题名 / Title", "客户 / Customer",
                     "密级 / Classification", "版本数 / Versions", "字节数 / Bytes"},
                    kRecords);
  rows.clear();
  for (size_t i = 0; i < c.records.size(); ++i) {
    const CertificateView::Record& r = c.records[i];
    rows.push_back({std::to_string(i + 1), OrDash(r.archive_number), OrDash(r.title),
                    OrDash(r.customer), OrDash(r.classification), std::to_string(r.versions),
                    std::to_string(r.bytes)});
  }
  layout.Grid(kRecords, records_header, rows);

  layout.Heading("五、版本哈希 / Version hashes (SHA-256)");
  static const TableStyle kHashes =
      Style({96, 40, (kWidth - 136) / 2, (kWidth - 136) / 2}, kHashSize);
  const TableBand hashes_header =
      layout.Header({"档号 / Archive number", "版本 / Version", "明文 SHA-256 / Plaintext",
                     "密文 SHA-256 / Ciphertext"},
                    kHashes);
  rows.clear();
  for (const CertificateView::Record& r : c.records) {
    const size_t n =
        std::max<size_t>(1, std::max(r.plaintext_sha256.size(), r.ciphertext_sha256.size()));
    for (size_t v = 0; v < n; ++v) {
      rows.push_back({OrDash(r.archive_number), "v" + std::to_string(v + 1),
                      v < r.plaintext_sha256.size() ? OrDash(r.plaintext_sha256[v]) : "—",
                      v < r.ciphertext_sha256.size() ? OrDash(r.ciphertext_sha256[v]) : "—"});
    }
  }
  layout.Grid(kHashes, hashes_header, rows);

  layout.Heading("六、说明与局限 / Limitations");
  layout.Paragraph(OrDash(c.limitations), kTextSize);

  layout.Heading("七、签字 / Signatures");
  layout.Line("执行人 / Performed by：______________________   日期 / Date：______________",
              kTextSize, false, 10);
  layout.Line("监销人 / Witness：__________________________   日期 / Date：______________",
              kTextSize, false, 0);

  const size_t total = layout.pages();
  const std::string id = OneLine(OrDash(c.id));
  const double ascent = lease.ascent();
  size_t next_text = 0, next_table = 0;
  for (size_t n = 0; n < total && pdf.error() == HPDF_OK; ++n) {
    HPDF_Page page = HPDF_AddPage(pdf.get());
    HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(kPageWidth));
    HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(kPageHeight));
    PageWriter writer(page, lease.font(), ascent);
    for (; next_table < layout.tables().size() && layout.tables()[next_table].page == n;
         ++next_table) {
      const TableOp& t = layout.tables()[next_table];
      writer.Table(*t.style, t.header, t.bands, t.top);
    }
    for (; next_text < layout.texts().size() && layout.texts()[next_text].page == n; ++next_text) {
      const TextOp& t = layout.texts()[next_text];
      writer.Line(t.text, t.centered ? kPageWidth / 2 : kMarginX, t.top - ascent * t.size, t.size,
                  kWidth, t.centered);
    }
    const std::string pages = std::to_string(n + 1) + " / " + std::to_string(total);
    writer.Line("销毁证明 " + id + "   第 " + pages + " 页 · Page " + pages, kPageWidth / 2,
                kMarginBottom / 2, kFooterSize, kWidth, true);
  }
  return FinishHaruPdf(pdf, kReason);
}

}  // namespace vault
