// vaultctl user: add, set, disable, enable, passwd, list, assign, unassign.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "api/vaultctl/args.h"
#include "api/vaultctl/commands.h"
#include "api/common/json_output.h"
#include "vault/base/printable.h"
#include "vault/identity/identity_store.h"

namespace vaultctl {

using api::Stringify;
using api::UserJson;
namespace {

const char kUserHelp[] =
    "usage: vaultctl user add NAME --role ROLE --department DEPT [--display-name \"张三\"]\n"
    "                         [--clearance public|internal|confidential] --password-stdin\n"
    "       vaultctl user passwd NAME --password-stdin\n"
    "       vaultctl user set NAME [--role ROLE] [--department DEPT] [--clearance LEVEL]\n"
    "                         [--display-name NAME]   (effective on the user's next request)\n"
    "       vaultctl user disable NAME        (ends the user's sessions)\n"
    "       vaultctl user enable NAME\n"
    "       vaultctl user list [--json]\n"
    "       vaultctl user assign NAME CUSTOMER    (staff see only their customers' records)\n"
    "       vaultctl user unassign NAME CUSTOMER\n"
    "  ROLE: admin, archive_admin, dept_manager, staff, legal, auditor. vaultd grants\n"
    "  admin, archive_admin and legal only with a second admin's approval; vaultctl,\n"
    "  run by the host operator, sets them at once and audits that as\n"
    "  role_grant.host_operator (docs/authorization.md).\n"
    "  The password is read from the first line of standard input; it never\n"
    "  appears on the command line, in the audit log or in any error message.\n";

// vaultctl runs on the host with the master key and the database in reach:
// four eyes cannot bind that operator (who could edit the database too), so
// a privileged role set here takes effect at once. It is audited as such, so
// the bypass is never silent.
vault::Status RecordHostGrant(vault::LocalVault& lv, const vault::User& u) {
  if (!vault::NeedsFourEyes(u.role)) return vault::Status::Ok();
  vault::AuditRecord r;
  r.actor = Actor();
  r.role = "cli";
  r.action = "role_grant.host_operator";
  r.object = u.username;
  r.outcome = "ok";
  r.client = "cli";
  r.detail = "role " + u.role + " set by the host operator with vaultctl, without a second admin";
  return lv.audit().Append(r).status();
}

std::string ReadPasswordLine() {
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

int CmdUser(const GlobalOptions& g, const std::vector<std::string>& argv) {
  const ArgSpec spec{{"--role", "--department", "--display-name", "--clearance"},
                     {"--password-stdin", "--json"}};
  Args a;
  if (int rc = ParseCommand(argv, spec, kUserHelp, a); rc >= 0) return rc;
  if (a.positional.empty()) return Usage("user needs a subcommand", kUserHelp);
  const std::string& sub = a.positional[0];
  const bool needs_name =
      sub == "add" || sub == "passwd" || sub == "disable" || sub == "enable" || sub == "set";
  const bool needs_customer = sub == "assign" || sub == "unassign";
  if ((needs_name && a.positional.size() != 2) || (sub == "list" && a.positional.size() != 1) ||
      (needs_customer && a.positional.size() != 3))
    return Usage("wrong number of arguments", kUserHelp);
  if ((sub == "add" || sub == "passwd") && !a.Has("--password-stdin")) {
    std::fprintf(stderr, "vaultctl: %s needs --password-stdin\n\n%s", sub.c_str(), kUserHelp);
    return kExitUsage;
  }
  auto lv = vault::LocalVault::Open(g.config);
  if (!lv.ok()) return Fail(lv.status());
  vault::IdentityStore& ids = (*lv)->identity();

  if (sub == "add") {
    vault::NewUser u;
    u.username = a.positional[1];
    u.role = a.Get("--role");
    u.department = a.Get("--department");
    u.display_name = a.Get("--display-name");
    u.clearance = a.Get("--clearance", "internal");
    u.password = ReadPasswordLine();
    auto user = ids.AddUser(u);
    std::fill(u.password.begin(), u.password.end(), '\0');
    if (int rc = Finish(**lv, "user.add", a.positional[1], user.status()); rc != kExitOk) return rc;
    if (vault::Status s = RecordHostGrant(**lv, *user); !s.ok()) return Fail(s);
    std::printf("added user %s (%s, %s, %s)\n", user->username.c_str(), user->role.c_str(),
                user->department.c_str(), user->clearance.c_str());
    return kExitOk;
  }
  if (sub == "passwd") {
    std::string password = ReadPasswordLine();
    vault::Status s = ids.SetPassword(a.positional[1], password);
    std::fill(password.begin(), password.end(), '\0');
    if (int rc = Finish(**lv, "user.passwd", a.positional[1], s); rc != kExitOk) return rc;
    std::printf("password changed for %s; their sessions were ended\n", a.positional[1].c_str());
    return kExitOk;
  }
  if (sub == "set") {
    vault::UserChanges c;
    c.role = a.Get("--role");
    c.department = a.Get("--department");
    c.clearance = a.Get("--clearance");
    c.display_name = a.Get("--display-name");
    auto user = ids.UpdateUser(a.positional[1], c);
    if (int rc = Finish(**lv, "user.update", a.positional[1], user.status()); rc != kExitOk) return rc;
    if (!c.role.empty()) {
      if (vault::Status s = RecordHostGrant(**lv, *user); !s.ok()) return Fail(s);
    }
    std::printf("user %s is now %s, %s, %s\n", user->username.c_str(), user->role.c_str(),
                user->department.c_str(), user->clearance.c_str());
    return kExitOk;
  }
  if (sub == "disable" || sub == "enable") {
    vault::Status s = ids.SetDisabled(a.positional[1], sub == "disable");
    if (int rc = Finish(**lv, "user." + sub, a.positional[1], s); rc != kExitOk) return rc;
    std::printf("%sd user %s\n", sub.c_str(), a.positional[1].c_str());
    return kExitOk;
  }
  if (needs_customer) {
    vault::Status s = sub == "assign" ? ids.AssignCustomer(a.positional[1], a.positional[2])
                                      : ids.UnassignCustomer(a.positional[1], a.positional[2]);
    if (int rc = Finish(**lv, "user." + sub, a.positional[1] + ":" + a.positional[2], s); rc != kExitOk) {
      return rc;
    }
    std::printf("%sed customer %s %s %s\n", sub.c_str(), a.positional[2].c_str(),
                sub == "assign" ? "to" : "from", a.positional[1].c_str());
    return kExitOk;
  }
  if (sub == "list") {
    auto users = ids.ListUsers();
    if (!users.ok()) return Fail(users.status());
    return PrintListing(a.Has("--json"), *users, UserJson, [](const vault::User& u) {
      std::printf("%-16s %-14s %-12s %-14s %s%s\n", u.username.c_str(), u.role.c_str(),
                  u.clearance.c_str(), vault::EscapeControl(u.department).c_str(),
                  vault::EscapeControl(u.display_name).c_str(), u.disabled ? "  (disabled)" : "");
    });
  }
  return Usage("unknown user subcommand '" + sub + "'", kUserHelp);
}

}  // namespace vaultctl
