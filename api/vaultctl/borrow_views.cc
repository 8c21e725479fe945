// vaultctl borrow: the subcommands that show loans (show, list, register, notifications, incidents) and the loan printers.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <string>
#include <vector>

#include "api/vaultctl/borrow_command_internal.h"
#include "api/vaultctl/file_streams.h"
#include "api/common/json_output.h"
#include "vault/base/printable.h"
#include "api/common/parse.h"
#include "vault/borrow/borrow_register.h"

namespace vaultctl {

using api::BorrowJson;
using api::IncidentJson;
using api::NotificationJson;
using api::Stringify;

namespace borrow_internal {
namespace {

// The approval step a pending loan waits for; empty otherwise.
std::string WaitingFor(const vault::Borrow& b) {
  const bool pending = b.state == vault::borrow_state::kRequested ||
                       b.state == vault::borrow_state::kRenewalRequested;
  return pending && b.step < static_cast<int>(b.chain.size()) ? b.chain[static_cast<size_t>(b.step)]
                                                              : "";
}

}  // namespace

// "ID STATE", then what comes next: the approver waited for, or the due time.
void PrintLoanLine(const vault::Borrow& b) {
  std::string line = b.id + " " + b.state;
  if (std::string step = WaitingFor(b); !step.empty()) line += " (waiting for " + step + ")";
  if (vault::IsOnLoan(b.state) && !b.due_at.empty()) line += " (due " + b.due_at + ")";
  std::printf("%s\n", line.c_str());
}

namespace {

void PrintLoan(const vault::Borrow& b) {
  auto row = [](const char* name, const std::string& value) {
    if (!value.empty()) std::printf("%-14s %s\n", name, vault::EscapeControl(value).c_str());
  };
  row("id:", b.id);
  row("state:", b.state + " (" + vault::StateLabel(b.state) + ")" +
                    (b.suspended ? ", borrower suspended" : ""));
  row("borrower:", b.borrower + " (" + b.borrower_department + ")");
  row("kind:", b.kind + ", " + vault::FormatIsoDuration(b.period) + ", rule " + b.rule);
  row("purpose:", b.purpose);
  std::string chain;
  for (const auto& s : b.chain) chain += (chain.empty() ? "" : " -> ") + s;
  row("approvals:", chain.empty() ? "none needed" : chain);
  row("waiting for:", WaitingFor(b));
  row("requested:", b.requested_at);
  row("approved:", b.approved_at);
  row("issued:", b.issued_at);
  row("due:", b.due_at);
  row("closed:", b.closed_at);
  row("renewals:", std::to_string(b.renewals));
  row("note:", b.note);
  std::printf("items:\n");
  for (const auto& i : b.items) {
    std::printf("  %-24s v%-3u %s  %s\n", i.archive_number.c_str(), i.version,
                i.classification.c_str(), vault::EscapeControl(i.title).c_str());
    if (!i.issued_sha256.empty()) std::printf("      issued sha256 %s\n", i.issued_sha256.c_str());
    if (i.issued_pages > 0)
      std::printf("      issued %lld pages\n", static_cast<long long>(i.issued_pages));
    if (!i.result.empty()) {
      std::printf("      returned %s: %s%s\n", i.returned_at.c_str(), i.result.c_str(),
                  i.returned_sha256.empty() ? "" : (" (sha256 " + i.returned_sha256 + ")").c_str());
    }
  }
  std::printf("history:\n");
  for (const auto& e : b.events) {
    std::printf("  %s  %-12s %-9s %s -> %s  %s\n", e.at.c_str(), vault::EscapeControl(e.actor).c_str(),
                e.action.c_str(), e.from_state.empty() ? "-" : e.from_state.c_str(), e.to_state.c_str(),
                vault::EscapeControl(e.detail).c_str());
  }
}

bool KnownState(const std::string& s) {
  namespace bs = vault::borrow_state;
  for (const char* k : {bs::kRequested, bs::kApproved, bs::kRejected, bs::kWithdrawn, bs::kIssued,
                        bs::kOverdue, bs::kRenewalRequested, bs::kReturnedVerified,
                        bs::kReturnedAltered, bs::kReturnedDeclared, bs::kRevoked}) {
    if (s == k) return true;
  }
  return false;
}

}  // namespace

int RunShow(const Invocation& in) {
  auto b = in.service().Get(in.who, in.id());
  if (int rc = in.Finish(in.id(), b.status()); rc != kExitOk) return rc;
  if (in.json()) {
    std::printf("%s\n", Stringify(BorrowJson(*b, true)).c_str());
  } else {
    PrintLoan(*b);
  }
  return kExitOk;
}

int RunList(const Invocation& in) {
  const Args& a = *in.args;
  vault::BorrowListQuery q;
  q.state = a.Get("--state");
  q.pending = a.Has("--pending");
  q.all = a.Has("--all");
  if (!q.state.empty() && !KnownState(q.state))
    return Usage("unknown --state " + q.state, in.sub->help);
  if (!api::ParseCount(a.Get("--limit", "100"), &q.limit) ||
      !api::ParseCount(a.Get("--offset", "0"), &q.offset)) {
    return Usage("--limit and --offset must be non-negative numbers", in.sub->help);
  }
  auto loans = in.service().List(in.who, q);
  const std::string detail = loans.ok() ? std::to_string(loans->size()) + " loans" : "";
  if (int rc = in.Finish("borrows", loans.status(), detail); rc != kExitOk) return rc;
  if (in.json()) {
    PrintItems(api::ItemsJson(*loans, [](const vault::Borrow& b) { return BorrowJson(b, false); }));
    return kExitOk;
  }
  for (const auto& b : *loans) {
    std::string documents;
    for (const auto& i : b.items) documents += (documents.empty() ? "" : ",") + i.archive_number;
    std::printf("%s  %-17s %-12s %-12s due %-20s %s\n", b.id.c_str(), b.state.c_str(),
                b.borrower.c_str(), b.kind.c_str(), b.due_at.empty() ? "-" : b.due_at.c_str(),
                documents.c_str());
  }
  std::printf("(%zu loans)\n", loans->size());
  return kExitOk;
}

int RunRegister(const Invocation& in) {
  const std::string format = in.args->Get("--format");
  if (format != "csv" && format != "pdf") return Usage("--format must be csv or pdf", in.sub->help);
  auto rows = in.service().Register(in.who);
  if (!rows.ok()) return in.Finish("register", rows.status());
  std::string content;
  if (format == "csv") {
    content = vault::RegisterCsv(*rows);
  } else {
    auto pdf = vault::RegisterPdf(*rows, "借阅登记簿", vault::FormatUtc(in.clock->Now()),
                                  in.services->policies().watermark().font_file());
    if (!pdf.ok()) return in.Finish("register", pdf.status());
    content = std::move(pdf).value();
  }
  auto out = OutputFile::Create(in.args->Get("--output"), OutputOptions{in.args->Has("--follow-symlinks")});
  if (!out.ok()) return Fail(out.status());
  Status s = (*out)->Write(reinterpret_cast<const uint8_t*>(content.data()), content.size());
  if (!s.ok()) return Fail(s);
  if (int rc = in.Finish("register", Status::Ok(),
                         format + ", " + std::to_string(rows->size()) + " rows");
      rc != kExitOk) {
    return rc;
  }
  if (s = (*out)->Commit(); !s.ok()) return Fail(s);
  if (in.args->Get("--output") != "-") {
    std::printf("wrote the register (%zu rows, %s) to %s\n", rows->size(), format.c_str(),
                in.args->Get("--output").c_str());
  }
  return kExitOk;
}

int RunNotifications(const Invocation& in) {
  int64_t after = 0;
  if (!api::ParseCount(in.args->Get("--after", "0"), &after)) {
    return Usage("--after must be a notification id", in.sub->help);
  }
  auto notes = in.service().Notifications(in.who, after, 500);
  if (int rc = in.Finish("notifications", notes.status()); rc != kExitOk) return rc;
  return PrintListing(in.json(), *notes, NotificationJson, [](const vault::Notification& n) {
    std::printf("%-5lld %s  %-15s %s  %s\n", static_cast<long long>(n.id), n.created_at.c_str(),
                n.kind.c_str(), n.borrow_id.c_str(), vault::EscapeControl(n.message).c_str());
  });
}

int RunIncidents(const Invocation& in) {
  auto incidents = in.service().Incidents(in.who);
  if (int rc = in.Finish("incidents", incidents.status()); rc != kExitOk) return rc;
  return PrintListing(in.json(), *incidents, IncidentJson, [](const vault::BorrowIncident& i) {
    std::printf("%-5lld %s  %-19s %s  %s  %s\n", static_cast<long long>(i.id), i.at.c_str(),
                i.kind.c_str(), i.borrow_id.c_str(), i.document_id.c_str(),
                vault::EscapeControl(i.detail).c_str());
  });
}

}  // namespace borrow_internal
}  // namespace vaultctl
