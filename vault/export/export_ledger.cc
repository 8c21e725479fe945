#include "vault/export/export_ledger.h"

#include <cctype>

#include "vault/base/canonical_json.h"
#include "vault/db/rows.h"

using namespace vault::db::sql;

namespace vault {
namespace {

constexpr char kColumns[] =
    "export_id, code, username, document_id, archive_number, version, borrow_id, created_at, source_sha256, "
    "output_sha256, pages, bytes, key_name, public_key, signature";

ExportRecord FromRow(RecordSet& rs) {
  ExportRecord r;
  db::Row(rs)("export_id", &r.export_id)("code", &r.code)("username", &r.username)("document_id", &r.document_id)
      ("archive_number", &r.archive_number)("version", &r.version)("borrow_id", &r.borrow_id)
      ("created_at", &r.created_at)("source_sha256", &r.source_sha256)("output_sha256", &r.output_sha256)
      ("pages", &r.pages)("bytes", &r.bytes)("key_name", &r.key_name)("public_key", &r.public_key)
      ("signature", &r.signature);
  return r;
}

}  // namespace

std::string TokenMessage(const ExportRecord& r) {
  return CanonicalJson({{"code", r.code},
                        {"document", r.document_id},
                        {"export_id", r.export_id},
                        {"source_sha256", r.source_sha256},
                        {"time", r.created_at},
                        {"user", r.username},
                        {"version", static_cast<int64_t>(r.version)}});
}

ExportLedger::ExportLedger(std::shared_ptr<db::Database> db) : db_(std::move(db), "export.db_error", "export ledger") {}
ExportLedger::~ExportLedger() = default;

StatusOr<std::unique_ptr<ExportLedger>> ExportLedger::Open(std::shared_ptr<db::Database> db) {
  return std::unique_ptr<ExportLedger>(new ExportLedger(std::move(db)));
}

Status ExportLedger::Record(const ExportRecord& r, int64_t hourly_limit, const std::string& since) {
  return db_.Write([&](db::Connection& s) -> Status {
    Poco::Int64 taken = 0;
    s << "SELECT COUNT(*) FROM exports WHERE code = ?", bind(r.code), into(taken), now;
    if (taken) return AlreadyExistsError("export.duplicate_code", "export code already used");
    if (hourly_limit > 0) {
      Poco::Int64 recent = 0;
      s << "SELECT COUNT(*) FROM exports WHERE username = ? AND created_at >= ?", bind(r.username), bind(since),
          into(recent), now;
      if (recent >= hourly_limit) {
        return ResourceExhaustedError("export.rate_limited", "export limit reached; try again later");
      }
    }
    s << "INSERT INTO exports (" << kColumns << ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", bind(r.export_id),
        bind(r.code), bind(r.username), bind(r.document_id), bind(r.archive_number), bind(Poco::Int64{r.version}),
        bind(r.borrow_id), bind(r.created_at), bind(r.source_sha256), bind(r.output_sha256),
        bind(Poco::Int64{r.pages}), bind(Poco::Int64{r.bytes}), bind(r.key_name), bind(r.public_key),
        bind(r.signature), now;
    return Status::Ok();
  });
}

StatusOr<ExportRecord> ExportLedger::FindWhere(const char* column, const std::string& value) {
  return db_.Read([&](db::Connection& c) -> StatusOr<ExportRecord> {
    Statement st(c);
    st << "SELECT " << kColumns << " FROM exports WHERE " << column << " = ?", bind(value);
    auto row = db::FirstRow(st, FromRow);
    if (!row) return NotFoundError("export.not_found", "no export with this code or id");
    return *row;
  });
}

StatusOr<ExportRecord> ExportLedger::ByCode(const std::string& code) {
  std::string normalized;
  for (char c : code) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (c == ' ') continue;
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    normalized += c;
  }
  if (normalized.size() == 8) normalized.insert(4, "-");
  return FindWhere("code", normalized);
}
StatusOr<ExportRecord> ExportLedger::ById(const std::string& id) { return FindWhere("export_id", id); }

StatusOr<int64_t> ExportLedger::CountSince(const std::string& username, const std::string& since) {
  return db_.Read([&](db::Connection& c) -> StatusOr<int64_t> {
    Poco::Int64 n = 0;
    c << "SELECT COUNT(*) FROM exports WHERE username = ? AND created_at >= ?", bind(username), bind(since),
        into(n), now;
    return static_cast<int64_t>(n);
  });
}

StatusOr<std::vector<ExportRecord>> ExportLedger::ForDocument(const std::string& document_id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<ExportRecord>> {
    Statement st(c);
    st << "SELECT " << kColumns << " FROM exports WHERE document_id = ? ORDER BY created_at", bind(document_id);
    return db::AllRows(st, FromRow);
  });
}

}  // namespace vault
