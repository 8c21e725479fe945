// ExportLedger: one row per stamped copy that left the vault: who, what,
// when, the source and output SHA-256, the page count, and the signature of
// the forensic token (with the public key that checks it, so a later key
// rotation does not orphan old exports). Rows are never changed or deleted.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/db/client.h"

namespace vault {

struct ExportRecord {
  std::string export_id;  // 32 hex digits
  std::string code;       // short, printed on every page, e.g. K7QM-2XRD
  std::string username;
  std::string document_id;
  std::string archive_number;
  uint32_t version = 0;
  std::string borrow_id;  // "-" when not on loan
  std::string created_at;
  std::string source_sha256;
  std::string output_sha256;
  int64_t pages = 0;
  int64_t bytes = 0;
  std::string key_name;
  std::string public_key;  // hex Ed25519
  std::string signature;   // hex Ed25519 over TokenMessage()
};

// The exact bytes the forensic token signs: canonical JSON of export id,
// code, user, document, version, time and source SHA-256 (docs/export.md).
std::string TokenMessage(const ExportRecord& r);

class ExportLedger {
 public:
  static StatusOr<std::unique_ptr<ExportLedger>> Open(std::shared_ptr<db::Database> db);
  ~ExportLedger();

  // export.duplicate_code if the code is taken. With `hourly_limit` > 0,
  // also export.rate_limited when the user already has that many exports
  // since `since`: checked and inserted in one transaction, so parallel
  // exports cannot slip past the limit.
  Status Record(const ExportRecord& r, int64_t hourly_limit = 0, const std::string& since = "");
  // Codes as read off a printout are forgiving: case, spaces, O for 0 and
  // I or L for 1 (Crockford base32).
  StatusOr<ExportRecord> ByCode(const std::string& code);
  StatusOr<ExportRecord> ById(const std::string& export_id);
  // Exports by `username` at or after `since` (RFC 3339), for rate limits.
  StatusOr<int64_t> CountSince(const std::string& username, const std::string& since);
  StatusOr<std::vector<ExportRecord>> ForDocument(const std::string& document_id);

 private:
  explicit ExportLedger(std::shared_ptr<db::Database> db);
  StatusOr<ExportRecord> FindWhere(const char* column, const std::string& value);
  db::Client db_;
};

}  // namespace vault
