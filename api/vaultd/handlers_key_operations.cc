// Master-key operations for admins (key.manage), run by vaultd itself
// (vault/operations/key_operations.h), so no second process rewrites the
// key file:
//   GET  /api/v1/keys                              the KEKs and how many DEKs each wraps
//   POST /api/v1/keys/rotation                     new primary KEK, rewrap in the background (202)
//   GET  /api/v1/keys/rotation                     rewrap progress
//   POST /api/v1/keys/rewrap                       rewrap only (an interrupted rotation)
//   GET  /api/v1/keys/destructions                 four-eyes destruction requests
//   POST /api/v1/keys/destructions {"kek_id"}      one admin requests
//   POST /api/v1/keys/destructions/{id}/approve    a different admin approves
// Rotation and rewrap run on the node that leads the periodic work
// (key.not_leader elsewhere). Every request is audited.
#include <Poco/JSON/Array.h>

#include "api/common/parse.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"

namespace vaultd {

using vault::Status;

namespace {

bool KeyAdmin(Exchange& ex) { return ex.Authenticate("key.manage", "keys") && ex.Allowed("key.manage", "keys"); }

Poco::JSON::Object::Ptr ProgressJson(const vault::RewrapProgress& p) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("state", p.state);
  o->set("primary_kek_id", p.primary_kek_id);
  o->set("rewrapped", static_cast<Poco::Int64>(p.rewrapped));
  o->set("remaining", static_cast<Poco::Int64>(p.remaining));
  o->set("started_by", p.started_by);
  o->set("started_at", p.started_at);
  o->set("finished_at", p.finished_at);
  o->set("error", p.error);
  return o;
}

Poco::JSON::Object::Ptr DestructionJson(const vault::KekDestruction& d) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", static_cast<Poco::Int64>(d.id));
  o->set("kek_id", d.kek_id);
  o->set("state", d.state);
  o->set("requested_by", d.requested_by);
  o->set("requested_at", d.requested_at);
  o->set("approved_by", d.approved_by);
  o->set("approved_at", d.approved_at);
  o->set("destroyed_at", d.destroyed_at);
  return o;
}

bool OnLeader(Exchange& ex, const std::string& action) {
  if (!ex.ctx().leading || ex.ctx().leading()) return true;
  Status s = vault::FailedPreconditionError(
      "key.not_leader", "another node runs the periodic work; send key operations to it (GET /api/v1/system/health)");
  ex.Audit(action, "keys", s);
  ex.Error(s);
  return false;
}

void Start(Exchange& ex, bool rotate) {
  const std::string action = rotate ? "key.rotate" : "key.rewrap_start";
  if (!KeyAdmin(ex) || !OnLeader(ex, action)) return;
  auto& ops = *ex.ctx().key_ops;
  auto p = rotate ? ops.StartRotation(ex.subject().username) : ops.StartRewrap(ex.subject().username);
  if (!p.ok()) {
    ex.Audit(action, "keys", p.status());
    return ex.Error(p.status());
  }
  if (!ex.AuditOrFail(action, p->primary_kek_id, std::to_string(p->remaining) + " data key(s) to rewrap")) return;
  ex.SendObject(202, ProgressJson(*p));
}

}  // namespace

void HandleListKeys(Exchange& ex, const PathParams&) {
  if (!KeyAdmin(ex)) return;
  auto& lv = *ex.ctx().vault;
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  for (const vault::KekInfo& k : lv.vault().ListKeys()) {
    auto n = lv.metadata().CountKeysWrappedBy(k.id);
    if (!n.ok()) {
      ex.Audit("key.list", "keys", n.status());
      return ex.Error(n.status());
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", k.id);
    o->set("state", k.primary ? "primary" : "retired");
    o->set("created_at", k.created_at);
    o->set("data_keys", static_cast<Poco::Int64>(*n));
    items->add(o);
  }
  if (!ex.AuditOrFail("key.list", "keys")) return;
  ex.SendItems(items);
}

void HandleStartRotation(Exchange& ex, const PathParams&) { Start(ex, true); }
void HandleStartRewrap(Exchange& ex, const PathParams&) { Start(ex, false); }

void HandleRotationProgress(Exchange& ex, const PathParams&) {
  if (!KeyAdmin(ex)) return;
  auto p = ex.ctx().key_ops->Progress();
  if (!p.ok()) {
    ex.Audit("key.progress", "keys", p.status());
    return ex.Error(p.status());
  }
  if (!ex.AuditOrFail("key.progress", "keys")) return;
  ex.SendObject(200, ProgressJson(*p));
}

void HandleListKeyDestructions(Exchange& ex, const PathParams&) {
  if (!KeyAdmin(ex)) return;
  ex.SendAuditedItems("key.destruction_list", "keys", ex.ctx().key_ops->ListDestructions(), DestructionJson);
}

// {"kek_id"}
void HandleRequestKeyDestruction(Exchange& ex, const PathParams&) {
  if (!KeyAdmin(ex)) return;
  std::string kek_id;
  if (!ex.StringBody({{"kek_id", &kek_id}})) return;
  auto d = ex.ctx().key_ops->RequestDestruction(ex.subject().username, kek_id);
  const std::string object = kek_id.empty() ? "-" : kek_id.substr(0, 64);
  if (!d.ok()) {
    ex.Audit("key.destruction_request", object, d.status());
    return ex.Error(d.status());
  }
  if (!ex.AuditOrFail("key.destruction_request", d->kek_id, "request " + std::to_string(d->id))) return;
  ex.SendObject(201, DestructionJson(*d));
}

void HandleApproveKeyDestruction(Exchange& ex, const PathParams& p) {
  if (!KeyAdmin(ex)) return;
  const std::string object = p[0].substr(0, 32);
  int64_t id = 0;
  if (!api::ParseCount(p[0], &id) || id <= 0) {
    Status bad = vault::NotFoundError("key.destruction_not_found", "no such master key destruction request");
    ex.Audit("key.destruction_approve", object, bad);
    return ex.Error(bad);
  }
  auto d = ex.ctx().key_ops->ApproveDestruction(ex.subject().username, id);
  if (!d.ok()) {
    ex.Audit("key.destruction_approve", object, d.status());
    return ex.Error(d.status());
  }
  if (!ex.AuditOrFail("key.destruction_approve", d->kek_id,
                      "request " + std::to_string(d->id) + " by " + d->requested_by + ": " + d->state)) {
    return;
  }
  ex.SendObject(200, DestructionJson(*d));
}

}  // namespace vaultd
