// The destruction certificate (销毁证明) as a PDF for people: A4 portrait,
// bilingual labels, every field of the certificate, hashes in full
// (wrapped), as many pages as needed, each with the certificate id and
// "第 n / m 页 · Page n of m" at the foot.
//
// The signed cert.json is the evidence; this PDF only shows it. A reader
// checks a printed certificate by hashing cert.json and comparing with the
// hash printed here, then verifying the signature with the printed key.
//
// Thread-safety: stateless; renders may run concurrently (libharu documents
// with the font loaded come from a locked pool, see vault/print/font_pool.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault {

struct CertificateView {
  std::string id;               // e.g. "CERT-2026-000001"
  std::string issued_at;        // RFC 3339, shown as given
  std::string json_sha256;      // SHA-256 of cert.json (hex)
  std::string key_fingerprint;  // e.g. hex of the Ed25519 public key or its SHA-256
  std::string key_name;
  std::string previous_sha256;  // the previous certificate's hash (chain), or 64 zeros
  std::string performer, performer_title, organisation;
  std::string reason, reference, rule;
  std::vector<std::string> approvers;
  std::string witness;
  std::string method_type;  // e.g. "Purge (crypto-erase) + Clear (overwrite)"
  std::string method;       // e.g. "crypto erase + overwrite"
  std::string started_at, completed_at, tool, filesystem;
  struct Pass {
    std::string pattern;
    bool synced = false;
    bool verified = false;
  };
  std::vector<Pass> passes;
  struct Record {
    std::string archive_number, title, customer, classification;
    uint32_t versions = 0;
    uint64_t bytes = 0;
    std::vector<std::string> plaintext_sha256, ciphertext_sha256;  // per version
  };
  std::vector<Record> records;
  std::string limitations;  // the honest statement (long text, Chinese and English)
};

// Renders `c` in the TrueType CJK font `font_file` (a .ttc: its first face);
// text is extractable with pdftotext. Empty fields print as "—"; malformed
// UTF-8 prints as U+FFFD. stamp.font_missing if the font is not readable,
// certificate.render_failed if libharu or the ToUnicode fix fails.
StatusOr<std::string> CertificatePdf(const CertificateView& c, const std::string& font_file);

}  // namespace vault
