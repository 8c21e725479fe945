#include "vault/borrow/borrow_service.h"

#include <sodium.h>

#include <algorithm>
#include <set>

#include "vault/borrow/internal/loan_helpers.h"

namespace vault {
namespace {

std::string NewBorrowId() {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  uint8_t rnd[12];
  randombytes_buf(rnd, sizeof rnd);
  std::string id = "JY";
  for (uint8_t r : rnd) id += kAlphabet[r & 31];
  return id;
}

}  // namespace

namespace bs = borrow_state;
using borrow_internal::AddEvent;
using borrow_internal::BadState;
using borrow_internal::Denied;
using borrow_internal::PastDue;
using borrow_internal::TextOk;

Status BorrowService::StillAllowed(const Subject& who, const std::string& document_id) {
  // The loan lends what the borrower was allowed to ask for: if their role
  // or clearance changed since, the copy is no longer theirs to read.
  VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, d_.vault->Get(document_id));
  const Resource res{doc.meta.department, doc.meta.classification, doc.meta.customer_number};
  if (!d_.roles->Decide(who, "borrow.request", res, d_.clock->Now()).allowed) {
    return Denied("borrow.no_longer_allowed", "your role or clearance no longer covers this document");
  }
  return Status::Ok();
}

bool BorrowService::Can(const Subject& who, const char* action) const {
  return d_.roles->RoleMayEver(who.role, action);
}

const LoanRule* BorrowService::RuleNamed(const std::string& name) const {
  for (const auto& r : d_.policy->rules()) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

bool BorrowService::MayApproveStep(const Subject& who, const Borrow& b, const std::string& step) const {
  if (who.username == b.borrower || !Can(who, "borrow.approve")) return false;
  if (step == "dept_manager" ? who.role != "dept_manager" : who.role != step) return false;
  // An approver sees what they approve: each record as it is now (one
  // reclassified since the request needs an approver cleared for its new
  // level), decided like seeing it. The manager's step belongs to the
  // department that owns the records, not to the borrower's.
  const TimePoint now = d_.clock->Now();
  for (const BorrowItem& item : b.items) {
    auto doc = d_.vault->Get(item.document_id);
    if (!doc.ok()) return false;
    if (step == "dept_manager" && who.department != doc->meta.department) return false;
    const Resource res{doc->meta.department, doc->meta.classification, doc->meta.customer_number};
    if (!d_.roles->Decide(who, "borrow.approve", res, now).allowed) return false;
  }
  return true;
}

void BorrowService::Notify(const std::string& recipient, const Borrow& b, const std::string& kind,
                           const std::string& key, const std::string& message) {
  Notification n;
  n.recipient = recipient;
  n.borrow_id = b.id;
  n.kind = kind;
  n.dedupe_key = b.id + ":" + key;
  n.created_at = FormatUtc(d_.clock->Now());
  n.message = message;
  // The outbox is best effort for user actions: the loan's own state is
  // already committed and is what counts.
  (void)d_.store->AddNotifications({n});
}

void BorrowService::NotifyApprovers(const Borrow& b) {
  if (b.step >= static_cast<int>(b.chain.size())) return;
  auto users = d_.identity->ListUsers();
  if (!users.ok()) return;
  const std::string step = b.chain[static_cast<size_t>(b.step)];
  for (const User& u : *users) {
    if (u.disabled) continue;
    Subject s{u.username, u.role, u.department, u.clearance, u.customers, false};
    if (!MayApproveStep(s, b, step)) continue;
    Notify(u.username, b, "approval_needed",
           "approve:" + std::to_string(b.round) + ":" + std::to_string(b.step) + ":" + u.username,
           "借阅申请 " + b.id + " 待您审批（" + b.borrower + "）");
  }
}

StatusOr<Borrow> BorrowService::Request(const Subject& who, const BorrowRequest& req) {
  if (!Can(who, "borrow.request")) return Denied("access.denied", "your role may not borrow records");
  VAULT_ASSIGN_OR_RETURN(bool suspended, d_.store->Suspended(who.username));
  if (suspended) {
    return Denied("borrow.suspended", "an overdue loan suspends new loans; return it first");
  }
  if (req.documents.empty()) return InvalidArgumentError("borrow.no_documents", "name at least one document");
  if (static_cast<int>(req.documents.size()) > d_.policy->max_documents()) {
    return InvalidArgumentError("borrow.too_many_documents",
                                "at most " + std::to_string(d_.policy->max_documents()) + " documents per request");
  }
  if (!TextOk(req.purpose, 500)) {
    return InvalidArgumentError("borrow.bad_purpose", "purpose is required, UTF-8, at most 500 characters");
  }
  if (req.kind != "electronic" && req.kind != "paper" && req.kind != "reading_room") {
    return InvalidArgumentError("borrow.bad_kind", "kind must be electronic, paper or reading_room");
  }
  const TimePoint now = d_.clock->Now();
  Borrow b;
  b.id = NewBorrowId();
  b.borrower = who.username;
  b.borrower_department = who.department;
  b.purpose = req.purpose;
  b.kind = req.kind;
  b.requested_at = FormatUtc(now);
  const LoanRule* rule = nullptr;
  std::set<std::string> seen;
  for (const std::string& ref : req.documents) {
    auto doc = d_.vault->Get(ref);
    if (!doc.ok()) return doc.status();
    const Resource res{doc->meta.department, doc->meta.classification, doc->meta.customer_number};
    if (!d_.roles->Decide(who, "borrow.request", res, now).allowed) {
      // A record one may not see is not there.
      return NotFoundError("document.not_found", "no such document");
    }
    if (!seen.insert(doc->id).second) {
      return InvalidArgumentError("borrow.duplicate_document", "a document is named twice");
    }
    if (d_.document_usable) VAULT_RETURN_IF_ERROR(d_.document_usable(doc->id));
    const LoanRule& r = d_.policy->RuleFor(doc->meta.classification, doc->meta.doc_type, doc->meta.department);
    if (rule && rule->name != r.name) {
      return InvalidArgumentError("borrow.mixed_rules", "these documents fall under different loan rules (" +
                                                            rule->name + ", " + r.name + "); request them separately");
    }
    rule = &r;
    BorrowFilter open;
    open.borrower = who.username;
    open.document_id = doc->id;
    open.states = {bs::kRequested, bs::kApproved, bs::kIssued, bs::kOverdue, bs::kRenewalRequested};
    VAULT_ASSIGN_OR_RETURN(int64_t already, d_.store->Count(open));
    if (already > 0) {
      return AlreadyExistsError("borrow.already_open", "you already have an open loan of " + doc->archive_number);
    }
    BorrowItem item;
    item.position = static_cast<int>(b.items.size());
    item.document_id = doc->id;
    item.archive_number = doc->archive_number;
    item.title = doc->meta.title;
    item.classification = doc->meta.classification;
    item.doc_type = doc->meta.doc_type;
    item.department = doc->meta.department;
    item.version = doc->current_version;
    b.items.push_back(std::move(item));
  }
  // The manager's step belongs to the department owning the records: one
  // request cannot wait for two departments (only vault-wide roles can see
  // records of several departments at all).
  if (std::find(rule->approval_chain.begin(), rule->approval_chain.end(), "dept_manager") !=
      rule->approval_chain.end()) {
    for (const BorrowItem& item : b.items) {
      if (item.department != b.items.front().department) {
        return InvalidArgumentError("borrow.mixed_departments",
                                    "these documents belong to different departments, whose managers approve "
                                    "separately; request them separately");
      }
    }
  }
  if (std::find(rule->kinds.begin(), rule->kinds.end(), req.kind) == rule->kinds.end()) {
    return InvalidArgumentError("borrow.kind_not_allowed", "rule " + rule->name + " does not allow " + req.kind +
                                                               " loans");
  }
  Seconds period = rule->default_period;
  if (!req.period.empty()) {
    VAULT_ASSIGN_OR_RETURN(period, ParseIsoDuration(req.period));
    if (period.count() <= 0) return InvalidArgumentError("borrow.bad_duration", "the period must be positive");
    if (period > rule->max_period) {
      return InvalidArgumentError("borrow.period_too_long", "rule " + rule->name + " allows at most " +
                                                                FormatIsoDuration(rule->max_period));
    }
  }
  b.period = period;
  b.rule = rule->name;
  b.chain = rule->approval_chain;
  b.state = b.chain.empty() ? bs::kApproved : bs::kRequested;
  if (b.chain.empty()) b.approved_at = b.requested_at;
  AddEvent(b, b.requested_at, who.username, "request", "",
           "rule " + b.rule + ", " + b.kind + ", " + FormatIsoDuration(period) + ", " + req.purpose);
  VAULT_RETURN_IF_ERROR(d_.store->Insert(b));
  NotifyApprovers(b);
  return b;
}

StatusOr<Borrow> BorrowService::Decide(const Subject& who, const std::string& id, const std::string& note,
                                       bool approve) {
  if (!approve && !TextOk(note, 500)) {
    return InvalidArgumentError("borrow.reason_required", "a rejection needs a reason (at most 500 characters)");
  }
  if (!note.empty() && !TextOk(note, 500)) {
    return InvalidArgumentError("borrow.bad_note", "the note must be UTF-8, at most 500 characters");
  }
  const std::string at = FormatUtc(d_.clock->Now());
  const LoanRule* rule = nullptr;
  const TimePoint now = d_.clock->Now();
  auto result = d_.store->Update(id, [&](Borrow& b) -> Status {
    // Who may see the loan at all comes first: others learn nothing, not
    // even its state.
    if (who.username == b.borrower) return Denied("borrow.own_request", "you may not decide your own request");
    bool in_chain = false;
    for (const auto& step : b.chain) in_chain = in_chain || MayApproveStep(who, b, step);
    if (!in_chain) return NotFoundError("borrow.not_found", "no such loan");
    if (b.state != bs::kRequested && b.state != bs::kRenewalRequested) {
      return BadState(b, "there is nothing to decide");
    }
    const std::string step = b.chain.at(static_cast<size_t>(b.step));
    if (!MayApproveStep(who, b, step)) {
      return FailedPreconditionError("borrow.not_your_step", "the request waits for " + step + " first");
    }
    if (approve && b.state == bs::kRenewalRequested && !PastDue(b.due_at, now).empty()) {
      return FailedPreconditionError("borrow.overdue", "the due time passed before the renewal was approved");
    }
    const std::string from = b.state;
    if (!approve) {
      if (b.state == bs::kRequested) {
        b.state = bs::kRejected;
        b.closed_at = at;
      } else {
        b.state = b.resume_state.empty() ? std::string(bs::kIssued) : b.resume_state;
        b.resume_state.clear();
      }
      b.note = note;
      AddEvent(b, at, who.username, "reject", from, step + ": " + note);
      return Status::Ok();
    }
    ++b.step;
    if (b.step < static_cast<int>(b.chain.size())) {
      AddEvent(b, at, who.username, "approve", from, step + (note.empty() ? "" : ": " + note));
      return Status::Ok();
    }
    if (b.state == bs::kRequested) {
      b.state = bs::kApproved;
      b.approved_at = at;
    } else {
      rule = RuleNamed(b.rule);
      if (!rule) return FailedPreconditionError("borrow.rule_gone", "the loan's rule is no longer in the policy");
      TimePoint due;
      if (!ParseUtc(b.due_at, &due)) return DataLossError("borrow.bad_due", "the stored due time is malformed");
      b.due_at = FormatUtc(due + rule->renewal_period);
      ++b.renewals;
      b.state = b.resume_state.empty() ? std::string(bs::kIssued) : b.resume_state;
      b.resume_state.clear();
    }
    AddEvent(b, at, who.username, "approve", from, step + (note.empty() ? "" : ": " + note));
    return Status::Ok();
  });
  if (!result.ok()) return result.status();
  const Borrow& b = *result;
  if (b.state == bs::kRequested || b.state == bs::kRenewalRequested) {
    NotifyApprovers(b);
  } else {
    Notify(b.borrower, b, approve ? "approved" : "rejected",
           std::string(approve ? "approved:" : "rejected:") + std::to_string(b.round),
           "借阅 " + b.id + (approve ? " 已批准" : " 未获批准：" + note));
  }
  return result;
}

StatusOr<Borrow> BorrowService::Approve(const Subject& who, const std::string& id, const std::string& note) {
  return Decide(who, id, note, true);
}

StatusOr<Borrow> BorrowService::Reject(const Subject& who, const std::string& id, const std::string& reason) {
  return Decide(who, id, reason, false);
}

StatusOr<Borrow> BorrowService::Withdraw(const Subject& who, const std::string& id) {
  const std::string at = FormatUtc(d_.clock->Now());
  return d_.store->Update(id, [&](Borrow& b) -> Status {
    if (b.borrower != who.username) return NotFoundError("borrow.not_found", "no such loan");
    const std::string from = b.state;
    if (b.state == bs::kRequested || b.state == bs::kApproved) {
      b.state = bs::kWithdrawn;
      b.closed_at = at;
    } else if (b.state == bs::kRenewalRequested) {
      b.state = b.resume_state.empty() ? std::string(bs::kIssued) : b.resume_state;
      b.resume_state.clear();
    } else {
      return BadState(b, "only a request not yet issued (or a renewal request) can be withdrawn");
    }
    AddEvent(b, at, who.username, "withdraw", from, "");
    return Status::Ok();
  });
}

}  // namespace vault
