// StampDocument: a rendered stamp, parsed by qpdf once, ready to be placed.
//
// PdfStamper turns each stamp page into a form XObject and copies it into
// the exported file. Parsing the stamp (and mending its ToUnicode map)
// costs as much as stamping a small file, so a caller that stamps many
// files with the same stamp (the export fuzz target) parses it once and
// hands the same StampDocument to every StampJob (StampJob::render_stamp).
// Every export builds its own: its stamp names its reader and export code.
//
// Thread-safety: qpdf objects are not safe to share between threads, even
// for reading (copyForeignObject fills caches), so one StampDocument is used
// by one thread at a time. The exported file refers to the stamp's stream
// data until it is written: keep the shared_ptr until then (StampPdf does).
#pragma once

#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>

#include <memory>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/export/internal/stamp_renderer.h"

namespace vault {

class StampDocument {
 public:
  // Parses `pdf` (a stamp from RenderStampPdf), mends its ToUnicode maps
  // and makes one form XObject per page. stamp.render_failed when qpdf
  // cannot read it.
  static StatusOr<std::shared_ptr<StampDocument>> Parse(std::string pdf);
  // RenderStampPdf (stamp_renderer.h) and Parse in one step: what every
  // export does.
  static StatusOr<std::shared_ptr<StampDocument>> Render(const StampText& text, const StampLayout& layout,
                                                         const std::string& font_file,
                                                         const std::vector<PageSize>& sizes,
                                                         const std::vector<int>& rotations);

  StampDocument(const StampDocument&) = delete;
  StampDocument& operator=(const StampDocument&) = delete;

  // One form XObject per stamp page, in page order.
  size_t pages() const { return forms_.size(); }
  const QPDFObjectHandle& form(size_t page) const { return forms_[page]; }

  // For callers that reshape the stamp after parsing (the fuzz target drops
  // the CJK font's glyph-width array, which it does not need).
  QPDF& qpdf() { return qpdf_; }

 private:
  StampDocument() = default;
  std::string bytes_;  // qpdf reads from this buffer for as long as it lives
  QPDF qpdf_;
  std::vector<QPDFObjectHandle> forms_;
};

}  // namespace vault
