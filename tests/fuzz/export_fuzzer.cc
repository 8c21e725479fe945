// libFuzzer target for the export path of stored PDFs: arbitrary bytes as a
// stored PDF, parsed and stamped with the default policy's stamp (scans:
// scan_fuzzer.cc). Every input must give a stamped file or a Status, never
// a crash, a hang or a sanitizer report.
//
// Font rendering is not what is fuzzed (its input is the vault's own policy
// text, not the file): the stamp is rendered by libharu and parsed by qpdf
// once per process for each number of distinct page sizes, and the same
// StampDocument is reused (StampJob::render_stamp). The reused stamp is
// made light: the CJK font's glyph-width array (/W, about 200 KB of
// numbers that every copy would otherwise carry and write) is dropped,
// which changes only how wide a viewer draws the glyphs. About 500
// executions per second instead of 6 (docs/testing.md).
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vault/export/default_watermark.h"
#include "vault/export/internal/stamp_document.h"
#include "vault/export/pdf_stamper.h"

namespace {

// Drops the glyph widths of every CIDFont in the stamp (see above).
void LightStamp(vault::StampDocument& doc) {
  for (QPDFObjectHandle object : doc.qpdf().getAllObjects()) {
    if (!object.isDictionary()) continue;
    QPDFObjectHandle subtype = object.getKey("/Subtype");
    if (subtype.isName() && subtype.getName() == "/CIDFontType2") object.removeKey("/W");
  }
}

const vault::StampJob& Job() {
  static const vault::StampJob job = [] {
    auto policy = vault::WatermarkPolicy::FromJson(vault::kDefaultWatermarkJson);
    vault::StampValues v{"张三", "zhangsan", "华南销售部", "2026-11-22T10:00:00Z", "-", "K7QM-2XRD", "internal"};
    vault::StampJob j;
    j.text = std::move((*policy)->Render(v)).value();
    j.layout = (*policy)->layout();
    j.font_file = (*policy)->font_file();
    j.max_pages = 50;  // keep each run short
    j.token = {{"ExportId", "fuzz"}};
    // One rendering per count of page sizes, at A4: the stamp is scaled
    // onto each page anyway (placeFormXObject).
    j.render_stamp = [text = j.text, layout = j.layout, font = j.font_file](
                         const std::vector<vault::PageSize>& sizes,
                         const std::vector<int>& rotations) -> vault::StatusOr<std::shared_ptr<vault::StampDocument>> {
      static auto* parsed = new std::map<size_t, std::shared_ptr<vault::StampDocument>>();
      auto it = parsed->find(sizes.size());
      if (it == parsed->end()) {
        std::vector<vault::PageSize> a4(sizes.size(), vault::PageSize{595, 842});
        VAULT_ASSIGN_OR_RETURN(std::shared_ptr<vault::StampDocument> doc,
                               vault::StampDocument::Render(text, layout, font, a4, rotations));
        LightStamp(*doc);
        it = parsed->emplace(sizes.size(), std::move(doc)).first;
      }
      return it->second;
    };
    return j;
  }();
  return job;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  (void)vault::StampPdf("%PDF-1.4\n" + std::string(reinterpret_cast<const char*>(data), size), Job());
  return 0;
}
