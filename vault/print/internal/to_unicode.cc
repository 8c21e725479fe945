#include "vault/print/internal/to_unicode.h"

#include <cstdio>
#include <exception>
#include <new>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>
#include <sstream>

namespace vault {
namespace {

// libharu's CIDs in UTF-8 mode are the characters' BMP code points, so the
// correct ToUnicode map is the identity over the BMP (surrogates excluded),
// written as bfranges that never cross a high byte.
std::string IdentityBmpToUnicode() {
  std::ostringstream ranges;
  int count = 0;
  std::ostringstream block;
  auto flush = [&] {
    if (count == 0) return;
    ranges << count << " beginbfrange\n" << block.str() << "endbfrange\n";
    block.str("");
    count = 0;
  };
  char line[64];
  for (int hi = 0; hi < 256; ++hi) {
    if (hi >= 0xD8 && hi <= 0xDF) continue;
    std::snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
    block << line;
    if (++count == 100) flush();
  }
  flush();
  return "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
         "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
         "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
         "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" +
         ranges.str() + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
}

}  // namespace

void FixToUnicode(QPDF& pdf) {
  const std::string cmap = IdentityBmpToUnicode();
  for (auto& page : QPDFPageDocumentHelper(pdf).getAllPages()) {
    QPDFObjectHandle resources = page.getAttribute("/Resources", false);
    if (!resources.isDictionary() || !resources.hasKey("/Font")) continue;
    QPDFObjectHandle fonts = resources.getKey("/Font");
    for (const auto& key : fonts.getKeys()) {
      QPDFObjectHandle font = fonts.getKey(key);
      if (font.isDictionary() && font.hasKey("/ToUnicode") &&
          font.getKey("/ToUnicode").isStream()) {
        font.getKey("/ToUnicode")
            .replaceStreamData(cmap, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
      }
    }
  }
}

Status FixHaruToUnicode(std::string* pdf) {
  try {
    std::string fixed;
    {
      // qpdf reads `*pdf` in place: it must stay untouched until `doc` is gone.
      QPDF doc;
      doc.setSuppressWarnings(true);
      doc.processMemoryFile("libharu output", pdf->data(), pdf->size());
      FixToUnicode(doc);
      QPDFWriter writer(doc);
      writer.setOutputMemory();
      writer.write();
      auto buffer = writer.getBufferSharedPointer();
      fixed.assign(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
    }
    pdf->swap(fixed);
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return ResourceExhaustedError("pdf.to_unicode_failed",
                                  "out of memory fixing the PDF's text map");
  } catch (const std::exception& e) {
    return InternalError("pdf.to_unicode_failed",
                         std::string("cannot fix the PDF's text map: ") + e.what());
  }
}

}  // namespace vault
