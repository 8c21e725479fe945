// The restore drill report (backup_drill.h) as a PDF for people: A4
// portrait, bilingual labels, the result in large type, what was verified
// (manifest, files, fixity, audit chain, certificate chain), every problem
// listed, the signing key, the SHA-256 of drill-report.json, and how to
// check both files with openssl.
//
// The PDF is signed on its own (drill-report.pdf.sig, raw 64-byte Ed25519
// by the same backup signing key, signing.pem beside it), so
//   openssl pkeyutl -verify -pubin -inkey signing.pem -rawin
//       -in drill-report.pdf -sigfile drill-report.pdf.sig      (one line)
// checks it exactly like drill-report.json. The JSON stays the evidence;
// the PDF prints its hash so a printout can be tied back to it.
//
// Thread-safety: stateless; renders may run concurrently (libharu documents
// with the font loaded come from the locked pool, vault/print/font_pool.h).
#pragma once

#include <string>

#include "vault/base/status.h"
#include "vault/keys/signer.h"

namespace vault {

inline constexpr char kDrillPdfFile[] = "drill-report.pdf";
inline constexpr char kDrillPdfSigFile[] = "drill-report.pdf.sig";

// Renders the canonical JSON of a drill report in the TrueType CJK font
// `font_file`; text extractable with pdftotext. backup.drill_malformed if
// `report_json` is not a drill report, stamp.font_missing if the font is
// unreadable, backup.drill_pdf_failed if libharu fails.
StatusOr<std::string> DrillReportPdf(const std::string& report_json, const std::string& font_file);

// Renders the report, signs the PDF with `signer` and writes DIR/
// drill-report.pdf and DIR/drill-report.pdf.sig (each atomically, 0644).
Status WriteDrillReportPdf(const std::string& dir, const std::string& report_json, const Signer& signer,
                           const std::string& font_file);

}  // namespace vault
