// The audit log for auditors and admins (action audit.read). Read-only:
// there is no route that edits or deletes events. Every route here is a
// read and is audited as one (audit.read, audit.checkpoints, audit.verify).
#include <Poco/JSON/Array.h>

#include "api/common/json_output.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "api/common/parse.h"
#include "vault/keys/signer.h"

namespace vaultd {
namespace {

constexpr size_t kMaxFilterLength = 200;

// Fills `f` (and the page options) from the query; false with the error
// already answered.
bool ParseAuditQuery(Exchange& ex, vault::AuditFilter* f, bool* with_chain) {
  auto bad = [&](const std::string& name, const std::string& why) {
    ex.Error(vault::InvalidArgumentError("request.bad_parameter", name + " " + why));
    return false;
  };
  for (const auto& kv : ex.query()) {
    const std::string& k = kv.first;
    const std::string& v = kv.second;
    if (k == "user" || k == "object" || k == "action" || k == "from" || k == "to") {
      if (v.size() > kMaxFilterLength) return bad(k, "is too long");
      if (k == "user") f->actor = v;
      else if (k == "object") f->object = v;
      else if (k == "action") f->action = v;
      else if (k == "from") f->from_time = v;
      else f->to_time = v;
    } else if (k == "outcome") {
      if (!v.empty() && v != "ok" && v != "denied" && v != "error") return bad(k, "must be ok, denied or error");
      f->outcome = v;
    } else if (k == "order") {
      if (v != "newest" && v != "oldest") return bad(k, "must be newest or oldest");
      f->newest_first = v == "newest";
    } else if (k == "chain") {
      if (v != "0" && v != "1") return bad(k, "must be 0 or 1");
      *with_chain = v == "1";
    } else if (k == "after" || k == "before" || k == "limit") {
      int64_t* out = k == "after" ? &f->after_seq : k == "before" ? &f->before_seq : &f->limit;
      if (!api::ParseCount(v, out)) return bad(k, "must be a non-negative number");
    } else {
      ex.Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown parameter " + k));
      return false;
    }
  }
  return true;
}

}  // namespace

// Events, oldest first (after=SEQ pages on) or newest first (order=newest,
// before=SEQ pages on); with chain=1 also whether the chain verifies around
// the page's events and which signed checkpoint covers them.
void HandleListAudit(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("audit.read", "audit") || !ex.Allowed("audit.read", "audit")) return;
  vault::AuditFilter f;
  bool with_chain = false;
  if (!ParseAuditQuery(ex, &f, &with_chain)) return;
  vault::AuditLog& log = ex.ctx().vault->audit();
  auto events = log.List(f);
  vault::StatusOr<vault::PageChainReport> chain = vault::PageChainReport{};
  if (events.ok() && with_chain) chain = log.CheckPage(*events);
  if (!events.ok() || !chain.ok()) {
    vault::Status s = events.ok() ? chain.status() : events.status();
    ex.Audit("audit.read", "audit", s);
    return ex.Error(s);
  }
  if (!ex.AuditOrFail("audit.read", "audit")) return;
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  for (const auto& e : *events) items->add(api::AuditEventJson(e));
  o->set("items", items);
  const int64_t limit = f.limit <= 0 ? 100 : std::min<int64_t>(f.limit, 1000);
  // The cursor of the next page, when this one is full.
  if (static_cast<int64_t>(events->size()) == limit) {
    o->set("next", static_cast<Poco::Int64>(events->back().seq));
  } else {
    o->set("next", Poco::Dynamic::Var());
  }
  if (with_chain) o->set("chain", api::PageChainJson(*chain));
  ex.SendObject(200, o);
}

// Signed checkpoints with their public key; id=N for one, limit=N for the
// newest N (newest first).
void HandleListCheckpoints(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("audit.read", "audit/checkpoints") || !ex.Allowed("audit.read", "audit/checkpoints")) return;
  int64_t id = 0;
  int64_t limit = 0;
  for (const auto& kv : ex.query()) {
    if (kv.first == "id" || kv.first == "limit") {
      if (!api::ParseCount(kv.second, kv.first == "id" ? &id : &limit)) {
        return ex.Error(vault::InvalidArgumentError("request.bad_parameter", kv.first + " must be a non-negative number"));
      }
    } else {
      return ex.Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown parameter " + kv.first));
    }
  }
  vault::AuditLog& log = ex.ctx().vault->audit();
  auto cps = log.Checkpoints();
  if (!cps.ok()) {
    ex.Audit("audit.checkpoints", "audit", cps.status());
    return ex.Error(cps.status());
  }
  std::vector<vault::AuditCheckpoint> chosen;
  if (id > 0) {
    for (const auto& cp : *cps) {
      if (cp.id == id) chosen.push_back(cp);
    }
    if (chosen.empty()) {
      vault::Status s = vault::NotFoundError("audit.checkpoint_not_found", "no checkpoint " + std::to_string(id));
      ex.Audit("audit.checkpoints", "audit", s);
      return ex.Error(s);
    }
  } else if (limit > 0) {
    for (auto it = cps->rbegin(); it != cps->rend() && static_cast<int64_t>(chosen.size()) < limit; ++it) {
      chosen.push_back(*it);
    }
  } else {
    chosen = *cps;
  }
  if (!ex.AuditOrFail("audit.checkpoints", "audit")) return;
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  for (const auto& cp : chosen) {
    Poco::JSON::Object::Ptr o = api::CheckpointJson(cp);
    auto pk = log.PublicKeyOf(cp.key_name);
    if (pk.ok()) o->set("public_key_pem", vault::Ed25519PublicKeyPem(*pk));
    items->add(o);
  }
  ex.SendItems(items);
}

// Verify now: the whole chain and every signed checkpoint, as `vaultctl
// audit verify` does (AuditLog::Verify). A read: audited as audit.verify
// with outcome ok and the verdict in the detail; the answer is 200 whether
// the log is intact or not (the verdict is in the body).
void HandleVerifyAudit(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("audit.read", "audit/verification") || !ex.Allowed("audit.read", "audit/verification")) return;
  if (!ex.query().empty()) {
    return ex.Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown parameter " + ex.query()[0].first));
  }
  auto report = ex.ctx().vault->audit().Verify();
  if (!report.ok()) {
    ex.Audit("audit.verify", "audit", report.status());
    return ex.Error(report.status());
  }
  const std::string verdict = report->ok ? "intact" : "tampered at event " + std::to_string(report->first_bad_seq);
  if (!ex.AuditOrFail("audit.verify", "audit", verdict)) return;
  Poco::JSON::Object::Ptr o = api::AuditReportJson(*report);
  o->set("verified_at", vault::FormatUtc(ex.ctx().clock->Now()));
  ex.SendObject(200, o);
}

}  // namespace vaultd
