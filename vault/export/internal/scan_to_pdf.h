// ScanToPdf: a stored scan (JPEG, PNG, or multi-page TIFF) as a PDF with one
// page per image, sized by the image's resolution (200 dpi when the file
// does not say), built in memory with libharu (TIFF decoded by libtiff).
// The result then goes through the same stamping as stored PDFs.
//
// Hostile images are expected: unreadable files, absurd dimensions (over
// 100 megapixels per image) and too many pages give stable errors.
#pragma once

#include <cstdint>
#include <string>

#include "vault/base/status.h"

namespace vault {

enum class ScanKind { kJpeg, kPng, kTiff };

// export.unreadable, export.too_many_pages, export.too_large.
StatusOr<std::string> ScanToPdf(ScanKind kind, const std::string& image, int64_t max_pages);

}  // namespace vault
