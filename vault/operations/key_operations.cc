#include "vault/operations/key_operations.h"

#include "vault/db/rows.h"

using namespace vault::db::sql;

namespace vault {
namespace {

constexpr char kColumns[] =
    "id, kek_id, state, requested_by, requested_at, approved_by, approved_at, destroyed_at";
// A racing ingest may commit a DEK under the old KEK after a rewrap pass
// ended; a few more passes pick such stragglers up.
constexpr int kRewrapRounds = 3;

KekDestruction DestructionFrom(RecordSet& rs) {
  KekDestruction d;
  db::Row(rs)("id", &d.id)("kek_id", &d.kek_id)("state", &d.state)("requested_by", &d.requested_by)(
      "requested_at", &d.requested_at)("approved_by", &d.approved_by)("approved_at", &d.approved_at)(
      "destroyed_at", &d.destroyed_at);
  return d;
}

StatusOr<KekDestruction> FindDestruction(db::Connection& c, int64_t id) {
  Statement st(c);
  st << "SELECT " << kColumns << " FROM kek_destructions WHERE id = ?", bind(Poco::Int64{id});
  auto row = db::FirstRow(st, DestructionFrom);
  if (!row) return NotFoundError("key.destruction_not_found", "no such master key destruction request");
  return *row;
}

}  // namespace

KeyOperations::KeyOperations(Deps deps)
    : deps_(std::move(deps)), db_(deps_.db, "key.db_error", "key operations") {}

KeyOperations::~KeyOperations() {
  std::unique_lock<std::mutex> lock(mu_);
  if (worker_.joinable()) {
    std::thread w = std::move(worker_);
    lock.unlock();
    w.join();
  }
}

StatusOr<std::unique_ptr<KeyOperations>> KeyOperations::Open(Deps deps) {
  if (!deps.vault || !deps.keys || !deps.metadata || !deps.db || !deps.audit || !deps.clock) {
    return InvalidArgumentError("key.options", "key operations need the vault, key ring, stores and clock");
  }
  return std::unique_ptr<KeyOperations>(new KeyOperations(std::move(deps)));
}

StatusOr<RewrapProgress> KeyOperations::StartRotation(const std::string& actor) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (progress_.state == "running") {
      return FailedPreconditionError("key.rotation_running", "a rewrap is running; wait for it to finish");
    }
    // Persisted before anything is wrapped under it (Vault::RotateKeys).
    auto kek = deps_.keys->Rotate();
    if (!kek.ok()) return kek.status();
    VAULT_RETURN_IF_ERROR(LaunchLocked(actor));
  }
  return Progress();
}

StatusOr<RewrapProgress> KeyOperations::StartRewrap(const std::string& actor) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (progress_.state == "running") {
      return FailedPreconditionError("key.rotation_running", "a rewrap is running; wait for it to finish");
    }
    VAULT_RETURN_IF_ERROR(LaunchLocked(actor));
  }
  return Progress();
}

Status KeyOperations::LaunchLocked(const std::string& actor) {
  // The previous worker has left RunRewrap's last step (state is not running).
  if (worker_.joinable()) worker_.join();
  progress_ = RewrapProgress();
  progress_.state = "running";
  progress_.primary_kek_id = deps_.keys->PrimaryId();
  progress_.started_by = actor;
  progress_.started_at = FormatUtc(deps_.clock->Now());
  worker_ = std::thread(&KeyOperations::RunRewrap, this, actor);
  return Status::Ok();
}

void KeyOperations::RunRewrap(std::string actor) {
  int64_t total = 0;
  Status outcome = Status::Ok();
  for (int round = 0; round < kRewrapRounds; ++round) {
    auto n = deps_.vault->RewrapToPrimary([&](int64_t done) {
      std::lock_guard<std::mutex> lock(mu_);
      progress_.rewrapped = total + done;
    });
    if (!n.ok()) {
      outcome = n.status();
      break;
    }
    total += *n;
    if (*n == 0) break;
  }
  AuditEvent(actor, "key.rewrap", deps_.keys->PrimaryId(), outcome, std::to_string(total) + " data key(s) rewrapped");
  // Approvals that waited for this rewrap.
  DestroyApproved();
  std::lock_guard<std::mutex> lock(mu_);
  progress_.rewrapped = total;
  progress_.finished_at = FormatUtc(deps_.clock->Now());
  progress_.state = outcome.ok() ? "done" : "failed";
  progress_.error = outcome.ok() ? "" : outcome.reason();
  idle_.notify_all();
}

StatusOr<RewrapProgress> KeyOperations::Progress() {
  RewrapProgress p;
  {
    std::lock_guard<std::mutex> lock(mu_);
    p = progress_;
  }
  p.primary_kek_id = deps_.keys->PrimaryId();
  p.remaining = 0;
  for (const KekInfo& k : deps_.keys->List()) {
    if (k.primary) continue;
    VAULT_ASSIGN_OR_RETURN(int64_t n, deps_.metadata->CountKeysWrappedBy(k.id));
    p.remaining += n;
  }
  return p;
}

void KeyOperations::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return progress_.state != "running"; });
}

StatusOr<KekDestruction> KeyOperations::RequestDestruction(const std::string& actor, const std::string& kek_id) {
  bool known = false;
  for (const KekInfo& k : deps_.keys->List()) {
    if (k.id != kek_id) continue;
    known = true;
    if (k.primary) return FailedPreconditionError("key.is_primary", "the primary master key cannot be destroyed");
  }
  if (!known) return NotFoundError("key.unknown_kek", "no master key " + kek_id);
  KekDestruction d;
  VAULT_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    Poco::Int64 pending = 0;
    c << "SELECT COUNT(*) FROM kek_destructions WHERE kek_id = ? AND state IN ('requested', 'approved')",
        bind(kek_id), into(pending), now;
    if (pending > 0) {
      return FailedPreconditionError("key.destruction_pending",
                                     "a destruction of " + kek_id + " is requested already: approve it");
    }
    c << "INSERT INTO kek_destructions (kek_id, state, requested_by, requested_at) VALUES (?, 'requested', ?, ?)",
        bind(kek_id), bind(actor), bind(FormatUtc(deps_.clock->Now())), now;
    Poco::Int64 id = 0;
    c << "SELECT last_insert_rowid()", into(id), now;
    VAULT_ASSIGN_OR_RETURN(d, FindDestruction(c, id));
    return Status::Ok();
  }));
  return d;
}

StatusOr<KekDestruction> KeyOperations::ApproveDestruction(const std::string& approver, int64_t id) {
  VAULT_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    VAULT_ASSIGN_OR_RETURN(KekDestruction d, FindDestruction(c, id));
    if (d.state != "requested") {
      return FailedPreconditionError("key.destruction_decided",
                                     "destruction request " + std::to_string(id) + " is " + d.state);
    }
    if (d.requested_by == approver) {
      return Status(StatusCode::kPermissionDenied, "key.same_admin",
                    "a different admin must approve: " + approver + " requested this destruction");
    }
    c << "UPDATE kek_destructions SET state = 'approved', approved_by = ?, approved_at = ? WHERE id = ?",
        bind(approver), bind(FormatUtc(deps_.clock->Now())), bind(Poco::Int64{id}), now;
    return Status::Ok();
  }));
  DestroyApproved();
  return db_.Read([&](db::Connection& c) { return FindDestruction(c, id); });
}

void KeyOperations::DestroyApproved() {
  std::lock_guard<std::mutex> one_pass(destroy_mu_);
  auto approved = db_.Read([&](db::Connection& c) -> StatusOr<std::vector<KekDestruction>> {
    Statement st(c);
    st << "SELECT " << kColumns << " FROM kek_destructions WHERE state = 'approved' ORDER BY id";
    return db::AllRows(st, DestructionFrom);
  });
  if (!approved.ok()) return;
  for (const KekDestruction& d : *approved) {
    auto in_use = deps_.metadata->CountKeysWrappedBy(d.kek_id);
    if (!in_use.ok() || *in_use > 0) continue;  // the rewrap is not finished: wait for it
    Status s = deps_.vault->DestroyKek(d.kek_id);
    // Gone already (destroyed by an earlier pass that failed to record it).
    if (s.reason() == "key.unknown_kek") s = Status::Ok();
    if (s.ok()) {
      s = db_.Write([&](db::Connection& c) -> Status {
        c << "UPDATE kek_destructions SET state = 'destroyed', destroyed_at = ? WHERE id = ?",
            bind(FormatUtc(deps_.clock->Now())), bind(Poco::Int64{d.id}), now;
        return Status::Ok();
      });
    }
    AuditEvent(d.approved_by, "key.destroy", d.kek_id, s,
               "requested by " + d.requested_by + ", approved by " + d.approved_by);
  }
}

StatusOr<std::vector<KekDestruction>> KeyOperations::ListDestructions() {
  return db_.ReadAll(std::string("SELECT ") + kColumns + " FROM kek_destructions ORDER BY id DESC LIMIT 1000",
                     DestructionFrom);
}

void KeyOperations::AuditEvent(const std::string& actor, const std::string& action, const std::string& object,
                               const Status& outcome, const std::string& detail) {
  AuditRecord r{actor, "admin", action, object, outcome.ok() ? "ok" : "error", "vaultd", "",
                outcome.ok() ? detail : outcome.reason() + ": " + detail};
  (void)deps_.audit->Append(r);
}

}  // namespace vault
