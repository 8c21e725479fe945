// libFuzzer target for the scans an export turns into PDFs: the first byte
// picks JPEG, PNG or TIFF, the rest is the image (JPEG and PNG get their
// magic bytes put back in front). A PDF or a Status (export.unreadable,
// export.too_large, export.too_many_pages), never a crash. Split from the
// export target: a scan may declare up to 100 million pixels, and decoding
// those takes far longer than stamping a PDF.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vault/export/internal/scan_to_pdf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1u << 20)) return 0;
  const std::string input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: (void)vault::ScanToPdf(vault::ScanKind::kJpeg, std::string("\xFF\xD8\xFF", 3) + input, 4); break;
    case 1: (void)vault::ScanToPdf(vault::ScanKind::kPng, std::string("\x89PNG\r\n\x1a\n", 8) + input, 4); break;
    default: (void)vault::ScanToPdf(vault::ScanKind::kTiff, input, 4); break;
  }
  return 0;
}
