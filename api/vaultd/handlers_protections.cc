// What protects records from destruction and what is due: legal holds, the
// records whose retention has expired, and a customer's erasure preview.
// Parse, call vault::DestructionService, audit, answer (docs/destruction.md).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <initializer_list>

#include "api/common/json_output.h"
#include "api/common/parse.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"

namespace vaultd {

using vault::Status;


// GET /api/v1/holds ; POST /api/v1/holds {"scope", "target", "reason"} ;
// POST /api/v1/holds/{id}/release
void HandleListHolds(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("hold.read", "holds")) return;
  if (!ex.AllowedAnyOf("hold.read", "holds", {"hold.manage", "destruction.request"})) return;
  auto holds = ex.ctx().vault->destructions().Holds(true);
  if (!holds.ok()) return ex.Error(holds.status());
  if (!ex.AuditOrFail("hold.read", "holds")) return;
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& h : *holds) {
    auto o = api::LegalHoldJson(h);
    o->set("created_by", h.created_by);
    o->set("created_at", h.created_at);
    items->add(o);
  }
  ex.SendItems(items);
}

void HandleCreateHold(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("hold.create", "holds")) return;
  std::string scope, target, reason;
  auto body = ex.JsonBody();
  Status s = body.ok() ? Exchange::StringFields(*body, {{"scope", &scope}, {"target", &target}, {"reason", &reason}})
                       : body.status();
  if (!s.ok()) return ex.Error(s);
  auto h = ex.ctx().destructions->AddHold(ex.subject(), scope, target, reason);
  if (!h.ok()) {
    ex.Audit("hold.create", target.substr(0, 64), h.status());
    return ex.Error(h.status());
  }
  if (!ex.AuditOrFail("hold.create", scope + ":" + h->target, reason.substr(0, 128))) return;
  ex.SendObject(201, api::LegalHoldJson(*h));
}

void HandleReleaseHold(Exchange& ex, const PathParams& p) {
  if (!ex.Authenticate("hold.release", p[0].substr(0, 32))) return;
  int64_t id = 0;
  if (!api::ParseCount(p[0], &id)) return ex.Error(vault::NotFoundError("hold.not_found", "no such hold"));
  Status s = ex.ctx().destructions->ReleaseHold(ex.subject(), id);
  if (!s.ok()) {
    ex.Audit("hold.release", p[0], s);
    return ex.Error(s);
  }
  if (!ex.AuditOrFail("hold.release", p[0])) return;
  ex.NoContent();
}

// GET /api/v1/retention/due[?protected=include]: records whose retention
// has expired and that nothing protects (no hold, no open loan), for a
// destruction request, each with the rule that applies; with
// protected=include also the expired records something still protects,
// with what (a hold, an open loan, another destruction).
void HandleRetentionDue(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("retention.read", "retention")) return;
  if (!ex.AllowedAnyOf("retention.read", "retention", {"destruction.request"})) return;
  bool with_protected = false;
  for (const auto& kv : ex.query()) {
    if (kv.first != "protected" || (kv.second != "include" && kv.second != "exclude")) {
      return ex.Error(vault::InvalidArgumentError("request.bad_parameter", "protected must be include or exclude"));
    }
    with_protected = kv.second == "include";
  }
  auto expired = ex.ctx().destructions->RetentionExpired();
  if (!expired.ok()) return ex.Error(expired.status());
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  size_t due = 0;
  for (const auto& e : *expired) {
    const bool free = e.protection.reasons.empty();
    due += free ? 1 : 0;
    if (!free && !with_protected) continue;
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("document", e.protection.document_id);
    o->set("archive_number", e.protection.archive_number);
    o->set("title", e.title);
    o->set("customer", e.customer);
    o->set("type", e.doc_type);
    Poco::JSON::Object::Ptr rule = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    rule->set("rule", e.retention.rule);
    rule->set("label", e.rule_label);
    rule->set("period", e.retention.period);
    rule->set("anchor", e.retention.anchor);
    rule->set("anchor_date", e.retention.anchor_date);
    rule->set("due_at", e.retention.due_at);
    rule->set("reason", e.retention.reason);
    o->set("retention", rule);
    o->set("erasable", free);
    Poco::JSON::Array::Ptr why = new Poco::JSON::Array, kinds = new Poco::JSON::Array;
    for (const auto& r : e.protection.reasons) why->add(r);
    for (const auto& k : e.protection.kinds) kinds->add(k);
    o->set("protected_by", why);
    o->set("kinds", kinds);
    items->add(o);
  }
  if (!ex.AuditOrFail("retention.read", "retention", std::to_string(due) + " due")) return;
  ex.SendItems(items);
}

// GET /api/v1/customers/{customer}/erasure: what a data subject's erasure
// request would destroy, and what is protected and why.
void HandleErasurePreview(Exchange& ex, const PathParams& p) {
  if (!ex.Authenticate("erasure.preview", p[0].substr(0, 64))) return;
  if (!ex.AllowedAnyOf("erasure.preview", p[0].substr(0, 64), {"destruction.request", "hold.manage"})) return;
  auto plan = ex.ctx().destructions->PlanErasure(p[0]);
  if (!plan.ok()) return ex.Error(plan.status());
  if (!ex.AuditOrFail("erasure.preview", p[0].substr(0, 64), std::to_string(plan->erasable.size()) + " erasable")) {
    return;
  }
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("customer", p[0]);
  o->set("records", api::ProtectionsJson(plan->records));
  ex.SendObject(200, o);
}

}  // namespace vaultd
