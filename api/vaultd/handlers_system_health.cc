// GET /api/v1/system/health (system.read, admins): what /healthz does not
// tell anonymous callers. Each part is measured when asked: a database read,
// a listing of the blob store's directory, the audit log's last checkpoint,
// and the loan scheduler's last pass. "status" is "ok" only when the
// database and the blob store answered.
#include <Poco/JSON/Object.h>

#include <chrono>
#include <ctime>

#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "vault/base/clock.h"

#ifndef VAULT_VERSION
#define VAULT_VERSION "unknown"
#endif

namespace vaultd {
namespace {

using Steady = std::chrono::steady_clock;

Poco::JSON::Object::Ptr NewObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

double MillisSince(Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(Steady::now() - start).count();
}

std::string Utc(int64_t unix_seconds) {
  return vault::FormatUtc(std::chrono::system_clock::from_time_t(static_cast<std::time_t>(unix_seconds)));
}

// A failed part names its stable reason, never a path or a message.
Poco::JSON::Object::Ptr Part(const vault::Status& s, Steady::time_point start) {
  Poco::JSON::Object::Ptr o = NewObject();
  o->set("status", s.ok() ? "ok" : "error");
  o->set("latency_ms", MillisSince(start));
  if (!s.ok()) o->set("error", s.reason());
  return o;
}

}  // namespace

void HandleSystemHealth(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("system.read", "system") || !ex.Allowed("system.read", "system")) return;
  if (!ex.query().empty()) {
    return ex.Error(vault::InvalidArgumentError("request.unknown_parameter", "this resource takes no parameters"));
  }
  const Metrics& m = *ex.ctx().metrics;
  const ServerOptions& opt = *ex.ctx().options;
  vault::LocalVault& lv = *ex.ctx().vault;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));

  auto t = Steady::now();
  auto users = lv.identity().ListUsers();  // a real read of the metadata database
  Poco::JSON::Object::Ptr database = Part(users.status(), t);
  if (users.ok()) database->set("users", static_cast<Poco::Int64>(users->size()));
  database->set("engine", vault::db::EngineName(lv.database().engine()));

  t = Steady::now();
  auto temporaries = lv.blobs().ListTemporaries();  // reads the blob store's directory
  Poco::JSON::Object::Ptr blobs = Part(temporaries.status(), t);
  if (temporaries.ok()) blobs->set("temporaries", static_cast<Poco::Int64>(temporaries->size()));

  Poco::JSON::Object::Ptr audit = NewObject();
  audit->set("checkpoint_interval_seconds", static_cast<Poco::Int64>(opt.checkpoint_interval_seconds));
  auto checkpoints = lv.audit().Checkpoints();
  if (!checkpoints.ok()) {
    audit->set("status", "error");
    audit->set("error", checkpoints.status().reason());
  } else {
    audit->set("status", "ok");
    if (checkpoints->empty()) {
      audit->set("last_checkpoint", Poco::Dynamic::Var());
    } else {
      const vault::AuditCheckpoint& c = checkpoints->back();
      Poco::JSON::Object::Ptr last = NewObject();
      last->set("created_at", c.created_at);
      last->set("events", static_cast<Poco::Int64>(c.size));
      last->set("key_name", c.key_name);
      audit->set("last_checkpoint", last);
    }
  }

  Poco::JSON::Object::Ptr scheduler = NewObject();
  scheduler->set("interval_seconds", static_cast<Poco::Int64>(opt.borrow_schedule_seconds));
  // Several nodes on one PostgreSQL database: only the leader runs passes.
  scheduler->set("leader", m.leader.load());
  const int64_t last_run = m.schedule_last_run.load();
  if (last_run == 0) {
    scheduler->set("last_run", Poco::Dynamic::Var());
  } else {
    scheduler->set("last_run", Utc(last_run));
    scheduler->set("last_run_ok", m.schedule_last_ok.load());
  }

  const int64_t started = m.started_at.load();
  Poco::JSON::Object::Ptr o = NewObject();
  o->set("status", users.ok() && temporaries.ok() && checkpoints.ok() ? "ok" : "degraded");
  o->set("version", VAULT_VERSION);
  o->set("started_at", started == 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(Utc(started)));
  o->set("uptime_seconds", static_cast<Poco::Int64>(started == 0 ? 0 : now - started));
  o->set("database", database);
  o->set("blob_store", blobs);
  o->set("audit", audit);
  o->set("scheduler", scheduler);
  o->set("single_admin_role_grants", opt.single_admin_role_grants);
  ex.SendObject(200, o);
}

}  // namespace vaultd
