// BorrowService: reading loans, notifications, incidents and the register,
// and the checks other parts ask of loans (content access, export under a loan).
#include "vault/borrow/borrow_service.h"

#include <algorithm>
#include <map>

#include "vault/borrow/internal/loan_helpers.h"

namespace vault {

namespace bs = borrow_state;
using borrow_internal::Denied;
using borrow_internal::PastDue;

StatusOr<Borrow> BorrowService::Get(const Subject& who, const std::string& id) {
  VAULT_ASSIGN_OR_RETURN(Borrow b, d_.store->Get(id));
  if (b.borrower == who.username || Can(who, "borrow.read") || Can(who, "borrow.manage")) return b;
  for (const auto& step : b.chain) {
    if (MayApproveStep(who, b, step)) return b;
  }
  return NotFoundError("borrow.not_found", "no such loan");
}

StatusOr<std::vector<Borrow>> BorrowService::List(const Subject& who, const BorrowListQuery& q) {
  BorrowFilter f;
  f.limit = std::clamp<int64_t>(q.limit, 1, 1000);
  f.offset = std::max<int64_t>(0, q.offset);
  if (!q.state.empty()) f.states = {q.state};
  if (q.due_within.count() > 0) {
    if (f.states.empty()) f.states = {bs::kIssued, bs::kRenewalRequested, bs::kOverdue};
    f.due_before = FormatUtc(d_.clock->Now() + q.due_within);
  }
  f.suspended = q.suspended;
  if (q.pending) {
    // The approvals inbox is for approvers: anyone else is refused, not
    // shown an inbox that can never fill.
    if (!Can(who, "borrow.approve")) return Denied("access.denied", "your role approves no loans");
    // Waiting for the caller: requested or renewal_requested, at a step the
    // caller may approve.
    f.states = {bs::kRequested, bs::kRenewalRequested};
    f.limit = 1000;
    f.offset = 0;
    VAULT_ASSIGN_OR_RETURN(std::vector<Borrow> all, d_.store->List(f));
    std::vector<Borrow> mine;
    for (auto& b : all) {
      if (b.step < static_cast<int>(b.chain.size()) &&
          MayApproveStep(who, b, b.chain[static_cast<size_t>(b.step)])) {
        mine.push_back(std::move(b));
      }
    }
    return mine;
  }
  if (q.all) {
    if (!Can(who, "borrow.read") && !Can(who, "borrow.manage")) {
      return Denied("access.denied", "your role may not list everyone's loans");
    }
  } else {
    f.borrower = who.username;
  }
  return d_.store->List(f);
}

StatusOr<std::vector<Notification>> BorrowService::Notifications(const Subject& who, int64_t after_id,
                                                                 int64_t limit) {
  return d_.store->Notifications(who.username, after_id, std::clamp<int64_t>(limit, 1, 500));
}

StatusOr<std::vector<BorrowIncident>> BorrowService::Incidents(const Subject& who) {
  if (!Can(who, "borrow.read") && !Can(who, "borrow.manage")) {
    return Denied("access.denied", "only archive admins and auditors see incidents");
  }
  return d_.store->Incidents();
}

StatusOr<std::vector<RegisterRow>> BorrowService::Register(const Subject& who) {
  if (!Can(who, "borrow.read") && !Can(who, "borrow.manage")) {
    return Denied("access.denied", "only archive admins and auditors read the register");
  }
  static const std::map<std::string, std::string> kClassLabels = {
      {"public", "公开"}, {"internal", "内部"}, {"confidential", "机密"}};
  std::map<std::string, std::string> names;
  if (auto users = d_.identity->ListUsers(); users.ok()) {
    for (const User& u : *users) names[u.username] = u.display_name;
  }
  std::vector<RegisterRow> rows;
  BorrowFilter f;
  f.limit = 1000;
  for (;;) {
    VAULT_ASSIGN_OR_RETURN(std::vector<Borrow> page, d_.store->List(f));
    for (const Borrow& listed : page) {
      VAULT_ASSIGN_OR_RETURN(Borrow b, d_.store->Get(listed.id));  // with its events (approvers)
      std::string approvers;
      for (const auto& e : b.events) {
        if (e.action == "approve" && e.round == 0) approvers += (approvers.empty() ? "" : "、") + e.actor;
      }
      for (const auto& i : b.items) {
        RegisterRow r;
        const std::string& display = names[b.borrower];
        r.borrower = display.empty() || display == b.borrower ? b.borrower : display + " (" + b.borrower + ")";
        r.department = b.borrower_department;
        r.title = i.title;
        r.archive_number = i.archive_number;
        auto label = kClassLabels.find(i.classification);
        r.classification = label == kClassLabels.end() ? i.classification : label->second;
        r.purpose = b.purpose;
        r.approvers = approvers;
        r.borrowed_at = b.issued_at;
        r.due_at = b.due_at;
        r.returned_at = i.returned_at;
        r.state = StateLabel(b.state);
        r.note = b.note;
        r.borrow_id = b.id;
        r.borrower_id = b.borrower;
        r.state_code = b.state;
        r.classification_code = i.classification;
        r.result = i.result;
        if (i.result == "altered") r.note += (r.note.empty() ? "" : "；") + std::string("归还核验不一致");
        rows.push_back(std::move(r));
      }
    }
    if (static_cast<int64_t>(page.size()) < f.limit) break;
    f.offset += f.limit;
  }
  return rows;
}

Status BorrowService::CheckContentAccess(const std::string& username, const std::string& document_id) {
  VAULT_ASSIGN_OR_RETURN(auto loans, d_.store->LoansOf(username, document_id));
  const TimePoint now = d_.clock->Now();
  for (const auto& [state, due_at] : loans) {
    if (state == bs::kOverdue || !PastDue(due_at, now).empty()) {
      return Denied("borrow.overdue", "your loan of this document was due at " + due_at +
                                          "; return it to regain access");
    }
  }
  return Status::Ok();
}

StatusOr<uint32_t> BorrowService::CheckExportUnder(const std::string& username, const std::string& id,
                                                   const std::string& document_id) {
  auto b = d_.store->Get(id);
  if (!b.ok() || b->borrower != username) return NotFoundError("borrow.not_found", "no such loan");
  const BorrowItem* lent = nullptr;
  for (const auto& i : b->items) {
    if (i.document_id == document_id && i.result.empty()) lent = &i;
  }
  if (!lent) return NotFoundError("borrow.document_not_on_loan", "the document is not part of this loan");
  if (IsClosed(b->state)) return Denied("borrow.closed", "the loan has ended");
  if (!IsOnLoan(b->state)) return FailedPreconditionError("borrow.not_issued", "the loan has not been issued yet");
  if (b->state == bs::kOverdue || !PastDue(b->due_at, d_.clock->Now()).empty()) {
    return Denied("borrow.overdue", "the loan was due at " + b->due_at + "; return it to regain access");
  }
  if (b->kind != "electronic") {
    return FailedPreconditionError("borrow.not_electronic", "a " + b->kind + " loan has no electronic copy");
  }
  if (auto user = d_.identity->GetUser(username); user.ok()) {
    VAULT_RETURN_IF_ERROR(
        StillAllowed(Subject{user->username, user->role, user->department, user->clearance, user->customers, false},
                     document_id));
  }
  return lent->version;
}

}  // namespace vault
