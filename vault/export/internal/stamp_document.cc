#include "vault/export/internal/stamp_document.h"

#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <exception>

#include "vault/print/internal/to_unicode.h"

namespace vault {

StatusOr<std::shared_ptr<StampDocument>> StampDocument::Parse(std::string pdf) {
  std::shared_ptr<StampDocument> doc(new StampDocument());
  doc->bytes_ = std::move(pdf);
  try {
    doc->qpdf_.setSuppressWarnings(true);
    doc->qpdf_.processMemoryFile("stamp", doc->bytes_.data(), doc->bytes_.size());
    FixToUnicode(doc->qpdf_);
    for (auto& page : QPDFPageDocumentHelper(doc->qpdf_).getAllPages()) {
      doc->forms_.push_back(page.getFormXObjectForPage(true));
    }
  } catch (const std::exception&) {
    return InternalError("stamp.render_failed", "the rendered stamp cannot be read back");
  }
  return doc;
}

StatusOr<std::shared_ptr<StampDocument>> StampDocument::Render(const StampText& text, const StampLayout& layout,
                                                               const std::string& font_file,
                                                               const std::vector<PageSize>& sizes,
                                                               const std::vector<int>& rotations) {
  VAULT_ASSIGN_OR_RETURN(std::string pdf, RenderStampPdf(text, layout, font_file, sizes, rotations));
  return Parse(std::move(pdf));
}

}  // namespace vault
