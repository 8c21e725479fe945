#include "vault/export/exporter.h"

#include <sodium.h>

#include <algorithm>

#include "vault/base/hex.h"
#include "vault/crypto/secret_key.h"
#include "vault/crypto/sha256.h"
#include "vault/export/pdf_stamper.h"
#include "vault/export/internal/scan_to_pdf.h"

namespace vault {
namespace {

// Wipes the plaintext copy when the export is done, whatever the outcome.
struct Wiped {
  std::string data;
  ~Wiped() { sodium_memzero(data.data(), data.size()); }
};

std::string Kind(const std::string& head) {
  if (head.compare(0, 5, "%PDF-") == 0) return "pdf";
  if (head.compare(0, 3, "\xFF\xD8\xFF") == 0) return "jpeg";
  if (head.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) return "png";
  if (head.compare(0, 4, "II*\0", 4) == 0 || head.compare(0, 4, "MM\0*", 4) == 0) return "tiff";
  return "other";
}

}  // namespace

std::string NewExportCode() {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford: no I, L, O, U
  uint8_t rnd[8];
  RandomBytes(rnd, sizeof rnd);
  std::string code;
  for (int i = 0; i < 8; ++i) {
    if (i == 4) code += '-';
    code += kAlphabet[rnd[i] & 31];
  }
  return code;
}

Exporter::Exporter(Vault* vault, ExportLedger* ledger, const WatermarkPolicy* policy, const PrimarySigner* signer,
                   const Clock* clock)
    : vault_(vault), ledger_(ledger), policy_(policy), signer_(signer), clock_(clock) {}

bool Exporter::TokenSignatureValid(const ExportRecord& record, const std::string& signature_hex) {
  auto sig = HexDecode(signature_hex);
  auto pk = HexDecode(record.public_key);
  if (!sig || !pk || pk->size() != Signer::kPublicKeySize) return false;
  Signer::PublicKey key{};
  std::copy(pk->begin(), pk->end(), key.begin());
  return VerifyEd25519(key, TokenMessage(record), sig->data(), sig->size());
}

StatusOr<ExportResult> Exporter::Export(const ExportRequest& req) {
  VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, vault_->Get(req.document));
  return Export(req, doc);
}

StatusOr<ExportResult> Exporter::Export(const ExportRequest& req, const DocumentRecord& doc) {
  const ExportLimits& limits = policy_->limits();
  const TimePoint now = clock_->Now();
  VAULT_ASSIGN_OR_RETURN(int64_t recent, ledger_->CountSince(req.username, FormatUtc(now - std::chrono::hours(1))));
  if (recent >= limits.exports_per_user_per_hour) {
    return ResourceExhaustedError("export.rate_limited", "export limit reached (" +
                                                             std::to_string(limits.exports_per_user_per_hour) +
                                                             " per hour); try again later");
  }
  VAULT_ASSIGN_OR_RETURN(std::vector<VersionRecord> versions, vault_->Versions(doc.id));
  const uint32_t wanted = req.version == 0 ? doc.current_version : req.version;
  const VersionRecord* v = nullptr;
  for (const auto& candidate : versions) {
    if (candidate.version == wanted) v = &candidate;
  }
  if (!v) return NotFoundError("document.version_not_found", "no such version");
  if (static_cast<int64_t>(v->size) > limits.max_bytes) {
    return ResourceExhaustedError("export.too_large", "the document exceeds the export size limit");
  }
  // The stored version is read in place: chunks are authenticated and
  // decrypted as the PDF reader touches them (BlobRandomReader).
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<BlobRandomReader> stored, vault_->OpenVersion(*v));
  std::string head(static_cast<size_t>(std::min<uint64_t>(stored->Size(), 8)), '\0');
  VAULT_RETURN_IF_ERROR(stored->ReadAt(0, reinterpret_cast<uint8_t*>(head.data()), head.size()));
  const std::string kind = Kind(head);
  if (kind == "other") {
    return FailedPreconditionError("export.unsupported_type",
                                   "only PDFs and JPEG, PNG or TIFF scans can be exported");
  }
  Wiped scan_pdf;  // a scan, converted to a PDF in memory
  std::unique_ptr<RandomAccessSource> converted;
  RandomAccessSource* source = stored.get();
  if (kind != "pdf") {
    // Image decoders want the whole image: read it (bounded by the size
    // limit checked above), convert it to a PDF with one page per image,
    // and wipe the image.
    Wiped image;
    image.data.resize(static_cast<size_t>(stored->Size()));
    VAULT_RETURN_IF_ERROR(stored->ReadAt(0, reinterpret_cast<uint8_t*>(image.data.data()), image.data.size()));
    const ScanKind scan = kind == "jpeg" ? ScanKind::kJpeg : kind == "png" ? ScanKind::kPng : ScanKind::kTiff;
    VAULT_ASSIGN_OR_RETURN(scan_pdf.data, ScanToPdf(scan, image.data, limits.max_pages));
    converted = std::make_unique<BytesRandomAccess>(scan_pdf.data);
    source = converted.get();
  }

  ExportRecord r;
  uint8_t id[16];
  RandomBytes(id, sizeof id);
  r.export_id = HexEncode(id, sizeof id);
  r.code = NewExportCode();
  r.username = req.username;
  r.document_id = doc.id;
  r.archive_number = doc.archive_number;
  r.version = v->version;
  r.borrow_id = req.borrow_id.empty() ? "-" : req.borrow_id;
  r.created_at = FormatUtc(now);
  r.source_sha256 = v->sha256;
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<Signer> signer, signer_->Current());
  r.key_name = signer->key_name();
  const auto& pk = signer->public_key();
  r.public_key = HexEncode(pk.data(), pk.size());
  const Signer::Signature sig = signer->Sign(TokenMessage(r));
  r.signature = HexEncode(sig.data(), sig.size());

  StampValues values;
  values.user_name = req.display_name.empty() ? req.username : req.display_name;
  values.user_id = req.username;
  values.department = req.department;
  values.time = r.created_at;
  values.borrow_id = r.borrow_id;
  values.export_code = r.code;
  values.classification = doc.meta.classification;
  VAULT_ASSIGN_OR_RETURN(StampText text, policy_->Render(values));
  StampJob job;
  job.text = std::move(text);
  job.layout = policy_->layout();
  job.font_file = policy_->font_file();
  job.max_pages = limits.max_pages;
  job.token = {{"ExportId", r.export_id},
               {"ExportCode", r.code},
               {"ExportKey", r.key_name},
               {"ExportSignature", r.signature}};
  VAULT_ASSIGN_OR_RETURN(StampResult stamped, StampPdf(*source, job));
  r.pages = stamped.pages;
  r.bytes = static_cast<int64_t>(stamped.pdf.size());
  r.output_sha256 = Sha256::HexOf(stamped.pdf);
  // Checked again, atomically with the insert: parallel exports cannot
  // exceed the limit between the early check and here.
  VAULT_RETURN_IF_ERROR(
      ledger_->Record(r, limits.exports_per_user_per_hour, FormatUtc(now - std::chrono::hours(1))));
  return ExportResult{std::move(r), std::move(stamped.pdf)};
}

}  // namespace vault
