#include "vault/destruction/destruction_store.h"

#include <algorithm>
#include <set>

#include "vault/borrow/borrow_store.h"
#include "vault/db/rows.h"
#include "vault/metadata/sqlite_metadata_store.h"

using namespace vault::db::sql;

namespace vault {
namespace {

constexpr char kColumns[] =
    "id, state, reason, reference, requested_by, requested_at, approved_by, approved_at, witness, step, passes, "
    "certificate_id, started_at, completed_at";
constexpr char kCertColumns[] =
    "id, seq, destruction_id, json, sha256, signature, minisig, key_name, public_key, previous_sha256, created_at";

LegalHold HoldFromRow(RecordSet& rs) {
  LegalHold h;
  db::Row(rs)("id", &h.id)("scope", &h.scope)("target", &h.target)("reason", &h.reason)
      ("created_by", &h.created_by)("created_at", &h.created_at)("released_by", &h.released_by)
      ("released_at", &h.released_at);
  return h;
}

Certificate CertFromRow(RecordSet& rs) {
  Certificate c;
  db::Row(rs)("id", &c.id)("seq", &c.seq)("destruction_id", &c.destruction_id)("json", &c.json)
      ("sha256", &c.sha256)("signature", &c.signature)("minisig", &c.minisig)("key_name", &c.key_name)
      ("public_key", &c.public_key)("previous_sha256", &c.previous_sha256)("created_at", &c.created_at);
  return c;
}

void WriteDestruction(db::Connection& s, const Destruction& d, bool insert) {
  if (insert) {
    s << "INSERT INTO destructions (" << kColumns << ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", bind(d.id),
        bind(d.state), bind(d.reason), bind(d.reference), bind(d.requested_by), bind(d.requested_at),
        bind(d.approved_by), bind(d.approved_at), bind(d.witness), bind(d.step), bind(d.passes),
        bind(d.certificate_id), bind(d.started_at), bind(d.completed_at), now;
  } else {
    s << "UPDATE destructions SET state = ?, approved_by = ?, approved_at = ?, witness = ?, step = ?, passes = ?, "
         "certificate_id = ?, started_at = ?, completed_at = ? WHERE id = ?",
        bind(d.state), bind(d.approved_by), bind(d.approved_at), bind(d.witness), bind(d.step), bind(d.passes),
        bind(d.certificate_id), bind(d.started_at), bind(d.completed_at), bind(d.id), now;
  }
  for (const DestructionItem& i : d.items) {
    Poco::Int64 position = i.position, versions = i.versions, bytes = i.bytes;
    static constexpr char kItemColumns[] =
        "destruction_id, position, document_id, archive_number, title, customer, classification, versions, bytes, "
        "plaintext_sha256, ciphertext_sha256, blobs, artifacts";
    static const std::string kUpsert = db::UpsertClause(kItemColumns, "destruction_id, position");
    s << "INSERT INTO destruction_items (" << kItemColumns << ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)" << kUpsert,
        bind(d.id), bind(position), bind(i.document_id), bind(i.archive_number), bind(i.title), bind(i.customer),
        bind(i.classification), bind(versions), bind(bytes), bind(db::JoinCommaList(i.plaintext_sha256)),
        bind(db::JoinCommaList(i.ciphertext_sha256)), bind(db::JoinCommaList(i.blobs)), bind(db::JoinCommaList(i.artifacts)), now;
  }
}

}  // namespace

DestructionStore::DestructionStore(std::shared_ptr<db::Database> db) : db_(std::move(db), "destruction.db_error", "destruction store") {}
DestructionStore::~DestructionStore() = default;

StatusOr<std::unique_ptr<DestructionStore>> DestructionStore::Open(std::shared_ptr<db::Database> db) {
  return std::unique_ptr<DestructionStore>(new DestructionStore(std::move(db)));
}

StatusOr<LegalHold> DestructionStore::AddHold(const LegalHold& h) {
  return db_.Write([&](db::Connection& c) -> StatusOr<LegalHold> {
    c << "INSERT INTO legal_holds (scope, target, reason, created_by, created_at, released_by, released_at) "
                 "VALUES (?,?,?,?,?,'','')",
        bind(h.scope), bind(h.target), bind(h.reason), bind(h.created_by), bind(h.created_at), now;
    Poco::Int64 id = 0;
    c << "SELECT last_insert_rowid()", into(id), now;
    LegalHold out = h;
    out.id = id;
    return out;
  });
}

Status DestructionStore::ReleaseHold(int64_t id, const std::string& by, const std::string& at) {
  return db_.Write([&](db::Connection& c) -> Status {
    Poco::Int64 hid = id;
    Statement st(c);
    st << "UPDATE legal_holds SET released_by = ?, released_at = ? WHERE id = ? AND released_at = ''", bind(by),
        bind(at), bind(hid);
    if (st.execute() == 0) return NotFoundError("hold.not_found", "no such active hold");
    return Status::Ok();
  });
}

StatusOr<std::vector<LegalHold>> DestructionStore::Holds(bool active_only) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<LegalHold>> {
    Statement st(c);
    st << "SELECT * FROM legal_holds" << (active_only ? " WHERE released_at = ''" : "") << " ORDER BY id";
    return db::AllRows(st, HoldFromRow);
  });
}

StatusOr<std::vector<LegalHold>> DestructionStore::HoldsOn(const std::string& document_id,
                                                           const std::string& customer) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<LegalHold>> {
    return ActiveHoldsOn(c, document_id, customer);
  });
}

RecordFacts DestructionStore::LoadFacts(db::Connection& s, const std::string& document_id,
                                        const std::string& customer, const std::string& except_id) {
  RecordFacts f;
  f.destroyed_by = SqliteMetadataStore::DestroyedBy(s, document_id);
  f.holds = ActiveHoldsOn(s, document_id, customer);
  f.loans = BorrowStore::OpenLoansOf(s, document_id);
  f.other_destruction = OtherOpenDestruction(s, document_id, except_id);
  return f;
}

StatusOr<RecordFacts> DestructionStore::FactsOf(const std::string& document_id, const std::string& customer,
                                               const std::string& except_id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<RecordFacts> {
    return LoadFacts(c, document_id, customer, except_id);
  });
}

Status DestructionStore::Insert(const Destruction& d) {
  return db_.Write([&](db::Connection& s) -> Status {
    WriteDestruction(s, d, true);
    return Status::Ok();
  });
}

StatusOr<Destruction> DestructionStore::Load(db::Connection& c, const std::string& id) {
  Statement st(c);
  st << "SELECT " << kColumns << " FROM destructions WHERE id = ?", bind(id);
  st.execute();
  RecordSet rs(st);
  if (!rs.moveFirst()) return NotFoundError("destruction.not_found", "no such destruction");
  Destruction d;
  db::Row(rs)("id", &d.id)("state", &d.state)("reason", &d.reason)("reference", &d.reference)
      ("requested_by", &d.requested_by)("requested_at", &d.requested_at)("approved_by", &d.approved_by)
      ("approved_at", &d.approved_at)("witness", &d.witness)("step", &d.step)("passes", &d.passes)
      ("certificate_id", &d.certificate_id)("started_at", &d.started_at)("completed_at", &d.completed_at);
  Statement items(c);
  items << "SELECT * FROM destruction_items WHERE destruction_id = ? ORDER BY position", bind(id);
  d.items = db::AllRows(items, [&](RecordSet& irs) {
    DestructionItem i;
    db::Row(irs)("position", &i.position)("document_id", &i.document_id)("archive_number", &i.archive_number)
        ("title", &i.title)("customer", &i.customer)("classification", &i.classification)("versions", &i.versions)
        ("bytes", &i.bytes);
    i.plaintext_sha256 = db::SplitCommaList(db::Text(irs, "plaintext_sha256"));
    i.ciphertext_sha256 = db::SplitCommaList(db::Text(irs, "ciphertext_sha256"));
    i.blobs = db::SplitCommaList(db::Text(irs, "blobs"));
    i.artifacts = db::SplitCommaList(db::Text(irs, "artifacts"));
    return i;
  });
  return d;
}

StatusOr<Destruction> DestructionStore::Get(const std::string& id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<Destruction> { return Load(c, id); });
}

StatusOr<Destruction> DestructionStore::Update(const std::string& id,
                                               const std::function<Status(Destruction&)>& change) {
  Destruction result;
  Status st = db_.Write([&](db::Connection& s) -> Status {
    VAULT_ASSIGN_OR_RETURN(Destruction d, Load(s, id));
    VAULT_RETURN_IF_ERROR(change(d));
    WriteDestruction(s, d, false);
    result = std::move(d);
    return Status::Ok();
  });
  VAULT_RETURN_IF_ERROR(st);
  return result;
}

StatusOr<Destruction> DestructionStore::UpdateWithFacts(
    const std::string& id, const std::function<Status(Destruction&, const std::vector<RecordFacts>&)>& change) {
  Destruction result;
  Status st = db_.Write([&](db::Connection& s) -> Status {
    VAULT_ASSIGN_OR_RETURN(Destruction d, Load(s, id));
    std::vector<RecordFacts> facts;
    for (const DestructionItem& i : d.items) facts.push_back(LoadFacts(s, i.document_id, i.customer, d.id));
    VAULT_RETURN_IF_ERROR(change(d, facts));
    WriteDestruction(s, d, false);
    result = std::move(d);
    return Status::Ok();
  });
  VAULT_RETURN_IF_ERROR(st);
  return result;
}

StatusOr<std::vector<std::string>> DestructionStore::Unfinished() {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<std::string>> {
    std::vector<std::string> ids;
    c << "SELECT id FROM destructions WHERE state = 'executing' ORDER BY requested_at", into(ids), now;
    return ids;
  });
}

StatusOr<std::string> DestructionStore::OpenDestructionOf(const std::string& document_id,
                                                          const std::string& except_id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::string> {
    return OtherOpenDestruction(c, document_id, except_id);
  });
}

Status DestructionStore::EraseKeys(const std::vector<std::string>& document_ids,
                                   const std::vector<std::string>& artifact_ids) {
  VAULT_RETURN_IF_ERROR(db_.Write([&](db::Connection& s) -> Status {
    SqliteMetadataStore::EraseKeys(s, document_ids, artifact_ids);
    return Status::Ok();
  }));
  return db_.CheckpointTruncate("destruction.checkpoint_busy",
                                "the write-ahead log could not be truncated (database busy); the step is retried");
}

StatusOr<std::vector<std::string>> DestructionStore::ArtifactsOf(const std::string& document_id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<std::string>> {
    // By the record's id first: a copy sealed by an issue that lost a race,
    // or by one interrupted before its loan was written, has no loan link.
    std::set<std::string> ids;
    for (std::string& id : SqliteMetadataStore::ArtifactsMadeFrom(c, document_id)) ids.insert(std::move(id));
    for (std::string& id : BorrowStore::ArtifactsLinkedTo(c, document_id)) ids.insert(std::move(id));
    return std::vector<std::string>(ids.begin(), ids.end());
  });
}

Status DestructionStore::MarkDestroyed(const std::string& document_id, const std::string& destruction_id,
                                       const std::string& at) {
  return db_.Write([&](db::Connection& c) -> Status {
    SqliteMetadataStore::MarkDestroyed(c, document_id, destruction_id, at);
    return Status::Ok();
  });
}

StatusOr<std::string> DestructionStore::DestroyedBy(const std::string& document_id) {
  return db_.Read(
      [&](db::Connection& c) -> StatusOr<std::string> { return SqliteMetadataStore::DestroyedBy(c, document_id); });
}

StatusOr<Certificate> DestructionStore::LastCertificate() {
  return db_.Read([&](db::Connection& c) -> StatusOr<Certificate> {
    Statement st(c);
    st << "SELECT " << kCertColumns << " FROM certificates ORDER BY seq DESC LIMIT 1";
    auto row = db::FirstRow(st, CertFromRow);
    if (!row) return Certificate{};
    return *row;
  });
}

Status DestructionStore::InsertCertificate(const Certificate& cert) {
  return db_.Write([&](db::Connection& c) -> Status {
    const Certificate& k = cert;
    Poco::Int64 seq = k.seq;
    c << "INSERT INTO certificates (" << kCertColumns << ") VALUES (?,?,?,?,?,?,?,?,?,?,?)", bind(k.id), bind(seq),
        bind(k.destruction_id), bind(k.json), bind(k.sha256), bind(k.signature), bind(k.minisig), bind(k.key_name),
        bind(k.public_key), bind(k.previous_sha256), bind(k.created_at), now;
    return Status::Ok();
  });
}

StatusOr<Certificate> DestructionStore::CertificateWhere(const char* column, const std::string& value,
                                                        const char* not_found) {
  return db_.Read([&](db::Connection& c) -> StatusOr<Certificate> {
    Statement st(c);
    st << "SELECT " << kCertColumns << " FROM certificates WHERE " << column << " = ?", bind(value);
    auto row = db::FirstRow(st, CertFromRow);
    if (!row) return NotFoundError("certificate.not_found", not_found);
    return *row;
  });
}

StatusOr<Certificate> DestructionStore::GetCertificate(const std::string& id) {
  return CertificateWhere("id", id, "no such certificate");
}

StatusOr<Certificate> DestructionStore::CertificateFor(const std::string& destruction_id) {
  return CertificateWhere("destruction_id", destruction_id, "no certificate yet");
}

StatusOr<std::vector<Certificate>> DestructionStore::Certificates() {
  return db_.ReadAll(std::string("SELECT ") + kCertColumns + " FROM certificates ORDER BY seq", CertFromRow);
}

StatusOr<std::vector<std::string>> DestructionStore::ReferencedCertificateIds() {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<std::string>> {
    std::vector<std::string> ids;
    c << "SELECT certificate_id FROM destructions WHERE state = 'completed' AND certificate_id <> ''",
        into(ids), now;
    return ids;
  });
}

StatusOr<std::vector<Destruction>> DestructionStore::Completed() {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<Destruction>> {
    std::vector<std::string> ids;
    c << "SELECT id FROM destructions WHERE state = 'completed' ORDER BY completed_at, id", into(ids), now;
    std::vector<Destruction> out;
    for (const auto& id : ids) {
      VAULT_ASSIGN_OR_RETURN(Destruction d, Load(c, id));
      out.push_back(std::move(d));
    }
    return out;
  });
}

StatusOr<std::vector<Destruction>> DestructionStore::List(const std::string& state, int limit) {
  limit = std::max(1, std::min(limit, 1000));
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<Destruction>> {
    std::vector<std::string> ids;
    std::string all = state.empty() ? "1" : "0";
    Statement st(c);
    st << "SELECT id FROM destructions WHERE (? = '1' OR state = ?) ORDER BY requested_at DESC, id DESC LIMIT "
       << limit,
        bind(all), bind(state), into(ids);
    st.execute();
    std::vector<Destruction> out;
    for (const auto& id : ids) {
      VAULT_ASSIGN_OR_RETURN(Destruction d, Load(c, id));
      out.push_back(std::move(d));
    }
    return out;
  });
}

std::vector<LegalHold> DestructionStore::ActiveHoldsOn(db::Connection& c, const std::string& document_id,
                                                      const std::string& customer) {
  Statement st(c);
  st << "SELECT * FROM legal_holds WHERE released_at = '' AND ((scope = 'document' AND target = ?) OR "
        "(scope = 'customer' AND target = ?)) ORDER BY id",
      bind(document_id), bind(customer);
  return db::AllRows(st, HoldFromRow);
}

std::string DestructionStore::OtherOpenDestruction(db::Connection& c, const std::string& document_id,
                                                   const std::string& except_id) {
  std::vector<std::string> ids;
  c << "SELECT d.id FROM destructions d JOIN destruction_items i ON i.destruction_id = d.id WHERE "
       "i.document_id = ? AND d.id <> ? AND d.state IN ('requested', 'approved', 'executing')",
      bind(document_id), bind(except_id), into(ids), now;
  return ids.empty() ? std::string() : ids.front();
}

bool DestructionStore::BeingExecutedOn(db::Connection& c, const std::string& document_id) {
  Poco::Int64 n = 0;
  c << "SELECT COUNT(*) FROM destructions d JOIN destruction_items t ON t.destruction_id = d.id "
       "WHERE t.document_id = ? AND d.state = 'executing'",
      bind(document_id), into(n), now;
  return n > 0;
}

}  // namespace vault
