// vaultctl borrow: the loan lifecycle (借阅, docs/borrowing.md) for a named
// vault user, through the same vault::BorrowService as vaultd, wired by the
// same vault::Services (so no loan of a record being destroyed either). The
// service decides everything (who may approve which step, periods, states,
// what a return proves); this file parses, calls it, prints and audits.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "api/vaultctl/args.h"
#include "api/vaultctl/commands.h"
#include "api/vaultctl/borrow_command_internal.h"
#include "api/vaultctl/file_streams.h"
#include "api/common/json_output.h"
#include "vault/base/printable.h"
#include "api/common/parse.h"
#include "vault/borrow/borrow_register.h"
#include "vault/borrow/borrow_service.h"
#include "vault/services/services.h"

namespace vaultctl {

using api::BorrowJson;
using api::Stringify;
namespace borrow_internal {

// Appends what was done to the audit log. The actor is the operator
// (vaultctl:$USER), the detail names the vault user acted as; refusals are
// "denied" as in vaultd's events for the same actions.
Status RecordAs(vault::LocalVault& lv, const std::string& action, const std::string& object,
                const std::string& as_user, const Status& outcome, const std::string& detail) {
  vault::AuditRecord r;
  r.actor = Actor();
  r.role = "cli";
  r.action = action;
  r.object = object.substr(0, 64);
  r.outcome = outcome.ok() ? "ok"
              : outcome.code() == StatusCode::kPermissionDenied ||
                      outcome.code() == StatusCode::kUnauthenticated
                  ? "denied"
                  : "error";
  r.client = "cli";
  std::string what = outcome.ok() ? detail : outcome.reason();
  r.detail = as_user.empty() ? what : "as " + as_user + (what.empty() ? "" : ": " + what);
  return lv.audit().Append(r).status();
}

}  // namespace borrow_internal

using namespace borrow_internal;  // NOLINT(build/namespaces): this file's own internals

namespace {

const char kBorrowHelp[] =
    "usage: vaultctl borrow SUBCOMMAND [ARGS] [--policies DIR]\n"
    "  Loans (借阅) under the rules of policies/borrowing.json, acting as the\n"
    "  vault user named by --as (their role, department, clearance and\n"
    "  customers, exactly as vaultd sees them after a login).\n"
    "\n"
    "  request DOC [DOC...] --as USER --purpose TEXT [--period P7D] [--kind K]\n"
    "  approve ID --as USER [--note TEXT]\n"
    "  reject ID --as USER --reason TEXT\n"
    "  withdraw ID --as USER\n"
    "  issue ID --as USER [--pages N,N,...]\n"
    "  renew ID --as USER\n"
    "  recall ID --as USER [--within P1D]\n"
    "  revoke ID --as USER --reason TEXT\n"
    "  return ID --as USER (--file PATH | --pages N | --declare-destroyed) [--document DOC]\n"
    "  copy ID --as USER -o OUT.pdf [--document DOC]\n"
    "  show ID --as USER [--json]\n"
    "  list --as USER [--state S] [--pending] [--all] [--limit N] [--offset N] [--json]\n"
    "  register --as USER --format csv|pdf -o OUT\n"
    "  schedule [--json]\n"
    "  notifications --as USER [--after ID] [--json]\n"
    "  incidents --as USER [--json]\n"
    "\n"
    "  --policies DIR: DIR/roles.json (required), DIR/borrowing.json and\n"
    "  DIR/watermark.json (optional) as vaultd uses them (default: built-in).\n"
    "  Run `vaultctl borrow SUBCOMMAND --help` for one subcommand.\n";

Poco::JSON::Object::Ptr Obj() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

// Audits a transition and prints the loan (or the error).
int Transition(const Invocation& in, const std::string& object,
               const StatusOr<vault::Borrow>& result) {
  if (!result.ok()) return in.Finish(object, result.status());
  if (int rc = in.Finish(result->id, Status::Ok(), "now " + result->state); rc != kExitOk)
    return rc;
  if (in.json()) {
    std::printf("%s\n", Stringify(BorrowJson(*result, true)).c_str());
  } else {
    PrintLoanLine(*result);
  }
  return kExitOk;
}

// "12,3": page counts; false on anything that is not a comma-separated list
// of numbers.
bool ParsePageList(const std::string& text, std::vector<int64_t>* out) {
  size_t start = 0;
  for (;;) {
    size_t comma = text.find(',', start);
    int64_t n = 0;
    if (!api::ParseCount(text.substr(start, comma - start), &n)) return false;
    out->push_back(n);
    if (comma == std::string::npos) return true;
    start = comma + 1;
  }
}

int RunRequest(const Invocation& in) {
  vault::BorrowRequest req;
  req.documents = in.args->positional;
  req.purpose = in.args->Get("--purpose");
  req.period = in.args->Get("--period");
  req.kind = in.args->Get("--kind", "electronic");
  return Transition(in, "new", in.service().Request(in.who, req));
}

int RunIssue(const Invocation& in) {
  std::vector<int64_t> pages;
  if (in.args->values.count("--pages") && !ParsePageList(in.args->Get("--pages"), &pages)) {
    return Usage("--pages must be page counts separated by commas, e.g. 12,3", in.sub->help);
  }
  auto result = in.service().Issue(in.who, in.id(), pages);
  // Each electronic copy is an export, recorded as vaultd records it.
  Status recorded = Status::Ok();
  for (size_t k = 0; result.ok() && k < result->items.size(); ++k) {
    const vault::BorrowItem& i = result->items[k];
    if (i.export_id.empty()) continue;
    Status s = RecordAs(*in.lv, "document.export", i.archive_number, in.who.username, Status::Ok(),
                        "for loan " + result->id);
    if (recorded.ok()) recorded = s;
  }
  if (int rc = Transition(in, in.id(), result); rc != kExitOk) return rc;
  return recorded.ok() ? kExitOk : Fail(recorded);
}

int RunRecall(const Invocation& in) {
  vault::Seconds within{0};
  if (in.args->values.count("--within")) {
    auto parsed = vault::ParseIsoDuration(in.args->Get("--within"));
    if (!parsed.ok()) return Fail(parsed.status());
    within = *parsed;
  }
  return Transition(in, in.id(), in.service().Recall(in.who, in.id(), within));
}

int RunReturn(const Invocation& in) {
  const Args& a = *in.args;
  const int given = (a.values.count("--file") ? 1 : 0) + (a.values.count("--pages") ? 1 : 0) +
                    (a.Has("--declare-destroyed") ? 1 : 0);
  if (given != 1)
    return Usage("return needs exactly one of --file, --pages, --declare-destroyed", in.sub->help);
  vault::ReturnInput input;
  input.document = a.Get("--document");
  std::unique_ptr<FileSource> file;
  if (a.values.count("--file")) {
    auto opened = FileSource::Open(a.Get("--file"), "return");
    if (!opened.ok()) return Fail(opened.status());
    file = std::move(opened).value();
    input.kind = vault::ReturnInput::Kind::kFile;
    input.file = file.get();
  } else if (a.values.count("--pages")) {
    if (!api::ParseCount(a.Get("--pages"), &input.pages))
      return Usage("--pages must be a number", in.sub->help);
    input.kind = vault::ReturnInput::Kind::kPages;
  } else {
    input.kind = vault::ReturnInput::Kind::kDeclared;
  }
  return Transition(in, in.id(), in.service().Return(in.who, in.id(), input));
}

int RunCopy(const Invocation& in) {
  const std::string path = in.args->Get("--output");
  auto out = OutputFile::Create(path, OutputOptions{in.args->Has("--follow-symlinks")});
  if (!out.ok()) return Fail(out.status());
  auto item = WriteVerified(**out, [&](vault::ByteSink& sink) {
    return in.service().Copy(in.who, in.id(), in.args->Get("--document"), sink);
  });
  // Recorded before the file appears; unrecorded, it is discarded (as `get`).
  const std::string detail =
      item.ok() ? item->archive_number + " sha256 " + item->issued_sha256 : "";
  if (int rc = in.Finish(in.id(), item.status(), detail); rc != kExitOk) return rc;
  if (Status s = (*out)->Commit(); !s.ok()) return Fail(s);
  std::fprintf(path == "-" ? stderr : stdout, "%s sha256 %s export %s\n",
               item->archive_number.c_str(), item->issued_sha256.c_str(), item->export_id.c_str());
  return kExitOk;
}

int RunSchedule(const Invocation& in) {
  auto report = in.service().RunSchedule();
  std::string detail;
  if (report.ok()) {
    detail = std::to_string(report->overdue) + " overdue, " +
             std::to_string(report->notifications) + " notifications";
  }
  if (int rc = in.Finish("schedule", report.status(), detail); rc != kExitOk) return rc;
  if (in.json()) {
    auto o = Obj();
    o->set("on_loan", static_cast<Poco::Int64>(report->on_loan));
    o->set("overdue", static_cast<Poco::Int64>(report->overdue));
    o->set("suspended", static_cast<Poco::Int64>(report->suspended));
    o->set("escalated", static_cast<Poco::Int64>(report->escalated));
    o->set("notifications", static_cast<Poco::Int64>(report->notifications));
    std::printf("%s\n", Stringify(o).c_str());
  } else {
    std::printf(
        "on loan %lld, newly overdue %lld, suspended %lld, escalated %lld, notifications %lld\n",
        static_cast<long long>(report->on_loan), static_cast<long long>(report->overdue),
        static_cast<long long>(report->suspended), static_cast<long long>(report->escalated),
        static_cast<long long>(report->notifications));
  }
  return kExitOk;
}


int RunApprove(const Invocation& in) {
  return Transition(in, in.id(), in.service().Approve(in.who, in.id(), in.args->Get("--note")));
}
int RunReject(const Invocation& in) {
  return Transition(in, in.id(), in.service().Reject(in.who, in.id(), in.args->Get("--reason")));
}
int RunWithdraw(const Invocation& in) {
  return Transition(in, in.id(), in.service().Withdraw(in.who, in.id()));
}
int RunRenew(const Invocation& in) {
  return Transition(in, in.id(), in.service().Renew(in.who, in.id()));
}
int RunRevoke(const Invocation& in) {
  return Transition(in, in.id(), in.service().Revoke(in.who, in.id(), in.args->Get("--reason")));
}

constexpr size_t kMany = 1000;

const std::vector<Subcommand>& Subcommands() {
  static const std::vector<Subcommand> kSubcommands = {
      {"request",
       "borrow.request",
       "usage: vaultctl borrow request DOC [DOC...] --as USER --purpose TEXT [--period P7D]\n"
       "                               [--kind electronic|paper|reading_room] [--json]\n"
       "  Asks to borrow the documents (ids or archive numbers) and prints the loan\n"
       "  id and state. --period: ISO 8601, at most the rule's max_period (default:\n"
       "  the rule's default_period); --kind defaults to electronic.\n",
       {{"--as", "--purpose", "--period", "--kind"}, {"--json"}},
       {"--as", "--purpose"},
       1,
       kMany,
       RunRequest},
      {"approve",
       "borrow.approve",
       "usage: vaultctl borrow approve ID --as USER [--note TEXT] [--json]\n"
       "  Approves the step of the chain the loan waits for; USER must be the\n"
       "  approver that step names, and never the borrower.\n",
       {{"--as", "--note"}, {"--json"}},
       {"--as"},
       1,
       1,
       RunApprove},
      {"reject",
       "borrow.reject",
       "usage: vaultctl borrow reject ID --as USER --reason TEXT [--json]\n"
       "  Refuses a request (or a renewal, which leaves the loan as it was).\n",
       {{"--as", "--reason"}, {"--json"}},
       {"--as", "--reason"},
       1,
       1,
       RunReject},
      {"withdraw",
       "borrow.withdraw",
       "usage: vaultctl borrow withdraw ID --as USER [--json]\n"
       "  The borrower takes back a request not yet issued, or a renewal request.\n",
       {{"--as"}, {"--json"}},
       {"--as"},
       1,
       1,
       RunWithdraw},
      {"issue",
       "borrow.issue",
       "usage: vaultctl borrow issue ID --as USER [--pages N,N,...] [--json]\n"
       "  Hands an approved loan out. Electronic loans get a stamped copy per\n"
       "  document (an export bound to the loan); paper and reading-room loans\n"
       "  need the page count of each document handed over, in item order.\n",
       {{"--as", "--pages"}, {"--json"}},
       {"--as"},
       1,
       1,
       RunIssue},
      {"renew",
       "borrow.renew",
       "usage: vaultctl borrow renew ID --as USER [--json]\n"
       "  The borrower asks for a renewal (approved like the loan, if the rule has\n"
       "  an approval chain).\n",
       {{"--as"}, {"--json"}},
       {"--as"},
       1,
       1,
       RunRenew},
      {"recall",
       "borrow.recall",
       "usage: vaultctl borrow recall ID --as USER [--within P1D] [--json]\n"
       "  Brings the due time forward to now + --within (default: the policy's\n"
       "  recall_period), never later than it was.\n",
       {{"--as", "--within"}, {"--json"}},
       {"--as"},
       1,
       1,
       RunRecall},
      {"revoke",
       "borrow.revoke",
       "usage: vaultctl borrow revoke ID --as USER --reason TEXT [--json]\n"
       "  Ends an open loan at once.\n",
       {{"--as", "--reason"}, {"--json"}},
       {"--as", "--reason"},
       1,
       1,
       RunRevoke},
      {"return",
       "borrow.return",
       "usage: vaultctl borrow return ID --as USER (--file PATH | --pages N | "
       "--declare-destroyed)\n"
       "                              [--document DOC] [--json]\n"
       "  Records what came back: the electronic copy (its SHA-256 is compared\n"
       "  with the issued copy's; a difference is kept as evidence and listed\n"
       "  under incidents), a page count, or a declaration that the copy was\n"
       "  destroyed. --document names the item when the loan has several.\n",
       {{"--as", "--file", "--pages", "--document"}, {"--declare-destroyed", "--json"}},
       {"--as"},
       1,
       1,
       RunReturn},
      {"copy",
       "borrow.copy",
       "usage: vaultctl borrow copy ID --as USER -o OUT.pdf [--document DOC]\n"
       "                              [--follow-symlinks]\n"
       "  Writes the borrower's issued copy, the same bytes every time, while the\n"
       "  loan runs and is not past due. OUT appears only when complete; a device\n"
       "  or FIFO is written in place after the copy authenticated, a symbolic\n"
       "  link is refused unless --follow-symlinks is given.\n",
       {{"--as", "--output", "--document"}, {"--follow-symlinks"}},
       {"--as", "--output"},
       1,
       1,
       RunCopy},
      {"show",
       "borrow.read",
       "usage: vaultctl borrow show ID --as USER [--json]\n"
       "  A loan with its items and history, if USER may see it.\n",
       {{"--as"}, {"--json"}},
       {"--as"},
       1,
       1,
       RunShow},
      {"list",
       "borrow.list",
       "usage: vaultctl borrow list --as USER [--state S] [--pending] [--all] [--limit N]\n"
       "                            [--offset N] [--json]\n"
       "  USER's own loans; --pending: requests waiting for USER's approval;\n"
       "  --all: everyone's (archive admins, auditors).\n",
       {{"--as", "--state", "--limit", "--offset"}, {"--pending", "--all", "--json"}},
       {"--as"},
       0,
       0,
       RunList},
      {"register",
       "borrow.register",
       "usage: vaultctl borrow register --as USER --format csv|pdf -o OUT [--follow-symlinks]\n"
       "  The borrow register (借阅登记) with its Chinese columns, as CSV (UTF-8\n"
       "  with a byte-order mark) or as a landscape A4 PDF. A symbolic link at OUT\n"
       "  is refused unless --follow-symlinks is given.\n",
       {{"--as", "--format", "--output"}, {"--follow-symlinks"}},
       {"--as", "--format", "--output"},
       0,
       0,
       RunRegister},
      {"schedule",
       "borrow.schedule",
       "usage: vaultctl borrow schedule [--json]\n"
       "  One scheduler pass, as vaultd runs periodically: overdue transitions,\n"
       "  suspensions, escalations and reminders. A second pass at the same time\n"
       "  changes nothing.\n",
       {{}, {"--json"}},
       {},
       0,
       0,
       RunSchedule},
      {"notifications",
       "notification.list",
       "usage: vaultctl borrow notifications --as USER [--after ID] [--json]\n"
       "  USER's notification outbox (approvals needed, reminders, overdue, ...),\n"
       "  oldest first, at most 500 at a time: --after the last id shown for more.\n",
       {{"--as", "--after"}, {"--json"}},
       {"--as"},
       0,
       0,
       RunNotifications},
      {"incidents",
       "incident.list",
       "usage: vaultctl borrow incidents --as USER [--json]\n"
       "  Altered returns and page-count mismatches (archive admins, auditors).\n",
       {{"--as"}, {"--json"}},
       {"--as"},
       0,
       0,
       RunIncidents},
  };
  return kSubcommands;
}

const Subcommand* FindSubcommand(const std::string& name) {
  for (const Subcommand& s : Subcommands()) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

// The required options missing from `a`, e.g. "--as, -o"; empty when all
// are there.
std::string MissingOptions(const Subcommand& sub, const Args& a) {
  std::string missing;
  for (const std::string& opt : sub.required) {
    if (a.Get(opt).empty()) {
      missing += (missing.empty() ? "" : ", ") + (opt == "--output" ? std::string("-o") : opt);
    }
  }
  return missing;
}

}  // namespace

int CmdBorrow(const GlobalOptions& g, const std::vector<std::string>& argv) {
  if (argv.empty()) return Usage("borrow needs a subcommand", kBorrowHelp);
  if (argv[0] == "--help" || argv[0] == "-h") {
    std::fputs(kBorrowHelp, stdout);
    return kExitOk;
  }
  const Subcommand* sub = FindSubcommand(argv[0]);
  if (!sub) return Usage("unknown borrow subcommand '" + argv[0] + "'", kBorrowHelp);
  ArgSpec spec = sub->spec;
  spec.value_options.insert("--policies");
  auto parsed = ParseArgs(std::vector<std::string>(argv.begin() + 1, argv.end()), spec);
  if (!parsed.ok()) return Usage(parsed.status().message(), sub->help);
  const Args& a = *parsed;
  if (a.Has("--help")) {
    std::fputs(sub->help, stdout);
    return kExitOk;
  }
  if (a.positional.size() < sub->min_positional || a.positional.size() > sub->max_positional) {
    return Usage(std::string("wrong number of arguments for borrow ") + sub->name, sub->help);
  }
  if (std::string missing = MissingOptions(*sub, a); !missing.empty()) {
    return Usage(std::string("borrow ") + sub->name + " needs " + missing, sub->help);
  }
  auto services = OpenServices(g, a.Get("--policies"));
  if (!services.ok()) return Fail(services.status());
  vault::LocalVault& lv = (*services)->vault();
  Invocation in{sub, &a, &lv, services->get(), vault::Subject{}, (*services)->clock()};
  if (const std::string as = a.Get("--as"); !as.empty()) {
    // The subject vaultd would build from this user's login; a disabled
    // account is refused as vaultd refuses its sessions.
    auto user = lv.identity().GetUser(as);
    if (!user.ok()) return Fail(user.status());
    if (user->disabled) {
      Status s(StatusCode::kPermissionDenied, "auth.disabled", as + " is disabled");
      (void)RecordAs(lv, sub->action, a.positional.empty() ? sub->name : a.positional[0], as, s, "");
      return Fail(s);
    }
    in.who = vault::SubjectOf(*user);
  }
  return sub->run(in);
}

}  // namespace vaultctl