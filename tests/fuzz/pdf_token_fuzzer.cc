// libFuzzer target for the PDF token reader (ReadTraceEvidence, what
// POST /api/v1/trace runs on an uploaded file): arbitrary bytes as a leaked
// copy. The /Vault* entries of its Info dictionary and the codes printed by
// its stamp, or nothing, never a crash. Seeds: a stamped export made at
// fuzz time (scripts/fuzz.sh) and the committed corpus.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vault/export/pdf_stamper.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  vault::TraceEvidence e = vault::ReadTraceEvidence(std::string(reinterpret_cast<const char*>(data), size));
  for (const auto& code : e.codes) {
    if (code.size() != 9 || code[4] != '-') __builtin_trap();  // codes are XXXX-XXXX
  }
  return 0;
}
