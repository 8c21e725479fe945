// libFuzzer target for the export path: arbitrary bytes as a stored PDF
// (stamping with the default policy) and as JPEG, PNG and TIFF scans. Every
// input must give a stamped file or a Status, never a crash, a hang or a
// sanitizer report. Run bounded by scripts/test.sh (scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "vault/export/default_watermark.h"
#include "vault/export/pdf_stamper.h"
#include "vault/export/internal/scan_to_pdf.h"

namespace {

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
    return j;
  }();
  return job;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1u << 20)) return 0;
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: (void)vault::StampPdf("%PDF-1.4\n" + input, Job()); break;
    case 1: (void)vault::ScanToPdf(vault::ScanKind::kJpeg, std::string("\xFF\xD8\xFF", 3) + input, 4); break;
    case 2: (void)vault::ScanToPdf(vault::ScanKind::kPng, std::string("\x89PNG\r\n\x1a\n", 8) + input, 4); break;
    default: (void)vault::ScanToPdf(vault::ScanKind::kTiff, input, 4); break;
  }
  (void)vault::ReadTraceEvidence(input);
  return 0;
}
