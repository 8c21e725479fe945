#include "vault/export/internal/stamp_renderer.h"

#include <cmath>
#include <vector>

#include "vault/print/font_pool.h"

namespace vault {
namespace {

void DrawBlock(HPDF_Page page, HPDF_Font font, const std::vector<std::string>& lines, double size, double angle,
               double x, double y) {
  const double c = std::cos(angle), s = std::sin(angle);
  for (size_t i = 0; i < lines.size(); ++i) {
    // Each further line sits one line height "below" along the rotated axis.
    const double dy = -static_cast<double>(i) * size * 1.4;
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font, static_cast<HPDF_REAL>(size));
    HPDF_Page_SetTextMatrix(page, static_cast<HPDF_REAL>(c), static_cast<HPDF_REAL>(s), static_cast<HPDF_REAL>(-s),
                            static_cast<HPDF_REAL>(c), static_cast<HPDF_REAL>(x - s * dy),
                            static_cast<HPDF_REAL>(y + c * dy));
    HPDF_Page_ShowText(page, lines[i].c_str());
    HPDF_Page_EndText(page);
  }
}

}  // namespace

StatusOr<std::string> RenderStampPdf(const StampText& text, const StampLayout& layout, const std::string& font_file,
                                     const std::vector<PageSize>& sizes, const std::vector<int>& rotations) {
  // The font first: a missing font is reported before anything else.
  VAULT_ASSIGN_OR_RETURN(FontDocLease lease, FontDocLease::Acquire(font_file, "stamp.render_failed"));
  if (sizes.empty()) return InvalidArgumentError("stamp.no_pages", "no page sizes to stamp");
  if (rotations.size() != sizes.size()) return InvalidArgumentError("stamp.bad_request", "one rotation per size");
  HaruDoc& pdf = lease.doc();
  HPDF_Doc doc = pdf.get();
  HPDF_Font font = lease.font();
  HPDF_ExtGState faint = HPDF_CreateExtGState(doc);
  HPDF_ExtGState_SetAlphaFill(faint, static_cast<HPDF_REAL>(layout.opacity));
  HPDF_ExtGState solid = HPDF_CreateExtGState(doc);
  HPDF_ExtGState_SetAlphaFill(solid, 0.85f);
  const double angle = layout.angle_degrees * M_PI / 180.0;
  for (size_t n = 0; n < sizes.size(); ++n) {
    const PageSize& size = sizes[n];
    HPDF_Page page = HPDF_AddPage(doc);
    HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(size.width));
    HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(size.height));
    if (rotations[n] != 0) HPDF_Page_SetRotate(page, static_cast<HPDF_UINT16>(rotations[n]));
    HPDF_Page_GSave(page);
    HPDF_Page_SetExtGState(page, faint);
    HPDF_Page_SetRGBFill(page, 0.55f, 0.0f, 0.0f);
    if (layout.tile) {
      const double step = layout.tile_spacing;
      const double reach = std::hypot(size.width, size.height);
      // Cover the page (and its rotated corners) with a grid of blocks.
      for (double y = -reach / 2; y < size.height + reach / 2; y += step * 0.75) {
        for (double x = -reach / 2; x < size.width + reach / 2; x += step * 1.6) {
          if (x < -step * 2 || x > size.width + step || y < -step || y > size.height + step) continue;
          DrawBlock(page, font, text.lines, layout.font_size, angle, x, y);
        }
      }
    } else {
      DrawBlock(page, font, text.lines, layout.font_size, angle, size.width * 0.2, size.height * 0.45);
    }
    HPDF_Page_GRestore(page);
    if (!text.footer.empty()) {
      HPDF_Page_GSave(page);
      HPDF_Page_SetExtGState(page, solid);
      HPDF_Page_SetRGBFill(page, 0.0f, 0.0f, 0.0f);
      double fs = layout.footer_font_size;
      HPDF_Page_SetFontAndSize(page, font, static_cast<HPDF_REAL>(fs));
      const double margin = 12;
      double width = HPDF_Page_TextWidth(page, text.footer.c_str());
      if (width > size.width - 2 * margin && width > 0) fs = std::max(3.0, fs * (size.width - 2 * margin) / width);
      HPDF_Page_BeginText(page);
      HPDF_Page_SetFontAndSize(page, font, static_cast<HPDF_REAL>(fs));
      HPDF_Page_TextOut(page, static_cast<HPDF_REAL>(margin), static_cast<HPDF_REAL>(margin * 0.6),
                        text.footer.c_str());
      HPDF_Page_EndText(page);
      HPDF_Page_GRestore(page);
    }
    if (pdf.error() != HPDF_OK) break;
  }
  std::string out = pdf.Save();
  if (out.empty()) {
    return InternalError("stamp.render_failed", "libharu error " + std::to_string(pdf.error()) + "/" +
                                                    std::to_string(pdf.detail()));
  }
  return out;
}

}  // namespace vault
