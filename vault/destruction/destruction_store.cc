#include "vault/destruction/destruction_store.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <sstream>

#include "vault/metadata/sqlite_util.h"

using namespace Poco::Data::Keywords;
using Poco::Data::RecordSet;
using Poco::Data::Session;
using Poco::Data::Statement;

namespace vault {
namespace {

Status DbError(const Poco::Exception& e) { return sqlite::DbError("destruction.db_error", "destruction store", e); }

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out;
}
std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string p; std::getline(ss, p, ',');) {
    if (!p.empty()) out.push_back(p);
  }
  return out;
}

template <typename Fn>
Status InTransaction(Session& s, Fn body) {
  return sqlite::InTransaction(s, "destruction.db_error", "destruction store", body);
}

constexpr char kColumns[] =
    "id, state, reason, reference, requested_by, requested_at, approved_by, approved_at, witness, step, passes, "
    "certificate_id, started_at, completed_at";
constexpr char kCertColumns[] =
    "id, seq, destruction_id, json, sha256, signature, minisig, key_name, public_key, previous_sha256, created_at";

LegalHold HoldFromRow(RecordSet& rs) {
  LegalHold h;
  h.id = sqlite::Int(rs, "id");
  h.scope = sqlite::Text(rs, "scope");
  h.target = sqlite::Text(rs, "target");
  h.reason = sqlite::Text(rs, "reason");
  h.created_by = sqlite::Text(rs, "created_by");
  h.created_at = sqlite::Text(rs, "created_at");
  h.released_by = sqlite::Text(rs, "released_by");
  h.released_at = sqlite::Text(rs, "released_at");
  return h;
}

Certificate CertFromRow(RecordSet& rs) {
  Certificate c;
  c.id = sqlite::Text(rs, "id");
  c.seq = sqlite::Int(rs, "seq");
  c.destruction_id = sqlite::Text(rs, "destruction_id");
  c.json = sqlite::Text(rs, "json");
  c.sha256 = sqlite::Text(rs, "sha256");
  c.signature = sqlite::Text(rs, "signature");
  c.minisig = sqlite::Text(rs, "minisig");
  c.key_name = sqlite::Text(rs, "key_name");
  c.public_key = sqlite::Text(rs, "public_key");
  c.previous_sha256 = sqlite::Text(rs, "previous_sha256");
  c.created_at = sqlite::Text(rs, "created_at");
  return c;
}

void WriteDestruction(Session& s, const Destruction& d, bool insert) {
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
    s << "INSERT OR REPLACE INTO destruction_items (destruction_id, position, document_id, archive_number, title, "
         "customer, classification, versions, bytes, plaintext_sha256, ciphertext_sha256, blobs, artifacts) "
         "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        bind(d.id), bind(position), bind(i.document_id), bind(i.archive_number), bind(i.title), bind(i.customer),
        bind(i.classification), bind(versions), bind(bytes), bind(Join(i.plaintext_sha256)),
        bind(Join(i.ciphertext_sha256)), bind(Join(i.blobs)), bind(Join(i.artifacts)), now;
  }
}

}  // namespace

DestructionStore::DestructionStore(std::unique_ptr<Session> session) : session_(std::move(session)) {}
DestructionStore::~DestructionStore() = default;

StatusOr<std::unique_ptr<DestructionStore>> DestructionStore::Open(const std::string& db_path) {
  try {
    auto session = sqlite::OpenSession(db_path);
    if (!sqlite::HasTable(*session, "destructions")) {
      return FailedPreconditionError("destruction.not_migrated", "the metadata database has no destruction tables");
    }
    return std::unique_ptr<DestructionStore>(new DestructionStore(std::move(session)));
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<LegalHold> DestructionStore::AddHold(const LegalHold& h) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    *session_ << "INSERT INTO legal_holds (scope, target, reason, created_by, created_at, released_by, released_at) "
                 "VALUES (?,?,?,?,?,'','')",
        bind(h.scope), bind(h.target), bind(h.reason), bind(h.created_by), bind(h.created_at), now;
    Poco::Int64 id = 0;
    *session_ << "SELECT last_insert_rowid()", into(id), now;
    LegalHold out = h;
    out.id = id;
    return out;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

Status DestructionStore::ReleaseHold(int64_t id, const std::string& by, const std::string& at) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Poco::Int64 hid = id;
    Statement st(*session_);
    st << "UPDATE legal_holds SET released_by = ?, released_at = ? WHERE id = ? AND released_at = ''", bind(by),
        bind(at), bind(hid);
    if (st.execute() == 0) return NotFoundError("hold.not_found", "no such active hold");
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<std::vector<LegalHold>> DestructionStore::Holds(bool active_only) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Statement st(*session_);
    st << "SELECT * FROM legal_holds" << (active_only ? " WHERE released_at = ''" : "") << " ORDER BY id";
    st.execute();
    RecordSet rs(st);
    std::vector<LegalHold> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(HoldFromRow(rs));
    return out;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<std::vector<LegalHold>> DestructionStore::HoldsOn(const std::string& document_id,
                                                           const std::string& customer) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Statement st(*session_);
    st << "SELECT * FROM legal_holds WHERE released_at = '' AND ((scope = 'document' AND target = ?) OR "
          "(scope = 'customer' AND target = ?)) ORDER BY id",
        bind(document_id), bind(customer);
    st.execute();
    RecordSet rs(st);
    std::vector<LegalHold> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(HoldFromRow(rs));
    return out;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

RecordFacts DestructionStore::LoadFacts(const std::string& document_id, const std::string& customer,
                                        const std::string& except_id) {
  RecordFacts f;
  Session& s = *session_;
  std::vector<std::string> destroyed;
  s << "SELECT destruction_id FROM destroyed_documents WHERE document_id = ?", bind(document_id), into(destroyed),
      now;
  if (!destroyed.empty()) f.destroyed_by = destroyed.front();
  {
    Statement st(s);
    st << "SELECT * FROM legal_holds WHERE released_at = '' AND ((scope = 'document' AND target = ?) OR "
          "(scope = 'customer' AND target = ?)) ORDER BY id",
        bind(document_id), bind(customer);
    st.execute();
    RecordSet rs(st);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) f.holds.push_back(HoldFromRow(rs));
  }
  {
    Statement st(s);
    st << "SELECT b.id, b.borrower, b.state FROM borrows b JOIN borrow_items i ON i.borrow_id = b.id "
          "WHERE i.document_id = ? AND b.state IN ('requested', 'approved', 'issued', 'overdue', "
          "'renewal_requested') ORDER BY b.id",
        bind(document_id);
    st.execute();
    RecordSet rs(st);
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
      f.loans.push_back({sqlite::Text(rs, "id"), sqlite::Text(rs, "borrower"), sqlite::Text(rs, "state")});
    }
  }
  std::vector<std::string> others;
  s << "SELECT d.id FROM destructions d JOIN destruction_items i ON i.destruction_id = d.id WHERE "
       "i.document_id = ? AND d.id <> ? AND d.state IN ('requested', 'approved', 'executing')",
      bind(document_id), bind(except_id), into(others), now;
  if (!others.empty()) f.other_destruction = others.front();
  return f;
}

StatusOr<RecordFacts> DestructionStore::FactsOf(const std::string& document_id, const std::string& customer,
                                               const std::string& except_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    return LoadFacts(document_id, customer, except_id);
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

Status DestructionStore::Insert(const Destruction& d) {
  std::lock_guard<std::mutex> lock(mu_);
  return InTransaction(*session_, [&]() -> Status {
    WriteDestruction(*session_, d, true);
    return Status::Ok();
  });
}

StatusOr<Destruction> DestructionStore::Load(const std::string& id) {
  Statement st(*session_);
  st << "SELECT " << kColumns << " FROM destructions WHERE id = ?", bind(id);
  st.execute();
  RecordSet rs(st);
  if (!rs.moveFirst()) return NotFoundError("destruction.not_found", "no such destruction");
  Destruction d;
  d.id = sqlite::Text(rs, "id");
  d.state = sqlite::Text(rs, "state");
  d.reason = sqlite::Text(rs, "reason");
  d.reference = sqlite::Text(rs, "reference");
  d.requested_by = sqlite::Text(rs, "requested_by");
  d.requested_at = sqlite::Text(rs, "requested_at");
  d.approved_by = sqlite::Text(rs, "approved_by");
  d.approved_at = sqlite::Text(rs, "approved_at");
  d.witness = sqlite::Text(rs, "witness");
  d.step = sqlite::Text(rs, "step");
  d.passes = sqlite::Text(rs, "passes");
  d.certificate_id = sqlite::Text(rs, "certificate_id");
  d.started_at = sqlite::Text(rs, "started_at");
  d.completed_at = sqlite::Text(rs, "completed_at");
  Statement items(*session_);
  items << "SELECT * FROM destruction_items WHERE destruction_id = ? ORDER BY position", bind(id);
  items.execute();
  RecordSet irs(items);
  for (bool more = irs.moveFirst(); more; more = irs.moveNext()) {
    DestructionItem i;
    i.position = static_cast<int>(sqlite::Int(irs, "position"));
    i.document_id = sqlite::Text(irs, "document_id");
    i.archive_number = sqlite::Text(irs, "archive_number");
    i.title = sqlite::Text(irs, "title");
    i.customer = sqlite::Text(irs, "customer");
    i.classification = sqlite::Text(irs, "classification");
    i.versions = sqlite::Int(irs, "versions");
    i.bytes = sqlite::Int(irs, "bytes");
    i.plaintext_sha256 = Split(sqlite::Text(irs, "plaintext_sha256"));
    i.ciphertext_sha256 = Split(sqlite::Text(irs, "ciphertext_sha256"));
    i.blobs = Split(sqlite::Text(irs, "blobs"));
    i.artifacts = Split(sqlite::Text(irs, "artifacts"));
    d.items.push_back(std::move(i));
  }
  return d;
}

StatusOr<Destruction> DestructionStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    return Load(id);
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<Destruction> DestructionStore::Update(const std::string& id,
                                               const std::function<Status(Destruction&)>& change) {
  std::lock_guard<std::mutex> lock(mu_);
  Destruction result;
  Status st = InTransaction(*session_, [&]() -> Status {
    VAULT_ASSIGN_OR_RETURN(Destruction d, Load(id));
    VAULT_RETURN_IF_ERROR(change(d));
    WriteDestruction(*session_, d, false);
    result = std::move(d);
    return Status::Ok();
  });
  VAULT_RETURN_IF_ERROR(st);
  return result;
}

StatusOr<Destruction> DestructionStore::UpdateWithFacts(
    const std::string& id, const std::function<Status(Destruction&, const std::vector<RecordFacts>&)>& change) {
  std::lock_guard<std::mutex> lock(mu_);
  Destruction result;
  Status st = InTransaction(*session_, [&]() -> Status {
    VAULT_ASSIGN_OR_RETURN(Destruction d, Load(id));
    std::vector<RecordFacts> facts;
    for (const DestructionItem& i : d.items) facts.push_back(LoadFacts(i.document_id, i.customer, d.id));
    VAULT_RETURN_IF_ERROR(change(d, facts));
    WriteDestruction(*session_, d, false);
    result = std::move(d);
    return Status::Ok();
  });
  VAULT_RETURN_IF_ERROR(st);
  return result;
}

StatusOr<std::vector<std::string>> DestructionStore::Unfinished() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::vector<std::string> ids;
    *session_ << "SELECT id FROM destructions WHERE state = 'executing' ORDER BY requested_at", into(ids), now;
    return ids;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<std::string> DestructionStore::OpenDestructionOf(const std::string& document_id,
                                                          const std::string& except_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::vector<std::string> ids;
    *session_ << "SELECT d.id FROM destructions d JOIN destruction_items i ON i.destruction_id = d.id WHERE "
                 "i.document_id = ? AND d.id <> ? AND d.state IN ('requested', 'approved', 'executing')",
        bind(document_id), bind(except_id), into(ids), now;
    return ids.empty() ? std::string() : ids.front();
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

Status DestructionStore::EraseKeys(const std::vector<std::string>& document_ids,
                                   const std::vector<std::string>& artifact_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  Session& s = *session_;
  Status st = InTransaction(s, [&]() -> Status {
    for (std::string id : document_ids) s << "DELETE FROM wrapped_keys WHERE document_id = ?", bind(id), now;
    for (std::string id : artifact_ids) {
      // The row stays (its blob name and hash are history); the key goes.
      s << "UPDATE artifacts SET wrapped = '', kek_id = 'erased' WHERE id = ?", bind(id), now;
    }
    return Status::Ok();
  });
  VAULT_RETURN_IF_ERROR(st);
  try {
    Poco::Int64 busy = 0, frames = 0, done = 0;
    s << "PRAGMA wal_checkpoint(TRUNCATE)", into(busy), into(frames), into(done), now;
    if (busy != 0) {
      return UnavailableError("destruction.checkpoint_busy",
                              "the write-ahead log could not be truncated (database busy); the step is retried");
    }
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<std::vector<std::string>> DestructionStore::ArtifactsOf(const std::string& document_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    // By the record's id first: a copy sealed by an issue that lost a race,
    // or by one interrupted before its loan was written, has no loan link.
    std::vector<std::string> ids;
    *session_ << "SELECT id FROM artifacts WHERE document_id = ? UNION "
                 "SELECT copy_artifact FROM borrow_items WHERE document_id = ? AND copy_artifact <> '' UNION "
                 "SELECT evidence_artifact FROM borrow_items WHERE document_id = ? AND evidence_artifact <> '' "
                 "ORDER BY 1",
        bind(document_id), bind(document_id), bind(document_id), into(ids), now;
    return ids;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

Status DestructionStore::MarkDestroyed(const std::string& document_id, const std::string& destruction_id,
                                       const std::string& at) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    *session_ << "INSERT OR IGNORE INTO destroyed_documents (document_id, destruction_id, destroyed_at) "
                 "VALUES (?,?,?)",
        bind(document_id), bind(destruction_id), bind(at), now;
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<std::string> DestructionStore::DestroyedBy(const std::string& document_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::vector<std::string> ids;
    *session_ << "SELECT destruction_id FROM destroyed_documents WHERE document_id = ?", bind(document_id),
        into(ids), now;
    return ids.empty() ? std::string() : ids.front();
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<Certificate> DestructionStore::LastCertificate() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Statement st(*session_);
    st << "SELECT " << kCertColumns << " FROM certificates ORDER BY seq DESC LIMIT 1";
    st.execute();
    RecordSet rs(st);
    if (!rs.moveFirst()) return Certificate{};
    return CertFromRow(rs);
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

Status DestructionStore::InsertCertificate(const Certificate& c) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Poco::Int64 seq = c.seq;
    *session_ << "INSERT INTO certificates (" << kCertColumns << ") VALUES (?,?,?,?,?,?,?,?,?,?,?)", bind(c.id),
        bind(seq), bind(c.destruction_id), bind(c.json), bind(c.sha256), bind(c.signature), bind(c.minisig),
        bind(c.key_name), bind(c.public_key), bind(c.previous_sha256), bind(c.created_at), now;
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<Certificate> DestructionStore::GetCertificate(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Statement st(*session_);
    st << "SELECT " << kCertColumns << " FROM certificates WHERE id = ?", bind(id);
    st.execute();
    RecordSet rs(st);
    if (!rs.moveFirst()) return NotFoundError("certificate.not_found", "no such certificate");
    return CertFromRow(rs);
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<Certificate> DestructionStore::CertificateFor(const std::string& destruction_id) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Statement st(*session_);
    st << "SELECT " << kCertColumns << " FROM certificates WHERE destruction_id = ?", bind(destruction_id);
    st.execute();
    RecordSet rs(st);
    if (!rs.moveFirst()) return NotFoundError("certificate.not_found", "no certificate yet");
    return CertFromRow(rs);
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<std::vector<Certificate>> DestructionStore::Certificates() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    Statement st(*session_);
    st << "SELECT " << kCertColumns << " FROM certificates ORDER BY seq";
    st.execute();
    RecordSet rs(st);
    std::vector<Certificate> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(CertFromRow(rs));
    return out;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<std::vector<std::string>> DestructionStore::ReferencedCertificateIds() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::vector<std::string> ids;
    *session_ << "SELECT certificate_id FROM destructions WHERE state = 'completed' AND certificate_id <> ''",
        into(ids), now;
    return ids;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

StatusOr<std::vector<Destruction>> DestructionStore::Completed() {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    std::vector<std::string> ids;
    *session_ << "SELECT id FROM destructions WHERE state = 'completed' ORDER BY completed_at, id", into(ids), now;
    std::vector<Destruction> out;
    for (const auto& id : ids) {
      VAULT_ASSIGN_OR_RETURN(Destruction d, Load(id));
      out.push_back(std::move(d));
    }
    return out;
  } catch (const Poco::Exception& e) {
    return DbError(e);
  }
}

}  // namespace vault
