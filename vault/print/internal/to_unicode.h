// The text-extraction fix for PDFs that libharu writes in UTF-8 mode.
//
// libharu (UTF-8 encoder, TrueType CID font) uses each character's BMP code
// point as its CID but writes a ToUnicode CMap that maps nothing useful, so
// pdftotext and screen readers cannot get the text back. These helpers
// replace every font's ToUnicode stream with the identity map over the BMP.
//
// Thread-safety: stateless; separate QPDF objects may be fixed concurrently.
#pragma once

#include <string>

#include "vault/base/status.h"

class QPDF;

namespace vault {

// Rewrites the ToUnicode map of each font used by a page of `pdf`. Throws
// what qpdf throws: for callers already inside their own qpdf try block.
void FixToUnicode(QPDF& pdf);

// The same for a whole libharu PDF held in memory: parses `pdf`, fixes it
// and replaces it with the rewritten file. pdf.to_unicode_failed if qpdf
// cannot read or write it (then `pdf` is unchanged).
Status FixHaruToUnicode(std::string* pdf);

}  // namespace vault
