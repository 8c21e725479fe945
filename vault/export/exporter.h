// Exporter: the one path by which anyone but an archive admin receives
// document content.
//
//   stored version -> decrypt chunks on demand -> stamp with the reader's
//   identity and a fresh export code -> SHA-256 -> record in the export
//   ledger -> hand the bytes to the caller (who streams them).
//
// Nothing is returned unless the ledger row is written, and the ledger's
// output SHA-256 is that of the exact bytes returned. Plaintext never goes
// to a file, and a stored PDF is never decrypted whole: qpdf reads it
// through a BlobRandomReader, a few authenticated 64 KiB chunks at a time. Stored PDFs are stamped as they are; scans (JPEG, PNG, TIFF)
// first become a PDF with one page per image; anything else is refused with
// export.unsupported_type.
//
// Thread-safety: safe for concurrent use (the collaborators are).
#pragma once

#include <memory>
#include <string>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/export/export_ledger.h"
#include "vault/export/watermark_policy.h"
#include "vault/keys/primary_signer.h"
#include "vault/keys/signer.h"
#include "vault/vault.h"

namespace vault {

struct ExportRequest {
  std::string document;  // id or archive number
  uint32_t version = 0;  // 0: current
  std::string borrow_id; // empty: not on loan
  // The reader, as printed on the stamp.
  std::string username;
  std::string display_name;
  std::string department;
};

struct ExportResult {
  ExportRecord record;
  std::string pdf;
};

class Exporter {
 public:
  // Does not own its collaborators; they must outlive it.
  Exporter(Vault* vault, ExportLedger* ledger, const WatermarkPolicy* policy, const PrimarySigner* signer,
           const Clock* clock);

  // export.unsupported_type, export.too_large,
  // export.rate_limited, export.*, stamp.*, and the vault's errors.
  StatusOr<ExportResult> Export(const ExportRequest& request);
  // The same for a record the caller already looked up (and decided on,
  // DocumentAccess): it is not read again. request.document is ignored.
  StatusOr<ExportResult> Export(const ExportRequest& request, const DocumentRecord& doc);

  // The watermark policy; its font_file is the font of everything vaultd
  // prints (stamps, registers, certificates).
  const WatermarkPolicy& policy() const { return *policy_; }

  // Checks a token's signature against the ledger row it names.
  static bool TokenSignatureValid(const ExportRecord& record, const std::string& signature_hex);

 private:
  Vault* vault_;
  ExportLedger* ledger_;
  const WatermarkPolicy* policy_;
  const PrimarySigner* signer_;  // purpose "export", the primary KEK's at each export
  const Clock* clock_;
};

// A short code for humans: 8 characters of Crockford base32 as XXXX-XXXX.
std::string NewExportCode();

}  // namespace vault
