// libFuzzer target for the trace code reader: arbitrary text as a code read
// off a printout (GET /api/v1/trace/{code} upper-cases it, then
// ExportLedger::ByCode forgives spaces, O for 0, I and L for 1) against a
// real ledger in a throwaway SQLite file holding one export (K7QM-2XRD).
// The second half of the input is tried as the token's signature over that
// record (Exporter::TokenSignatureValid). A record or trace.not_found, never
// a crash.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "tests/fuzz/fuzz_temp_db.h"
#include "vault/export/export_ledger.h"
#include "vault/export/exporter.h"

namespace {

vault::ExportRecord Known() {
  vault::ExportRecord r;
  r.export_id = std::string(32, 'e');
  r.code = "K7QM-2XRD";
  r.username = "zhangsan";
  r.document_id = "d1";
  r.archive_number = "C001_HT_0001";
  r.version = 1;
  r.borrow_id = "-";
  r.created_at = "2026-11-22T10:00:00Z";
  r.source_sha256 = std::string(64, '0');
  r.output_sha256 = std::string(64, '1');
  r.pages = 1;
  r.bytes = 1;
  r.key_name = "export";
  r.public_key = std::string(64, 'a');
  r.signature = std::string(128, 'b');
  return r;
}

vault::ExportLedger& Ledger() {
  static std::unique_ptr<vault::ExportLedger> ledger = [] {
    auto l = vault::ExportLedger::Open(vault_fuzz::TempDatabase());
    if (!l.ok() || !(*l)->Record(Known()).ok()) __builtin_trap();
    return std::move(*l);
  }();
  return *ledger;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::string code = input.substr(0, size / 2);
  for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto found = Ledger().ByCode(code);
  if (found.ok() && found->code != "K7QM-2XRD") __builtin_trap();
  (void)Ledger().ById(code);
  (void)vault::Exporter::TokenSignatureValid(Known(), input.substr(size / 2));
  return 0;
}
