// vaultctl dept: register and list departments.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <string>

#include "api/vaultctl/args.h"
#include "api/vaultctl/commands.h"
#include "api/common/json_output.h"
#include "vault/base/printable.h"
#include "vault/identity/identity_store.h"

namespace vaultctl {

using api::DepartmentJson;
using api::Stringify;
namespace {

const char kDeptHelp[] =
    "usage: vaultctl dept add NAME [--display-name \"华南销售部（深圳）\"]\n"
    "       vaultctl dept list [--json]\n"
    "  A user's department is also registered when the first user joins it.\n";

}  // namespace

int CmdDept(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv, {{"--display-name"}, {"--json"}}, kDeptHelp, a); rc >= 0)
    return rc;
  const std::string sub = a.positional.empty() ? "" : a.positional[0];
  if (!((sub == "add" && a.positional.size() == 2) || (sub == "list" && a.positional.size() == 1)))
    return Usage("dept add NAME | dept list", kDeptHelp);
  auto lv = vault::LocalVault::Open(g.config);
  if (!lv.ok()) return Fail(lv.status());
  vault::IdentityStore& ids = (*lv)->identity();
  if (sub == "add") {
    auto d = ids.AddDepartment(a.positional[1], a.Get("--display-name"));
    if (int rc = Finish(**lv, "department.add", a.positional[1], d.status()); rc != kExitOk) return rc;
    std::printf("added department %s (%s)\n", d->name.c_str(), d->display_name.c_str());
    return kExitOk;
  }
  auto depts = ids.ListDepartments();
  if (!depts.ok()) return Fail(depts.status());
  return PrintListing(a.Has("--json"), *depts, DepartmentJson, [](const vault::Department& d) {
    std::printf("%-20s %4lld users  %s\n", vault::EscapeControl(d.name).c_str(),
                static_cast<long long>(d.users), vault::EscapeControl(d.display_name).c_str());
  });
}

}  // namespace vaultctl
