// Anomaly alerts (vault/alerts/): the list with each alert's evidence
// (audit event seqs) and one alert with its evidence events for archive
// admins and auditors (alert.read), acknowledging one for archive admins
// (alert.acknowledge; auditors stay read-only). Both are vault-wide grants
// in roles.json, like audit.read; other roles get 403 access.denied. Every
// route is audited.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "api/common/parse.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "vault/alerts/alert_store.h"

namespace vaultd {
namespace {

constexpr size_t kMaxNoteBytes = 1000;
constexpr size_t kMaxEvidenceShown = 200;  // events inlined by GET /alerts/{id}

Poco::JSON::Object::Ptr AlertJson(const vault::Alert& a) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", static_cast<Poco::Int64>(a.id));
  o->set("rule", a.rule);
  o->set("subject", a.subject);
  o->set("window_start", a.window_start);
  o->set("window_end", a.window_end);
  o->set("events", static_cast<Poco::Int64>(a.events));
  o->set("raised_at", a.raised_at);
  o->set("summary", a.summary);
  o->set("state", a.state);
  o->set("acknowledged_by", a.acknowledged_by);
  o->set("acknowledged_at", a.acknowledged_at);
  o->set("note", a.note);
  Poco::JSON::Array::Ptr evidence = new Poco::JSON::Array();
  for (int64_t seq : a.evidence) evidence->add(static_cast<Poco::Int64>(seq));
  o->set("evidence", evidence);
  return o;
}

// The alert id of a path; 0 when it is not one (answered as not found).
int64_t AlertId(const std::string& text) {
  int64_t id = 0;
  return text.size() <= 18 && api::ParseCount(text, &id) ? id : 0;
}

bool Begin(Exchange& ex, const std::string& action, const std::string& object) {
  return ex.Authenticate(action, object) && ex.Allowed(action, object);
}

}  // namespace

// GET /api/v1/alerts?state=open|acknowledged&rule=ID&user=NAME&before=ID&limit=N
// Newest first; `before` pages on.
void HandleListAlerts(Exchange& ex, const PathParams&) {
  if (!Begin(ex, "alert.read", "alerts")) return;
  vault::AlertFilter f;
  for (const auto& kv : ex.query()) {
    const std::string& k = kv.first;
    const std::string& v = kv.second;
    if (k == "state") {
      if (!v.empty() && v != "open" && v != "acknowledged") {
        return ex.Error(vault::InvalidArgumentError("request.bad_parameter", "state must be open or acknowledged"));
      }
      f.state = v;
    } else if (k == "rule" || k == "user") {
      if (v.size() > 200) return ex.Error(vault::InvalidArgumentError("request.bad_parameter", k + " is too long"));
      (k == "rule" ? f.rule : f.subject) = v;
    } else if (k == "before" || k == "limit") {
      if (!api::ParseCount(v, k == "before" ? &f.before_id : &f.limit)) {
        return ex.Error(vault::InvalidArgumentError("request.bad_parameter", k + " must be a non-negative number"));
      }
    } else {
      return ex.Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown parameter " + k));
    }
  }
  auto alerts = ex.ctx().vault->alerts().List(f);
  const std::string detail = alerts.ok() ? std::to_string(alerts->size()) + " alerts" : "";
  ex.SendAuditedItems("alert.read", "alerts", alerts, AlertJson, detail);
}

// GET /api/v1/alerts/{id}: the alert and its evidence events (the first
// 200; the rest by seq from GET /api/v1/audit).
void HandleGetAlert(Exchange& ex, const PathParams& p) {
  const std::string object = "alert " + p[0].substr(0, 32);
  if (!Begin(ex, "alert.read", object)) return;
  auto alert = ex.ctx().vault->alerts().Get(AlertId(p[0]));
  if (!alert.ok()) {
    ex.Audit("alert.read", object, alert.status());
    return ex.Error(alert.status());
  }
  Poco::JSON::Object::Ptr o = AlertJson(*alert);
  Poco::JSON::Array::Ptr events = new Poco::JSON::Array();
  for (size_t i = 0; i < alert->evidence.size() && i < kMaxEvidenceShown; ++i) {
    vault::AuditFilter one;
    one.after_seq = alert->evidence[i] - 1;
    one.limit = 1;
    auto found = ex.ctx().vault->audit().List(one);
    if (!found.ok()) {
      ex.Audit("alert.read", object, found.status());
      return ex.Error(found.status());
    }
    if (found->empty() || found->front().seq != alert->evidence[i]) continue;
    const vault::AuditEvent& e = found->front();
    Poco::JSON::Object::Ptr ev = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    ev->set("seq", static_cast<Poco::Int64>(e.seq));
    ev->set("time", e.time);
    ev->set("actor", e.record.actor);
    ev->set("role", e.record.role);
    ev->set("action", e.record.action);
    ev->set("object", e.record.object);
    ev->set("outcome", e.record.outcome);
    ev->set("client", e.record.client);
    ev->set("detail", e.record.detail);
    events->add(ev);
  }
  o->set("evidence_events", events);
  if (!ex.AuditOrFail("alert.read", "alert " + std::to_string(alert->id))) return;
  ex.SendObject(200, o);
}

// POST /api/v1/alerts/{id}/acknowledge, optional body {"note": "..."}.
void HandleAcknowledgeAlert(Exchange& ex, const PathParams& p) {
  const std::string object = "alert " + p[0].substr(0, 32);
  if (!Begin(ex, "alert.acknowledge", object)) return;
  std::string note;
  if (ex.req().getContentLength64() > 0 || ex.req().getChunkedTransferEncoding()) {
    if (!ex.StringBody({{"note", &note}})) return;
  }
  if (note.size() > kMaxNoteBytes) {
    return ex.Error(vault::InvalidArgumentError("alert.note_too_long", "the note is over 1000 bytes"));
  }
  auto acked = ex.ctx().vault->alerts().Acknowledge(AlertId(p[0]), ex.subject().username, note,
                                                    vault::FormatUtc(ex.ctx().clock->Now()));
  if (!acked.ok()) {
    ex.Audit("alert.acknowledge", object, acked.status());
    return ex.Error(acked.status());
  }
  if (!ex.AuditOrFail("alert.acknowledge", "alert " + std::to_string(acked->id), note)) return;
  ex.SendObject(200, AlertJson(*acked));
}

}  // namespace vaultd
