// PdfStamper: puts the stamp on every page of a stored PDF with qpdf.
//
// For each distinct displayed page size (CropBox, with /Rotate applied)
// libharu renders one stamp page (internal/stamp_renderer.h); qpdf turns it into a
// form XObject and places it over every page of that size, counter-rotated
// so the stamp reads upright however the page is rotated. The original
// content is untouched (its text stays extractable); the forensic token goes
// into the Info dictionary and the XMP metadata.
//
// Hostile input is expected: a file qpdf cannot open, an encrypted file
// needing a user password, no pages or too many pages all give a stable
// error; nothing is written to disk.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/random_access.h"
#include "vault/base/status.h"
#include "vault/export/internal/stamp_document.h"
#include "vault/export/internal/stamp_renderer.h"
#include "vault/export/watermark_policy.h"

namespace vault {

// Gives the stamp pages, parsed: one page per entry of `sizes` (displayed
// page sizes), as internal/stamp_renderer.h describes.
using StampRenderer = std::function<StatusOr<std::shared_ptr<StampDocument>>(const std::vector<PageSize>& sizes,
                                                                             const std::vector<int>& rotations)>;

struct StampJob {
  StampText text;
  StampLayout layout;
  std::string font_file;
  int64_t max_pages = 5000;
  // Written into the Info dictionary (as /Vault<key>) and the XMP packet.
  std::map<std::string, std::string> token;
  // Empty (every export): libharu renders `text` with `layout` in
  // `font_file` (RenderStampPdf) and qpdf parses it (StampDocument). Set,
  // it replaces both steps, so parsing and stamping the stored file can run
  // apart from the stamp: the fuzz target renders and parses its stamp once
  // per process and reuses it.
  StampRenderer render_stamp;
};

struct StampResult {
  std::string pdf;  // the stamped file
  int64_t pages = 0;
};

// export.not_pdf, export.unreadable, export.encrypted, export.no_pages,
// export.too_many_pages, stamp.*, and the source's read errors (a blob
// chunk that fails authentication fails the export with its blob.* error,
// even when qpdf could have recovered from it). The source is read on
// demand and never copied whole.
StatusOr<StampResult> StampPdf(RandomAccessSource& source, const StampJob& job);
StatusOr<StampResult> StampPdf(const std::string& source, const StampJob& job);

// What a copy says about its export, read in one pass (for trace): the
// /Vault* entries of its Info dictionary (without the prefix), and the
// export codes the stamp printed, read from the form XObjects' text on the
// first pages (they survive stripped metadata). Codes are XXXX-XXXX in
// Crockford base32, duplicates removed. Empty parts when the file cannot
// be read.
struct TraceEvidence {
  std::map<std::string, std::string> token;
  std::vector<std::string> codes;
};
TraceEvidence ReadTraceEvidence(const std::string& pdf);

}  // namespace vault
