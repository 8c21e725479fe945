// User and department management (role admin: action user.manage).
#include <Poco/JSON/Array.h>

#include <algorithm>

#include "api/common/json_output.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"

namespace vaultd {

using vault::Status;

namespace {

// Authenticate and check user.manage; `object` names what is managed.
bool Admin(Exchange& ex, const std::string& object) {
  return ex.Authenticate("user.manage", object) && ex.Allowed("user.manage", object);
}

}  // namespace

void HandleListUsers(Exchange& ex, const PathParams&) {
  if (!Admin(ex, "users")) return;
  auto users = ex.ctx().vault->identity().ListUsers();
  ex.SendAuditedItems("user.list", "users", users, api::UserJson);
}

void HandleCreateUser(Exchange& ex, const PathParams&) {
  if (!Admin(ex, "users")) return;
  vault::NewUser u;
  if (!ex.StringBody({{"username", &u.username},
                      {"display_name", &u.display_name},
                      {"role", &u.role},
                      {"department", &u.department},
                      {"clearance", &u.clearance},
                      {"password", &u.password}}))
    return;
  // A privileged role is not given by one admin: the account starts with no
  // role in effect and the role is proposed for a second admin to approve.
  const bool single_admin = ex.ctx().options->single_admin_role_grants;
  const std::string requested = u.role;
  const bool four_eyes = vault::NeedsFourEyes(requested) && !single_admin;
  if (four_eyes) u.role = vault::kNoRole;
  auto user = ex.ctx().vault->identity().AddUser(u);
  std::fill(u.password.begin(), u.password.end(), '\0');
  std::string detail;
  if (user.ok()) {
    detail = "role " + user->role + ", department " + user->department;
    if (vault::NeedsFourEyes(requested) && single_admin) detail += " (single-admin role grants)";
  }
  ex.Audit("user.add", u.username.empty() ? "-" : u.username, user.status(), detail);
  if (!user.ok()) return ex.Error(user.status());
  Poco::JSON::Object::Ptr o = api::UserJson(*user);
  if (four_eyes) {
    auto g = ex.ctx().vault->role_grants().Propose(ex.subject().username, user->username, requested);
    ex.Audit("role_grant.propose", user->username, g.status(),
             g.ok() ? "grant " + std::to_string(g->id) + ": " + user->username + " " + g->from_role + " -> " + g->role +
                          ", proposed by " + g->proposed_by
                    : "");
    if (!g.ok()) return ex.Error(g.status());
    o->set("pending_role_grant", api::RoleGrantJson(*g));
  }
  ex.SendObject(201, o);
}

// PATCH /api/v1/users/{name}: {"role", "department", "clearance",
// "display_name"}, any subset.
void HandleUpdateUser(Exchange& ex, const PathParams& p) {
  const std::string& username = p[0];
  if (!Admin(ex, username)) return;
  vault::UserChanges c;
  if (!ex.StringBody({{"display_name", &c.display_name},
                      {"role", &c.role},
                      {"department", &c.department},
                      {"clearance", &c.clearance}}))
    return;
  if (username == ex.subject().username && !c.role.empty() && c.role != "admin") {
    // The last way back in would be vaultctl on the server.
    return ex.Error(Status(vault::StatusCode::kFailedPrecondition, "user.self_demotion",
                           "an admin cannot change their own role"));
  }
  if (!c.role.empty() && vault::NeedsFourEyes(c.role) && !ex.ctx().options->single_admin_role_grants) {
    Status four_eyes = vault::FailedPreconditionError(
        "role_grant.required", c.role + " is granted by two admins: propose it with POST /api/v1/role-grants");
    ex.Audit("user.update", username, four_eyes, "role " + c.role + " refused: " + four_eyes.reason());
    return ex.Error(four_eyes);
  }
  auto user = ex.ctx().vault->identity().UpdateUser(username, c);
  std::string detail;
  if (user.ok()) {
    detail = "role " + user->role + ", department " + user->department + ", clearance " + user->clearance;
  }
  ex.Audit("user.update", username, user.status(), detail);
  if (!user.ok()) return ex.Error(user.status());
  ex.SendObject(200, api::UserJson(*user));
}

namespace {

void SetDisabled(Exchange& ex, const std::string& username, bool disabled) {
  if (!Admin(ex, username)) return;
  Status s = ex.ctx().vault->identity().SetDisabled(username, disabled);
  ex.Audit(disabled ? "user.disable" : "user.enable", username, s);
  if (!s.ok()) return ex.Error(s);
  ex.NoContent();
}

}  // namespace

void HandleDisableUser(Exchange& ex, const PathParams& p) { SetDisabled(ex, p[0], true); }
void HandleEnableUser(Exchange& ex, const PathParams& p) { SetDisabled(ex, p[0], false); }

void HandleListDepartments(Exchange& ex, const PathParams&) {
  if (!Admin(ex, "departments")) return;
  auto depts = ex.ctx().vault->identity().ListDepartments();
  ex.SendAuditedItems("department.list", "departments", depts, api::DepartmentJson);
}

// POST /api/v1/departments: {"name", "display_name"}.
void HandleCreateDepartment(Exchange& ex, const PathParams&) {
  if (!Admin(ex, "departments")) return;
  std::string name, display;
  if (!ex.StringBody({{"name", &name}, {"display_name", &display}})) return;
  auto d = ex.ctx().vault->identity().AddDepartment(name, display);
  ex.Audit("department.add", name.empty() ? "-" : name, d.status());
  if (!d.ok()) return ex.Error(d.status());
  ex.SendObject(201, api::DepartmentJson(*d));
}

// POST /api/v1/users/{name}/customers: {"customer"}; staff see the records
// of the customers they look after (policies/roles.json).
void HandleAssignCustomer(Exchange& ex, const PathParams& p) {
  const std::string& username = p[0];
  if (!Admin(ex, username)) return;
  std::string customer;
  if (!ex.StringBody({{"customer", &customer}})) return;
  Status s = ex.ctx().vault->identity().AssignCustomer(username, customer);
  ex.Audit("user.assign", username, s, s.ok() ? "customer " + customer : "");
  if (!s.ok()) return ex.Error(s);
  auto user = ex.ctx().vault->identity().GetUser(username);
  if (!user.ok()) return ex.Error(user.status());
  ex.SendObject(200, api::UserJson(*user));
}

// DELETE /api/v1/users/{name}/customers/{customer}
void HandleUnassignCustomer(Exchange& ex, const PathParams& p) {
  const std::string& username = p[0];
  if (!Admin(ex, username)) return;
  const std::string& customer = p[1];
  const bool valid = !customer.empty() && customer.size() <= 32 &&
                     customer.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") ==
                         std::string::npos;
  Status s = valid ? ex.ctx().vault->identity().UnassignCustomer(username, customer)
                   : vault::InvalidArgumentError("user.invalid",
                                                 "customer_number: must be 1-32 ASCII letters, digits or '-'");
  ex.Audit("user.unassign", username, s, s.ok() ? "customer " + customer : "");
  if (!s.ok()) return ex.Error(s);
  auto user = ex.ctx().vault->identity().GetUser(username);
  if (!user.ok()) return ex.Error(user.status());
  ex.SendObject(200, api::UserJson(*user));
}

}  // namespace vaultd
