#include "vault/print/register_pdf.h"

#include <utility>

#include "vault/print/font_pool.h"
#include "vault/print/table.h"
#include "vault/print/text.h"

namespace vault {
namespace {

HPDF_REAL R(double v) { return static_cast<HPDF_REAL>(v); }

}  // namespace

StatusOr<std::string> RegisterTablePdf(const std::vector<std::string>& columns,
                                       const std::vector<double>& weights,
                                       const std::vector<std::vector<std::string>>& rows,
                                       const std::string& title, const std::string& generated_at,
                                       const std::string& font_file,
                                       const std::string& failure_reason) {
  constexpr double kPageWidth = 842, kPageHeight = 595, kMargin = 28;  // A4 landscape
  constexpr double kTableWidth = kPageWidth - 2 * kMargin;
  constexpr double kTextSize = 9, kTitleSize = 14, kFooterSize = 8;
  // Page 1 carries the title and the generation line above the table.
  constexpr double kFirstTableTop = kPageHeight - kMargin - kTitleSize - 24;
  constexpr double kTableTop = kPageHeight - kMargin;
  if (weights.size() != columns.size() || columns.empty()) {
    return InternalError(failure_reason, "one width per column");
  }
  VAULT_ASSIGN_OR_RETURN(FontDocLease lease, FontDocLease::Acquire(font_file, failure_reason));
  HaruDoc& pdf = lease.doc();
  HPDF_Font font = lease.font();

  TableStyle style;
  style.left = kMargin;
  style.text_size = kTextSize;
  style.leading = kTextSize * 1.3;
  double total_weight = 0;
  for (double w : weights) total_weight += w;
  for (double w : weights) style.widths.push_back(w * kTableWidth / total_weight);
  TextMeasure measure(font, kTextSize);
  const TableBand header = WrapBand(columns, style, measure);
  std::vector<TableBand> bands;
  bands.reserve(rows.size());
  for (const auto& row : rows) bands.push_back(WrapBand(row, style, measure));
  PdfFlow flow(kFirstTableTop, kTableTop, kMargin);
  const std::vector<TableChunk> chunks = FlowTable(&header, std::move(bands), style, &flow);
  const size_t total = flow.pages();
  const std::string generated = "生成时间：" + OneLine(DisplayTime(generated_at)) + "　　共 " +
                                std::to_string(rows.size()) + " 条";
  size_t next = 0;
  for (size_t n = 0; n < total && pdf.error() == HPDF_OK; ++n) {
    HPDF_Page page = HPDF_AddPage(pdf.get());
    HPDF_Page_SetWidth(page, R(kPageWidth));
    HPDF_Page_SetHeight(page, R(kPageHeight));
    PageWriter writer(page, font, lease.ascent());
    if (n == 0) {
      writer.Line(OneLine(title), kMargin, kPageHeight - kMargin - kTitleSize * lease.ascent(),
                  kTitleSize, kTableWidth, false);
      writer.Line(generated, kMargin, kPageHeight - kMargin - kTitleSize - 14, kTextSize,
                  kTableWidth, false);
    }
    for (; next < chunks.size() && chunks[next].page == n; ++next) {
      writer.Table(style, &header, chunks[next].bands, chunks[next].top);
    }
    writer.Line("第 " + std::to_string(n + 1) + " / " + std::to_string(total) + " 页",
                kPageWidth / 2, kMargin / 2, kFooterSize, kTableWidth, true);
  }
  return FinishHaruPdf(pdf, failure_reason);
}


}  // namespace vault
