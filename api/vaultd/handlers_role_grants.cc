// Four-eyes role grants (vault/identity/role_grants.h), for admins
// (user.manage): POST /api/v1/role-grants proposes, POST
// /api/v1/role-grants/{id}/approve (a different admin) puts the role in
// effect, POST /api/v1/role-grants/{id}/reject withdraws it, GET
// /api/v1/role-grants[?state=proposed] lists them. Every step is audited.
#include <Poco/JSON/Array.h>

#include "api/common/json_output.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "api/common/parse.h"

namespace vaultd {

using vault::Status;

namespace {

bool Admin(Exchange& ex, const std::string& object) {
  return ex.Authenticate("user.manage", object) && ex.Allowed("user.manage", object);
}

std::string Describe(const vault::RoleGrant& g) {
  return "grant " + std::to_string(g.id) + ": " + g.username + " " + g.from_role + " -> " + g.role + ", proposed by " +
         g.proposed_by;
}

// Approve or reject `p[0]`.
void Decide(Exchange& ex, const PathParams& p, bool approve) {
  const std::string action = approve ? "role_grant.approve" : "role_grant.reject";
  const std::string object = p[0].substr(0, 32);
  if (!Admin(ex, "role-grants")) return;
  int64_t id = 0;
  if (!api::ParseCount(p[0], &id) || id <= 0) {
    Status bad = vault::NotFoundError("role_grant.not_found", "no such role grant");
    ex.Audit(action, object, bad);
    return ex.Error(bad);
  }
  auto& grants = ex.ctx().vault->role_grants();
  auto g = approve ? grants.Approve(ex.subject().username, id, ex.ctx().options->single_admin_role_grants)
                   : grants.Reject(ex.subject().username, id);
  if (!g.ok()) {
    ex.Audit(action, object, g.status());
    return ex.Error(g.status());
  }
  if (!ex.AuditOrFail(action, g->username, Describe(*g))) return;
  ex.SendObject(200, api::RoleGrantJson(*g));
}

}  // namespace

// {"username", "role"}
void HandleProposeRoleGrant(Exchange& ex, const PathParams&) {
  if (!Admin(ex, "role-grants")) return;
  std::string username, role;
  if (!ex.StringBody({{"username", &username}, {"role", &role}})) return;
  auto g = ex.ctx().vault->role_grants().Propose(ex.subject().username, username, role);
  if (!g.ok()) {
    ex.Audit("role_grant.propose", username.empty() ? "-" : username, g.status());
    return ex.Error(g.status());
  }
  if (!ex.AuditOrFail("role_grant.propose", g->username, Describe(*g))) return;
  ex.SendObject(201, api::RoleGrantJson(*g));
}

void HandleApproveRoleGrant(Exchange& ex, const PathParams& p) { Decide(ex, p, true); }
void HandleRejectRoleGrant(Exchange& ex, const PathParams& p) { Decide(ex, p, false); }

// ?state=proposed lists only the pending ones.
void HandleListRoleGrants(Exchange& ex, const PathParams&) {
  if (!Admin(ex, "role-grants")) return;
  bool pending_only = false;
  for (const auto& kv : ex.query()) {
    if (kv.first == "state" && (kv.second == "proposed" || kv.second == "all")) {
      pending_only = kv.second == "proposed";
    } else {
      return ex.Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown or bad parameter " + kv.first));
    }
  }
  auto grants = ex.ctx().vault->role_grants().List(pending_only);
  ex.SendAuditedItems("role_grant.list", "role-grants", grants, api::RoleGrantJson);
}

}  // namespace vaultd
