// The audit log for auditors and admins (action audit.read). Read-only:
// there is no route that edits or deletes events.
#include <Poco/JSON/Array.h>

#include "api/common/json_output.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "api/common/parse.h"
#include "vault/keys/signer.h"

namespace vaultd {

void HandleListAudit(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("audit.read", "audit") || !ex.Allowed("audit.read", "audit")) return;
  vault::AuditFilter f;
  for (const auto& kv : ex.query()) {
    if (kv.first == "user") f.actor = kv.second;
    else if (kv.first == "object") f.object = kv.second;
    else if (kv.first == "action") f.action = kv.second;
    else if (kv.first == "from") f.from_time = kv.second;
    else if (kv.first == "to") f.to_time = kv.second;
    else if (kv.first == "after" || kv.first == "limit") {
      if (!api::ParseCount(kv.second, kv.first == "after" ? &f.after_seq : &f.limit)) {
        return ex.Error(vault::InvalidArgumentError("request.bad_parameter", kv.first + " must be a non-negative number"));
      }
    } else {
      return ex.Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown parameter " + kv.first));
    }
  }
  auto events = ex.ctx().vault->audit().List(f);
  ex.SendAuditedItems("audit.read", "audit", events, api::AuditEventJson);
}

void HandleListCheckpoints(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("audit.read", "audit/checkpoints") || !ex.Allowed("audit.read", "audit/checkpoints")) return;
  vault::AuditLog& log = ex.ctx().vault->audit();
  auto cps = log.Checkpoints();
  if (!cps.ok()) {
    ex.Audit("audit.checkpoints", "audit", cps.status());
    return ex.Error(cps.status());
  }
  if (!ex.AuditOrFail("audit.checkpoints", "audit")) return;
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  for (const auto& cp : *cps) {
    Poco::JSON::Object::Ptr o = api::CheckpointJson(cp);
    auto pk = log.PublicKeyOf(cp.key_name);
    if (pk.ok()) o->set("public_key_pem", vault::Ed25519PublicKeyPem(*pk));
    items->add(o);
  }
  ex.SendItems(items);
}

}  // namespace vaultd
