// Renders the stamp (watermark) pages with libharu: one page per distinct
// page size, holding the tiled, rotated, semi-transparent text block and a
// footer line, in an embedded TrueType CJK font so Chinese names print.
//
// The document comes from the one font pool (vault/print/font_pool.h); the
// font file is the watermark policy's. The PDF is built in memory; nothing
// touches disk. libharu writes a useless
// ToUnicode map in UTF-8 mode (one identity cidrange): PdfStamper replaces it
// so the stamp's text can be extracted.
#pragma once

#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/export/watermark_policy.h"

namespace vault {

struct PageSize {
  double width = 0;
  double height = 0;
  bool operator<(const PageSize& o) const { return width != o.width ? width < o.width : height < o.height; }
  bool operator==(const PageSize& o) const { return width == o.width && height == o.height; }
};

// One page per entry of `sizes` (as displayed), each with the /Rotate of
// the same entry in `rotations` (0, 90, 180, 270), which PdfStamper uses to
// cancel the target page's rotation. stamp.render_failed (libharu error code
// in the message) or stamp.font_missing (checked first).
// Thread-safety: stateless; renderings may run concurrently.
StatusOr<std::string> RenderStampPdf(const StampText& text, const StampLayout& layout,
                                     const std::string& font_file, const std::vector<PageSize>& sizes,
                                     const std::vector<int>& rotations);

}  // namespace vault
