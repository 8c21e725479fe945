#include "vault/audit/audit_log.h"

#include <algorithm>
#include <map>

#include "vault/base/canonical_json.h"
#include "vault/audit/chain_check.h"
#include "vault/audit/signed_note.h"
#include "vault/base/hex.h"
#include "vault/base/printable.h"
#include "vault/crypto/sha256.h"
#include "vault/db/rows.h"
#include "vault/db/where_clause.h"

using namespace vault::db::sql;

namespace vault {

const std::string kAuditGenesis(64, '0');

namespace {

const std::string& kGenesis = kAuditGenesis;


AuditEvent EventFromRow(RecordSet& rs) {
  AuditEvent e;
  db::Row(rs)("seq", &e.seq)("time", &e.time)("actor", &e.record.actor)("role", &e.record.role)
      ("action", &e.record.action)("object", &e.record.object)("outcome", &e.record.outcome)
      ("client", &e.record.client)("request_id", &e.record.request_id)("detail", &e.record.detail)
      ("prev_hash", &e.prev_hash)("hash", &e.hash);
  return e;
}

// Every field is escaped before it is hashed and stored: callers put client
// text (a login name, a path segment, a reason) into records, and a newline
// in one once printed a forged row in `vaultctl audit list`. Escaping is
// idempotent, so records that are already clean are stored unchanged.
AuditRecord Escaped(const AuditRecord& r) {
  AuditRecord e;
  e.actor = EscapeControl(r.actor);
  e.role = EscapeControl(r.role);
  e.action = EscapeControl(r.action);
  e.object = EscapeControl(r.object);
  e.outcome = EscapeControl(r.outcome);
  e.client = EscapeControl(r.client);
  e.request_id = EscapeControl(r.request_id);
  e.detail = EscapeControl(r.detail);
  return e;
}

constexpr char kColumns[] =
    "seq, time, actor, role, action, object, outcome, client, request_id, detail, prev_hash, hash";

}  // namespace

std::string CanonicalForm(const AuditEvent& e) {
  const AuditRecord& r = e.record;
  return CanonicalJson({{"action", r.action},
                        {"actor", r.actor},
                        {"client", r.client},
                        {"detail", r.detail},
                        {"object", r.object},
                        {"outcome", r.outcome},
                        {"prev", e.prev_hash},
                        {"request_id", r.request_id},
                        {"role", r.role},
                        {"seq", e.seq},
                        {"time", e.time}});
}

AuditLog::AuditLog(std::shared_ptr<db::Database> db, const Clock* clock)
    : db_(std::move(db), "audit.db_error", "audit log"), clock_(clock) {}

AuditLog::~AuditLog() = default;

StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(std::shared_ptr<db::Database> db, const Clock* clock) {
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(db), clock));
}

struct AuditLog::PendingAppend {
  AuditRecord record;
  StatusOr<AuditEvent> result = InternalError("audit.not_written", "not written yet");
  bool done = false;
};

StatusOr<AuditEvent> AuditLog::Append(const AuditRecord& record) {
  auto mine = std::make_shared<PendingAppend>();
  mine->record = Escaped(record);
  std::unique_lock<std::mutex> lock(queue_mu_);
  queue_.push_back(mine);
  WaitUntilWritten(lock, *mine);
  return std::move(mine->result);
}

Status AuditLog::AppendAll(const std::vector<AuditRecord>& records) {
  if (records.empty()) return Status::Ok();
  std::vector<std::shared_ptr<PendingAppend>> mine;
  for (const AuditRecord& r : records) {
    mine.push_back(std::make_shared<PendingAppend>());
    mine.back()->record = Escaped(r);
  }
  std::unique_lock<std::mutex> lock(queue_mu_);
  // Queued together under the lock, so one leader takes them all into one
  // transaction: they are written all or none.
  for (auto& p : mine) queue_.push_back(p);
  WaitUntilWritten(lock, *mine.back());
  for (auto& p : mine) {
    if (!p->result.ok()) return p->result.status();
  }
  return Status::Ok();
}

void AuditLog::WaitUntilWritten(std::unique_lock<std::mutex>& lock, const PendingAppend& mine) {
  while (!mine.done) {
    if (flushing_) {
      queue_cv_.wait(lock);
      continue;
    }
    // Lead: take everything queued so far (ours included) and commit it.
    flushing_ = true;
    std::vector<std::shared_ptr<PendingAppend>> batch;
    batch.swap(queue_);
    lock.unlock();
    try {
      CommitBatch(batch);
    } catch (const std::exception&) {
      // CommitBatch maps database errors itself; this is e.g. bad_alloc.
      for (auto& p : batch) p->result = InternalError("audit.append_failed", "the audit event was not written");
    }
    lock.lock();
    for (auto& p : batch) p->done = true;
    ++append_commits_;
    flushing_ = false;  // never left set, or every later Append would wait forever
    queue_cv_.notify_all();
  }
}

int64_t AuditLog::append_commits() const {
  std::lock_guard<std::mutex> lock(queue_mu_);
  return append_commits_;
}

void AuditLog::CommitBatch(std::vector<std::shared_ptr<PendingAppend>>& batch) {
  std::vector<AuditEvent> events(batch.size());
  Status st = db_.Write([&](db::Connection& c) -> Status {
    int64_t last_seq = 0;
    std::string last_hash;
    {
      db::PreparedQuery q = c.Prepared("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
      if (q.Step()) {
        last_seq = q.Int("seq");
        last_hash = q.Text("hash");
      }
    }
    std::string prev = last_hash.empty() ? kGenesis : last_hash;
    const std::string time = FormatUtc(clock_->Now());
    for (size_t i = 0; i < batch.size(); ++i) {
      AuditEvent& e = events[i];
      const AuditRecord& record = batch[i]->record;
      e.record = record;
      e.seq = last_seq + 1 + static_cast<int64_t>(i);
      e.prev_hash = prev;
      e.time = time;
      e.hash = Sha256::HexOf(CanonicalForm(e));
      prev = e.hash;
      db::PreparedQuery ins =
          c.Prepared(std::string("INSERT INTO audit_events (") + kColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
      ins.Bind(1, e.seq).Bind(2, e.time).Bind(3, record.actor).Bind(4, record.role).Bind(5, record.action);
      ins.Bind(6, record.object).Bind(7, record.outcome).Bind(8, record.client).Bind(9, record.request_id);
      ins.Bind(10, record.detail).Bind(11, e.prev_hash).Bind(12, e.hash);
      ins.Step();
    }
    return Status::Ok();
  });
  for (size_t i = 0; i < batch.size(); ++i) {
    if (st.ok()) {
      batch[i]->result = std::move(events[i]);
    } else {
      batch[i]->result = st;
    }
  }
}

StatusOr<std::vector<AuditEvent>> AuditLog::List(const AuditFilter& f) {
  db::WhereClause where(" WHERE seq > ?");
  where.Equals("actor", f.actor);
  where.Equals("object", f.object);
  where.Equals("action", f.action);
  where.Equals("outcome", f.outcome);
  where.Add("time >= ?", f.from_time);
  where.Add("time <= ?", f.to_time);
  int64_t limit = f.limit <= 0 ? 100 : (f.limit > 1000 ? 1000 : f.limit);
  if (f.before_seq > 0) where.Add("seq < CAST(? AS INTEGER)", std::to_string(f.before_seq));
  Poco::Int64 after = f.after_seq;
  const char* order = f.newest_first ? " ORDER BY seq DESC LIMIT " : " ORDER BY seq LIMIT ";
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<AuditEvent>> {
    Statement st(c);
    st << "SELECT " << kColumns << " FROM audit_events" << where.sql() << order << limit, useRef(after);
    where.BindTo(st);
    return db::AllRows(st, EventFromRow);
  });
}

StatusOr<std::vector<AuditEvent>> AuditLog::ActorEvents(const std::string& actor, const std::string& from_time,
                                                        const std::string& to_time, int64_t limit) {
  // Only actor and time in the WHERE: with seq or outcome there, SQLite's
  // planner took the outcome index and walked every "ok" event.
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<AuditEvent>> {
    Statement st(c);
    st << "SELECT " << kColumns << " FROM audit_events WHERE actor = ? AND time >= ? AND time <= ? "
       << "ORDER BY time DESC LIMIT " << std::clamp<int64_t>(limit, 1, 100000),
        bind(actor), bind(from_time), bind(to_time);
    return db::AllRows(st, EventFromRow);
  });
}

StatusOr<AuditCheckpoint> AuditLog::WriteCheckpoint(const Signer& signer) {
  AuditCheckpoint cp;
  Status st = db_.Write([&](db::Connection& s) -> Status {
    Poco::Int64 size = 0;
    std::string head;
    Statement q(s);
    q << "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", into(size), into(head);
    q.execute();
    cp.size = size;
    cp.head_hash = head.empty() ? kGenesis : head;
    cp.key_name = signer.key_name();
    cp.created_at = FormatUtc(clock_->Now());
    cp.note = SignNote(CheckpointBody(cp.size, cp.head_hash), signer);
    const auto& pk = signer.public_key();
    s << "INSERT OR IGNORE INTO signing_keys (key_name, public_key, created_at) VALUES (?,?,?)", bind(cp.key_name),
        bind(HexEncode(pk.data(), pk.size())), bind(cp.created_at), now;
    s << "INSERT INTO audit_checkpoints (size, head_hash, key_name, note, created_at) VALUES (?,?,?,?,?)",
        bind(Poco::Int64{cp.size}), bind(cp.head_hash), bind(cp.key_name), bind(cp.note), bind(cp.created_at), now;
    Poco::Int64 id = 0;
    s << "SELECT last_insert_rowid()", into(id), now;
    cp.id = id;
    return Status::Ok();
  });
  VAULT_RETURN_IF_ERROR(st);
  return cp;
}

StatusOr<std::vector<AuditCheckpoint>> AuditLog::Checkpoints() {
  return db_.ReadAll("SELECT id, size, head_hash, key_name, note, created_at FROM audit_checkpoints ORDER BY id",
                     [](RecordSet& rs) {
                       AuditCheckpoint cp;
                       db::Row(rs)("id", &cp.id)("size", &cp.size)("head_hash", &cp.head_hash)(
                           "key_name", &cp.key_name)("note", &cp.note)("created_at", &cp.created_at);
                       return cp;
                     });
}

StatusOr<Signer::PublicKey> AuditLog::PublicKeyOf(const std::string& key_name) {
  return db_.Read([&](db::Connection& c) -> StatusOr<Signer::PublicKey> {
    std::string hex;
    Statement st(c);
    st << "SELECT public_key FROM signing_keys WHERE key_name = ?", bind(key_name), into(hex);
    if (st.execute() == 0) return NotFoundError("audit.unknown_key", "unknown signing key " + key_name);
    auto bytes = HexDecode(hex);
    if (!bytes || bytes->size() != Signer::kPublicKeySize) {
      return DataLossError("audit.bad_key", "stored public key is malformed");
    }
    Signer::PublicKey pk{};
    std::copy(bytes->begin(), bytes->end(), pk.begin());
    return pk;
  });
}

StatusOr<AuditReport> AuditLog::Verify() {
  AuditReport report;
  VAULT_ASSIGN_OR_RETURN(std::vector<AuditCheckpoint> checkpoints, Checkpoints());
  std::map<int64_t, std::string> head_at;  // checkpoint sizes -> chain hash there
  for (const auto& cp : checkpoints) head_at[cp.size] = "";
  auto problem = [&](int64_t seq, const std::string& what) {
    report.ok = false;
    if (seq > 0 && report.first_bad_seq == 0) report.first_bad_seq = seq;
    if (report.problems.size() < 100) report.problems.push_back(what);
  };
  // Walk the chain in pages so memory stays bounded.
  ChainWalker walker(1, kGenesis, problem);
  head_at[0] = kGenesis;
  AuditFilter page;
  page.limit = 1000;
  while (true) {
    VAULT_ASSIGN_OR_RETURN(std::vector<AuditEvent> events, List(page));
    if (events.empty()) break;
    for (const AuditEvent& e : events) {
      walker.Feed(e);
      if (head_at.count(e.seq)) head_at[e.seq] = e.hash;
    }
    page.after_seq = events.back().seq;
  }
  report.events = walker.fed();
  auto key_of = [this](const std::string& name) { return PublicKeyOf(name); };
  for (const AuditCheckpoint& cp : checkpoints) {
    ++report.checkpoints;
    std::string which = "checkpoint " + std::to_string(cp.id);
    if (std::string bad = CheckCheckpointNote(cp, key_of); !bad.empty()) {
      problem(0, bad);
      continue;
    }
    if (cp.size > report.events) {
      problem(cp.size, which + " covers " + std::to_string(cp.size) + " events but only " +
                           std::to_string(report.events) + " exist (tail deleted?)");
    } else if (head_at[cp.size] != cp.head_hash) {
      problem(cp.size, which + ": the chain's hash at event " + std::to_string(cp.size) +
                           " differs from the signed head (history rewritten)");
    }
  }
  return report;
}

}  // namespace vault
