// vaultctl borrow: what borrow_command.cc and borrow_views.cc share (the subcommand table entry, the invocation, auditing, the subcommands in borrow_views.cc).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "api/vaultctl/args.h"
#include "api/vaultctl/commands.h"
#include "vault/borrow/borrow_service.h"
#include "vault/services/services.h"

namespace vaultctl {
namespace borrow_internal {

using vault::Status;
using vault::StatusCode;
using vault::StatusOr;


struct Invocation;

// One subcommand: its help, the options it takes beyond --policies (and
// those it cannot do without), the audit action it is recorded under, the
// positional arguments it wants and what runs it.
struct Subcommand {
  const char* name;
  const char* action;
  const char* help;
  ArgSpec spec;
  std::vector<std::string> required;
  size_t min_positional;
  size_t max_positional;
  int (*run)(const Invocation&);
};


// Appends what was done to the audit log (borrow_command.cc).
Status RecordAs(vault::LocalVault& lv, const std::string& action, const std::string& object,
                const std::string& as_user, const Status& outcome, const std::string& detail);

// What every subcommand works with.
struct Invocation {
  const Subcommand* sub;
  const Args* args;
  vault::LocalVault* lv;
  vault::Services* services;  // wired as vaultd's (vault::Services)
  vault::Subject who;         // empty username for `schedule`
  const vault::Clock* clock;

  vault::BorrowService& service() const { return services->borrows(); }
  const std::string& id() const { return args->positional[0]; }
  bool json() const { return args->Has("--json"); }

  // Records the outcome; an exit code (the outcome's error first, then a
  // failure to record).
  int Finish(const std::string& object, const Status& outcome,
             const std::string& detail = "") const {
    Status recorded = RecordAs(*lv, sub->action, object, who.username, outcome, detail);
    if (!outcome.ok()) return Fail(outcome);
    if (!recorded.ok()) return Fail(recorded);
    return kExitOk;
  }
};

// In borrow_views.cc: the loan in one line, and the read-only subcommands.
void PrintLoanLine(const vault::Borrow& b);
int RunShow(const Invocation& in);
int RunList(const Invocation& in);
int RunRegister(const Invocation& in);
int RunNotifications(const Invocation& in);
int RunIncidents(const Invocation& in);

}  // namespace borrow_internal
}  // namespace vaultctl
