#include "vault/operations/fixity_schedule.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

#include "vault/base/canonical_json.h"
#include "vault/base/hex.h"
#include "vault/db/rows.h"
#include "vault/keys/signer.h"

using namespace vault::db::sql;

namespace vault {
namespace {

constexpr char kListColumns[] =
    "id, started_at, finished_at, checked, ok, changed, missing, untracked, bytes, key_name";

FixityRun RunFrom(RecordSet& rs) {
  FixityRun r;
  db::Row(rs)("id", &r.id)("started_at", &r.started_at)("finished_at", &r.finished_at)("checked", &r.checked)(
      "ok", &r.ok)("changed", &r.changed)("missing", &r.missing)("untracked", &r.untracked)("bytes", &r.bytes)(
      "key_name", &r.key_name);
  return r;
}

FixityRun FullRunFrom(RecordSet& rs) {
  FixityRun r = RunFrom(rs);
  db::Row(rs)("report", &r.report)("signature", &r.signature_hex);
  return r;
}

Poco::JSON::Object::Ptr ProblemJson(const FixityEntry& e) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
  o->set("state", std::string(FixityStateName(e.state)));
  o->set("document_id", e.document_id);
  o->set("archive_number", e.archive_number);
  o->set("version", static_cast<Poco::Int64>(e.version));
  o->set("blob", e.blob_name);
  o->set("detail", e.detail);
  return o;
}

}  // namespace

FixitySchedule::FixitySchedule(Deps deps) : deps_(std::move(deps)), db_(deps_.db, "fixity.db_error", "fixity") {}

StatusOr<std::unique_ptr<FixitySchedule>> FixitySchedule::Open(Deps deps) {
  if (!deps.vault || !deps.keys || !deps.db || !deps.audit || !deps.clock) {
    return InvalidArgumentError("fixity.options", "the fixity schedule needs the vault, keys, database and clock");
  }
  if (deps.pace.bytes_per_second < 0 || deps.pace.items_per_second < 0) {
    return InvalidArgumentError("fixity.options", "fixity rates must not be negative (0: unlimited)");
  }
  return std::unique_ptr<FixitySchedule>(new FixitySchedule(std::move(deps)));
}

Status FixitySchedule::RealSleep(std::chrono::nanoseconds d) {
  std::unique_lock<std::mutex> lock(cancel_mu_);
  cancel_cv_.wait_for(lock, d, [&] { return cancelled_; });
  if (cancelled_) return UnavailableError("fixity.cancelled", "the fixity pass was stopped (shutdown)");
  return Status::Ok();
}

void FixitySchedule::Cancel() {
  std::lock_guard<std::mutex> lock(cancel_mu_);
  cancelled_ = true;
  cancel_cv_.notify_all();
}

StatusOr<FixityRun> FixitySchedule::RunOnce() {
  std::lock_guard<std::mutex> one_pass(run_mu_);
  FixityRun run;
  run.started_at = FormatUtc(deps_.clock->Now());
  RatePacer::Sleep sleep = deps_.sleep;
  if (!sleep) sleep = [this](std::chrono::nanoseconds d) { return RealSleep(d); };
  RatePacer pacer(deps_.pace, deps_.clock, sleep);
  auto checked = deps_.vault->Verify("", [&](const VersionRecord& v) -> Status {
    {
      std::lock_guard<std::mutex> lock(cancel_mu_);
      if (cancelled_) return UnavailableError("fixity.cancelled", "the fixity pass was stopped (shutdown)");
    }
    Status paced = pacer.Before(static_cast<int64_t>(v.blob_size));
    // Counted before the read: the pace is what is allowed, not what a
    // damaged blob happened to yield.
    if (paced.ok()) bytes_read_ += static_cast<int64_t>(v.blob_size);
    return paced;
  });
  if (!checked.ok()) {
    const AuditRecord failed{"vaultd", "-", "fixity.scheduled", "*", "error", "vaultd", "", checked.status().reason()};
    (void)deps_.audit->Append(failed);
    return checked.status();
  }
  run.finished_at = FormatUtc(deps_.clock->Now());
  run.ok = checked->ok;
  run.changed = checked->changed;
  run.missing = checked->missing;
  run.untracked = checked->untracked;
  run.checked = run.ok + run.changed + run.missing;
  run.bytes = pacer.bytes();

  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<Signer> signer, Signer::FromKeyRing(*deps_.keys, "certificate"));
  run.key_name = signer->key_name();
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
  o->set("type", std::string("sales-vault fixity report v1"));
  o->set("started_at", run.started_at);
  o->set("finished_at", run.finished_at);
  o->set("intact", run.intact());
  Poco::JSON::Object::Ptr counts = new Poco::JSON::Object();
  counts->set("checked", static_cast<Poco::Int64>(run.checked));
  counts->set("ok", static_cast<Poco::Int64>(run.ok));
  counts->set("changed", static_cast<Poco::Int64>(run.changed));
  counts->set("missing", static_cast<Poco::Int64>(run.missing));
  counts->set("untracked", static_cast<Poco::Int64>(run.untracked));
  o->set("counts", counts);
  o->set("bytes_read", static_cast<Poco::Int64>(run.bytes));
  Poco::JSON::Object::Ptr pace = new Poco::JSON::Object();
  pace->set("bytes_per_second", static_cast<Poco::Int64>(deps_.pace.bytes_per_second));
  pace->set("blobs_per_second", static_cast<Poco::Int64>(deps_.pace.items_per_second));
  o->set("pace", pace);
  Poco::JSON::Array::Ptr problems = new Poco::JSON::Array();
  for (const FixityEntry& e : checked->entries) {
    if (e.state != FixityEntry::State::kOk) problems->add(ProblemJson(e));
  }
  o->set("problems", problems);
  o->set("signing_key", run.key_name);
  o->set("signing_public_key", HexEncode(signer->public_key().data(), signer->public_key().size()));
  std::ostringstream raw;
  o->stringify(raw);
  run.report = CanonicalJsonOf(raw.str());
  const Signer::Signature sig = signer->Sign(run.report);
  run.signature_hex = HexEncode(sig.data(), sig.size());

  VAULT_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    c << "INSERT INTO fixity_reports (started_at, finished_at, checked, ok, changed, missing, untracked, bytes, "
         "report, signature, key_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        bind(run.started_at), bind(run.finished_at), bind(Poco::Int64{run.checked}), bind(Poco::Int64{run.ok}),
        bind(Poco::Int64{run.changed}), bind(Poco::Int64{run.missing}), bind(Poco::Int64{run.untracked}),
        bind(Poco::Int64{run.bytes}), bind(run.report), bind(run.signature_hex), bind(run.key_name), now;
    Poco::Int64 id = 0;
    c << "SELECT last_insert_rowid()", into(id), now;
    run.id = id;
    return Status::Ok();
  }));
  const std::string summary = std::to_string(run.checked) + " checked, " + std::to_string(run.changed) +
                              " changed, " + std::to_string(run.missing) + " missing, " +
                              std::to_string(run.untracked) + " untracked";
  const AuditRecord done{"vaultd", "-", "fixity.scheduled", "FIX-" + std::to_string(run.id),
                         run.intact() ? "ok" : "error", "vaultd", "", summary};
  (void)deps_.audit->Append(done);
  return run;
}

StatusOr<bool> FixitySchedule::Due(std::chrono::seconds interval) {
  auto newest = db_.Read([&](db::Connection& c) -> StatusOr<std::string> {
    std::string at;
    Poco::Int64 n = 0;
    c << "SELECT COUNT(*) FROM fixity_reports", into(n), now;
    if (n == 0) return at;
    c << "SELECT MAX(started_at) FROM fixity_reports", into(at), now;
    return at;
  });
  if (!newest.ok()) return newest.status();
  if (newest->empty()) return true;
  TimePoint last;
  if (!ParseUtc(*newest, &last)) return true;
  return deps_.clock->Now() - last >= interval;
}

StatusOr<std::vector<FixityRun>> FixitySchedule::List(int64_t limit) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<FixityRun>> {
    Statement st(c);
    st << "SELECT " << kListColumns << " FROM fixity_reports ORDER BY id DESC LIMIT ?", bind(Poco::Int64{limit});
    return db::AllRows(st, RunFrom);
  });
}

StatusOr<FixityRun> FixitySchedule::Get(int64_t id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<FixityRun> {
    Statement st(c);
    st << "SELECT " << kListColumns << ", report, signature FROM fixity_reports WHERE id = ?",
        bind(Poco::Int64{id});
    auto row = db::FirstRow(st, FullRunFrom);
    if (!row) return NotFoundError("fixity.not_found", "no such fixity report");
    return *row;
  });
}

}  // namespace vault
