#include "vault/borrow/borrow_service.h"

#include <sodium.h>

#include <algorithm>
#include <map>
#include <set>

#include "vault/crypto/sha256.h"
#include "vault/documents/field_dictionary.h"

namespace vault {
namespace {

namespace bs = borrow_state;

Status Denied(const std::string& reason, const std::string& message) {
  return Status(StatusCode::kPermissionDenied, reason, message);
}
Status BadState(const Borrow& b, const std::string& what) {
  return FailedPreconditionError("borrow.bad_state", "the loan is " + b.state + "; " + what);
}

std::string NewBorrowId() {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  uint8_t rnd[12];
  randombytes_buf(rnd, sizeof rnd);
  std::string id = "JY";
  for (uint8_t r : rnd) id += kAlphabet[r & 31];
  return id;
}

void AddEvent(Borrow& b, const std::string& at, const std::string& actor, const std::string& action,
              const std::string& from, const std::string& detail) {
  BorrowEvent e;
  e.at = at;
  e.actor = actor;
  e.action = action;
  e.from_state = from;
  e.to_state = b.state;
  e.round = b.round;
  e.detail = detail.substr(0, 500);
  b.events.push_back(std::move(e));
}

// Which item a document names (id or archive number); the only one when
// `document` is empty.
StatusOr<BorrowItem*> ItemFor(Borrow& b, const std::string& document) {
  if (document.empty()) {
    if (b.items.size() == 1) return &b.items[0];
    return InvalidArgumentError("borrow.document_required", "the loan has several documents; name one");
  }
  for (auto& i : b.items) {
    if (i.document_id == document || i.archive_number == document) return &i;
  }
  return NotFoundError("borrow.document_not_on_loan", "the document is not part of this loan");
}

bool TextOk(const std::string& s, size_t max_chars) {
  return !s.empty() && FieldDictionary::IsValidUtf8(s) && FieldDictionary::CountChars(s) <= max_chars;
}

std::string PastDue(const std::string& due_at, TimePoint now) {
  TimePoint due;
  if (!ParseUtc(due_at, &due)) return "";
  return due <= now ? due_at : "";
}

}  // namespace

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

StatusOr<Borrow> BorrowService::Issue(const Subject& who, const std::string& id, const std::vector<int64_t>& pages) {
  if (!Can(who, "borrow.manage")) return Denied("access.denied", "only archive admins issue loans");
  VAULT_ASSIGN_OR_RETURN(Borrow current, d_.store->Get(id));
  if (current.state != bs::kApproved) return BadState(current, "only an approved loan can be issued");
  std::vector<BorrowItem> issued = current.items;
  if (current.kind != "electronic") {
    if (pages.size() != issued.size() && !(current.kind == "reading_room" && pages.empty())) {
      return InvalidArgumentError("borrow.pages_required",
                                  "give the page count of each document handed over (" +
                                      std::to_string(issued.size()) + ")");
    }
    for (size_t i = 0; i < pages.size(); ++i) {
      if (pages[i] <= 0 || pages[i] > 1000000) {
        return InvalidArgumentError("borrow.bad_pages", "page counts must be between 1 and 1000000");
      }
      issued[i].issued_pages = pages[i];
    }
  }
  if (d_.document_usable) {
    for (const auto& item : issued) VAULT_RETURN_IF_ERROR(d_.document_usable(item.document_id));
  }
  // An electronic loan is stamped once: the call that claims the issue in
  // the loan's own transaction makes the copies; any other call meanwhile
  // is refused before it stamps anything (two issues at once once made two
  // exports and two sealed copies, one of them linked to nothing).
  std::string claim;
  if (current.kind == "electronic") {
    VAULT_ASSIGN_OR_RETURN(claim, ClaimIssue(id));
    auto made = MakeCopies(current, &issued);
    if (!made.ok()) {
      ReleaseIssue(id, claim);
      return made;
    }
  }
  const TimePoint now = d_.clock->Now();
  const std::string at = FormatUtc(now);
  auto result = d_.store->Update(id, [&](Borrow& b) -> Status {
    // Withdrawn or revoked while the copies were being made, or the claim
    // went stale and another issue took over: this call's copies are not
    // the loan's. They stay sealed under the record's id, so its
    // destruction still finds them.
    if (b.state != bs::kApproved) return BadState(b, "only an approved loan can be issued");
    if (b.issue_claim != claim) {
      return FailedPreconditionError("borrow.issue_in_progress", "another issue of this loan took over");
    }
    b.issue_claim.clear();
    b.items = issued;
    b.state = bs::kIssued;
    b.issued_at = at;
    b.due_at = FormatUtc(now + b.period);
    std::string detail = b.kind;
    for (const auto& i : b.items) {
      detail += ", " + i.archive_number + (i.issued_sha256.empty() ? "" : " sha256 " + i.issued_sha256) + " " +
                std::to_string(i.issued_pages) + " pages";
    }
    AddEvent(b, at, who.username, "issue", bs::kApproved, detail);
    return Status::Ok();
  });
  if (result.ok()) {
    Notify(result->borrower, *result, "issued", "issued", "借阅 " + result->id + " 已借出，应还时间 " + result->due_at);
  }
  return result;
}

StatusOr<std::string> BorrowService::ClaimIssue(const std::string& id) {
  uint8_t rnd[16];
  randombytes_buf(rnd, sizeof rnd);
  std::string token;
  for (uint8_t r : rnd) token += "0123456789abcdef"[r >> 4], token += "0123456789abcdef"[r & 15];
  const TimePoint now = d_.clock->Now();
  const std::string claim = token + " " + FormatUtc(now);
  auto claimed = d_.store->Update(id, [&](Borrow& b) -> Status {
    if (b.state != bs::kApproved) return BadState(b, "only an approved loan can be issued");
    if (!b.issue_claim.empty()) {
      // A claim left by a crashed or hung issue ends after a while, so the
      // loan is not stuck; the late caller then loses at its final write.
      TimePoint since;
      const std::string at = b.issue_claim.substr(b.issue_claim.find(' ') + 1);
      if (ParseUtc(at, &since) && now - since < kIssueClaimLifetime) {
        return FailedPreconditionError("borrow.issue_in_progress",
                                       "the loan is being issued since " + at + "; try again shortly");
      }
    }
    b.issue_claim = claim;
    return Status::Ok();
  });
  if (!claimed.ok()) return claimed.status();
  return claim;
}

void BorrowService::ReleaseIssue(const std::string& id, const std::string& claim) {
  // Best effort: a claim that stays ends by itself (kIssueClaimLifetime).
  (void)d_.store->Update(id, [&](Borrow& b) -> Status {
    if (b.issue_claim != claim) return FailedPreconditionError("borrow.issue_in_progress", "claim taken over");
    b.issue_claim.clear();
    return Status::Ok();
  });
}

Status BorrowService::MakeCopies(const Borrow& loan, std::vector<BorrowItem>* items) {
  VAULT_ASSIGN_OR_RETURN(User borrower, d_.identity->GetUser(loan.borrower));
  for (BorrowItem& item : *items) {
    ExportRequest er;
    er.document = item.document_id;
    er.version = item.version;  // the version asked for and approved, not a newer one
    er.borrow_id = loan.id;
    er.username = borrower.username;
    er.display_name = borrower.display_name;
    er.department = borrower.department;
    VAULT_ASSIGN_OR_RETURN(ExportResult exported, d_.exporter->Export(er));
    StringSource copy(std::move(exported.pdf));
    VAULT_ASSIGN_OR_RETURN(ArtifactRecord artifact, d_.vault->SealArtifact("borrow_copy", item.document_id, copy));
    item.version = exported.record.version;
    item.export_id = exported.record.export_id;
    item.copy_artifact = artifact.id;
    item.issued_sha256 = exported.record.output_sha256;
    item.issued_pages = exported.record.pages;
  }
  return Status::Ok();
}

StatusOr<Borrow> BorrowService::Renew(const Subject& who, const std::string& id, const std::string& reason) {
  if (!reason.empty() && !TextOk(reason, 500)) {
    return InvalidArgumentError("borrow.bad_reason", "the reason must be UTF-8, at most 500 characters");
  }
  const std::string because = reason.empty() ? "" : "; reason: " + reason;
  const TimePoint now = d_.clock->Now();
  const std::string at = FormatUtc(now);
  auto result = d_.store->Update(id, [&](Borrow& b) -> Status {
    if (b.borrower != who.username) return NotFoundError("borrow.not_found", "no such loan");
    if (b.state != bs::kIssued) return BadState(b, "only a loan that is out and not overdue can be renewed");
    const LoanRule* rule = RuleNamed(b.rule);
    if (!rule) return FailedPreconditionError("borrow.rule_gone", "the loan's rule is no longer in the policy");
    TimePoint due_time;
    if (ParseUtc(b.due_at, &due_time) && due_time <= now) {
      return FailedPreconditionError("borrow.overdue", "the loan was due at " + b.due_at + "; it cannot be renewed");
    }
    for (const auto& e : b.events) {
      if (e.action == "recall") {
        return FailedPreconditionError("borrow.recalled", "the loan was recalled; it cannot be renewed");
      }
    }
    if (b.renewals >= rule->renewals_allowed) {
      return FailedPreconditionError("borrow.renewal_limit", "rule " + rule->name + " allows " +
                                                                 std::to_string(rule->renewals_allowed) +
                                                                 " renewal(s); this loan has had " +
                                                                 std::to_string(b.renewals));
    }
    TimePoint due;
    if (!ParseUtc(b.due_at, &due)) return DataLossError("borrow.bad_due", "the stored due time is malformed");
    if (due <= now) {
      return FailedPreconditionError("borrow.overdue", "the loan was due at " + b.due_at + "; it cannot be renewed");
    }
    if (now < due - rule->renew_not_before) {
      return FailedPreconditionError("borrow.renewal_too_early",
                                     "renewals open " + FormatIsoDuration(rule->renew_not_before) +
                                         " before the due time (" + FormatUtc(due - rule->renew_not_before) + ")");
    }
    ++b.round;
    b.step = 0;
    if (b.chain.empty()) {
      b.due_at = FormatUtc(due + rule->renewal_period);
      ++b.renewals;
      AddEvent(b, at, who.username, "renew", bs::kIssued, "granted without approval, due " + b.due_at + because);
      return Status::Ok();
    }
    b.resume_state = bs::kIssued;
    b.state = bs::kRenewalRequested;
    AddEvent(b, at, who.username, "renew", bs::kIssued,
             "renewal by " + FormatIsoDuration(rule->renewal_period) + because);
    return Status::Ok();
  });
  if (result.ok()) NotifyApprovers(*result);
  return result;
}

StatusOr<Borrow> BorrowService::Recall(const Subject& who, const std::string& id, Seconds within) {
  if (!Can(who, "borrow.manage")) return Denied("access.denied", "only archive admins recall loans");
  if (within.count() < 0) return InvalidArgumentError("borrow.bad_duration", "the recall period must not be negative");
  const TimePoint now = d_.clock->Now();
  const std::string at = FormatUtc(now);
  const Seconds period = within.count() > 0 ? within : d_.policy->recall_period();
  auto result = d_.store->Update(id, [&](Borrow& b) -> Status {
    if (!IsOnLoan(b.state)) return BadState(b, "only a loan that is out can be recalled");
    TimePoint due;
    if (!ParseUtc(b.due_at, &due)) return DataLossError("borrow.bad_due", "the stored due time is malformed");
    const TimePoint recalled = std::min(due, now + period);
    b.due_at = FormatUtc(recalled);
    const std::string from = b.state;
    std::string detail = "due " + b.due_at;
    if (b.state == bs::kRenewalRequested) {
      // A recall answers a pending renewal: no.
      b.state = b.resume_state.empty() ? std::string(bs::kIssued) : b.resume_state;
      b.resume_state.clear();
      detail += "; the renewal request is cancelled";
    }
    AddEvent(b, at, who.username, "recall", from, detail);
    return Status::Ok();
  });
  if (result.ok()) {
    Notify(result->borrower, *result, "recalled", "recall:" + at,
           "借阅 " + result->id + " 被催还，请于 " + result->due_at + " 前归还");
  }
  return result;
}

StatusOr<Borrow> BorrowService::Revoke(const Subject& who, const std::string& id, const std::string& reason) {
  if (!Can(who, "borrow.manage")) return Denied("access.denied", "only archive admins revoke loans");
  if (!TextOk(reason, 500)) {
    return InvalidArgumentError("borrow.reason_required", "a revocation needs a reason (at most 500 characters)");
  }
  const std::string at = FormatUtc(d_.clock->Now());
  auto result = d_.store->Update(id, [&](Borrow& b) -> Status {
    if (IsClosed(b.state)) return BadState(b, "it is already closed");
    const std::string from = b.state;
    b.state = bs::kRevoked;
    b.closed_at = at;
    b.note = reason;
    AddEvent(b, at, who.username, "revoke", from, reason);
    return Status::Ok();
  });
  if (result.ok()) Notify(result->borrower, *result, "revoked", "revoked", "借阅 " + result->id + " 已被撤销：" + reason);
  return result;
}

StatusOr<Borrow> BorrowService::Return(const Subject& who, const std::string& id, const ReturnInput& in) {
  VAULT_ASSIGN_OR_RETURN(Borrow current, d_.store->Get(id));
  const bool admin = Can(who, "borrow.manage");
  if (current.borrower != who.username && !admin) {
    return Denied("borrow.not_yours", "only the borrower or an archive admin can return this loan");
  }
  if (!IsOnLoan(current.state)) return BadState(current, "only a loan that is out can be returned");
  VAULT_ASSIGN_OR_RETURN(BorrowItem * target, ItemFor(current, in.document));
  if (!target->result.empty()) {
    return FailedPreconditionError("borrow.already_returned", target->archive_number + " was already returned");
  }
  const std::string document_id = target->document_id;
  // Read (bounded) and hash what came back before touching the loan.
  std::string returned_sha256;
  int64_t returned_pages = 0;
  std::string evidence;
  std::string result_kind;
  std::string detail;
  if (in.kind == ReturnInput::Kind::kFile) {
    if (current.kind != "electronic") {
      return InvalidArgumentError("borrow.return_kind", "a " + current.kind + " loan is returned by page count");
    }
    if (in.file == nullptr) return InvalidArgumentError("borrow.return_file", "upload the returned copy");
    struct Wiped {
      std::string data;
      ~Wiped() { sodium_memzero(data.data(), data.size()); }
    } copy;
    const int64_t limit = d_.policy->max_return_bytes();
    uint8_t buf[64 * 1024];
    for (;;) {
      VAULT_ASSIGN_OR_RETURN(size_t n, in.file->Read(buf, sizeof buf));
      if (n == 0) break;
      if (static_cast<int64_t>(copy.data.size() + n) > limit) {
        return ResourceExhaustedError("borrow.return_too_large",
                                      "the returned file exceeds " + std::to_string(limit) + " bytes");
      }
      copy.data.append(reinterpret_cast<const char*>(buf), n);
    }
    sodium_memzero(buf, sizeof buf);
    returned_sha256 = Sha256::HexOf(copy.data);
    if (sodium_memcmp(returned_sha256.data(), target->issued_sha256.data(),
                      std::min(returned_sha256.size(), target->issued_sha256.size())) == 0 &&
        returned_sha256.size() == target->issued_sha256.size()) {
      result_kind = "verified";
    } else {
      result_kind = "altered";
      StringSource src(copy.data);
      VAULT_ASSIGN_OR_RETURN(ArtifactRecord artifact, d_.vault->SealArtifact("return_evidence", document_id, src));
      evidence = artifact.id;
      detail = "returned copy sha256 " + returned_sha256 + " differs from the issued " + target->issued_sha256 +
               " (" + std::to_string(copy.data.size()) + " bytes kept as evidence " + artifact.id + ")";
    }
  } else if (in.kind == ReturnInput::Kind::kPages) {
    if (current.kind == "electronic") {
      return InvalidArgumentError("borrow.return_kind", "an electronic loan is returned by uploading the copy");
    }
    if (in.pages <= 0 || in.pages > 1000000) {
      return InvalidArgumentError("borrow.bad_pages", "page counts must be between 1 and 1000000");
    }
    returned_pages = in.pages;
    result_kind = target->issued_pages == 0 || in.pages == target->issued_pages ? "verified" : "altered";
    if (result_kind == "altered") {
      detail = std::to_string(in.pages) + " pages counted on return, " + std::to_string(target->issued_pages) +
               " issued";
    }
  } else {
    if (current.kind != "electronic") {
      return InvalidArgumentError("borrow.return_kind", "a " + current.kind +
                                                            " loan hands over the original: count its pages on return");
    }
    result_kind = "declared";
    detail = "the borrower declared the copy destroyed";
  }
  const std::string at = FormatUtc(d_.clock->Now());
  auto result = d_.store->Update(id, [&](Borrow& b) -> Status {
    if (!IsOnLoan(b.state)) return BadState(b, "only a loan that is out can be returned");
    VAULT_ASSIGN_OR_RETURN(BorrowItem * item, ItemFor(b, document_id));
    if (!item->result.empty()) {
      return FailedPreconditionError("borrow.already_returned", item->archive_number + " was already returned");
    }
    item->result = result_kind;
    item->returned_at = at;
    item->returned_sha256 = returned_sha256;
    item->returned_pages = returned_pages;
    item->evidence_artifact = evidence;
    if (result_kind == "altered") {
      BorrowIncident inc;
      inc.borrow_id = b.id;
      inc.document_id = item->document_id;
      inc.at = at;
      inc.kind = in.kind == ReturnInput::Kind::kFile ? "returned_altered" : "page_count_mismatch";
      inc.detail = detail;
      inc.evidence_artifact = evidence;
      b.new_incidents.push_back(inc);
    }
    const std::string from = b.state;
    bool all = true, altered = false, declared = false;
    for (const auto& i : b.items) {
      all = all && !i.result.empty();
      altered = altered || i.result == "altered";
      declared = declared || i.result == "declared";
    }
    if (all) {
      b.state = altered ? bs::kReturnedAltered : declared ? bs::kReturnedDeclared : bs::kReturnedVerified;
      b.closed_at = at;
      b.resume_state.clear();
    }
    AddEvent(b, at, who.username, "return", from,
             item->archive_number + ": " + result_kind + (detail.empty() ? "" : " (" + detail + ")"));
    return Status::Ok();
  });
  if (result.ok() && result_kind == "altered") {
    auto users = d_.identity->ListUsers();
    if (users.ok()) {
      for (const User& u : *users) {
        if (u.role == "archive_admin" && !u.disabled) {
          Notify(u.username, *result, "incident", "incident:" + document_id + ":" + u.username,
                 "借阅 " + result->id + " 归还核验不一致，已登记事件");
        }
      }
    }
  }
  return result;
}

StatusOr<BorrowItem> BorrowService::Copy(const Subject& who, const std::string& id, const std::string& document,
                                         ByteSink& sink) {
  VAULT_ASSIGN_OR_RETURN(Borrow b, d_.store->Get(id));
  if (b.borrower != who.username) return NotFoundError("borrow.not_found", "no such loan");
  if (IsClosed(b.state)) return Denied("borrow.closed", "the loan has ended; its copy is no longer available");
  if (!IsOnLoan(b.state)) return FailedPreconditionError("borrow.not_issued", "the loan has not been issued yet");
  if (b.state == bs::kOverdue || !PastDue(b.due_at, d_.clock->Now()).empty()) {
    return Denied("borrow.overdue", "the loan was due at " + b.due_at + "; return it to regain access");
  }
  if (b.kind != "electronic") {
    return FailedPreconditionError("borrow.not_electronic", "a " + b.kind + " loan has no electronic copy");
  }
  VAULT_ASSIGN_OR_RETURN(BorrowItem * item, ItemFor(b, document));
  if (!item->result.empty()) return Denied("borrow.closed", item->archive_number + " was already returned");
  VAULT_RETURN_IF_ERROR(StillAllowed(who, item->document_id));
  VAULT_ASSIGN_OR_RETURN(ArtifactRecord artifact, d_.vault->GetArtifact(item->copy_artifact));
  VAULT_RETURN_IF_ERROR(d_.vault->ReadArtifact(artifact, sink));
  return *item;
}

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
  if (q.pending) {
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

StatusOr<ScheduleReport> BorrowService::RunSchedule() {
  const TimePoint now = d_.clock->Now();
  const std::string at = FormatUtc(now);
  VAULT_ASSIGN_OR_RETURN(std::vector<ScheduledLoan> loans, d_.store->OnLoan());
  ScheduleReport report;
  report.on_loan = static_cast<int64_t>(loans.size());
  std::vector<std::string> to_suspend, to_escalate;
  std::vector<Notification> notes;
  std::map<std::string, std::vector<std::string>> managers;  // department -> dept_managers
  if (auto users = d_.identity->ListUsers(); users.ok()) {
    for (const User& u : *users) {
      if (u.role == "dept_manager" && !u.disabled) managers[u.department].push_back(u.username);
    }
  }
  auto note = [&](const std::string& to, const ScheduledLoan& l, const std::string& kind, const std::string& key,
                  const std::string& message) {
    Notification n;
    n.recipient = to;
    n.borrow_id = l.id;
    n.kind = kind;
    n.dedupe_key = l.id + ":" + key;
    n.created_at = at;
    n.message = message;
    notes.push_back(std::move(n));
  };
  for (const ScheduledLoan& l : loans) {
    const LoanRule* rule = RuleNamed(l.rule);
    TimePoint due, issued;
    if (!rule || !ParseUtc(l.due_at, &due)) continue;
    if (!ParseUtc(l.issued_at, &issued)) issued = due;
    if (due > now) {
      // Reminders before the due time: only the latest point that has
      // passed, so a scheduler that was down sends one, not a backlog.
      TimePoint latest = TimePoint::min();
      for (Seconds before : rule->remind_before) {
        const TimePoint p = due - before;
        if (p <= now && p >= issued && p > latest) latest = p;
      }
      if (latest != TimePoint::min()) {
        note(l.borrower, l, "reminder", "remind:" + l.due_at + ":" + FormatUtc(latest),
             "借阅 " + l.id + " 将于 " + l.due_at + " 到期，请按时归还或申请续借");
      }
      continue;
    }
    // Due time passed.
    const Seconds late = std::chrono::duration_cast<Seconds>(now - due);
    std::string point = l.due_at;
    if (rule->overdue_every.count() > 0) {
      const int64_t k = late.count() / rule->overdue_every.count();
      point = FormatUtc(due + rule->overdue_every * k);
    }
    note(l.borrower, l, "overdue", "overdue:" + l.due_at + ":" + point,
         "借阅 " + l.id + " 已于 " + l.due_at + " 逾期，请立即归还");
    if (rule->suspend_after.count() > 0 && late >= rule->suspend_after && !l.suspended) {
      to_suspend.push_back(l.id);
    }
    if (rule->escalate_after.count() > 0 && late >= rule->escalate_after && !l.escalated) {
      to_escalate.push_back(l.id);
    }
  }
  VAULT_ASSIGN_OR_RETURN(BorrowStore::Applied applied,
                         d_.store->ApplySchedule(to_suspend, to_escalate, at, "scheduler"));
  // Suspension and escalation notices only for what this pass changed.
  std::map<std::string, const ScheduledLoan*> by_id;
  for (const auto& l : loans) by_id[l.id] = &l;
  for (const std::string& id : applied.suspended) {
    const ScheduledLoan& l = *by_id[id];
    const LoanRule* rule = RuleNamed(l.rule);
    note(l.borrower, l, "suspended", "suspended:" + l.due_at,
         "借阅 " + l.id + " 逾期超过 " + FormatIsoDuration(rule->suspend_after) + "，您的借阅权限已暂停");
  }
  for (const std::string& id : applied.escalated) {
    const ScheduledLoan& l = *by_id[id];
    const LoanRule* rule = RuleNamed(l.rule);
    for (const std::string& m : managers[l.borrower_department]) {
      if (m == l.borrower) continue;
      note(m, l, "escalated", "escalated:" + l.due_at + ":" + m,
           "借阅 " + l.id + "（" + l.borrower + "）逾期超过 " + FormatIsoDuration(rule->escalate_after));
    }
  }
  report.overdue = static_cast<int64_t>(applied.overdue.size());
  report.suspended = static_cast<int64_t>(applied.suspended.size());
  report.escalated = static_cast<int64_t>(applied.escalated.size());
  // The transitions are audited first: a failure to queue notifications
  // must not leave them unrecorded (the notifications are queued again by
  // the next pass; their keys make that harmless).
  if (d_.audit) {
    std::vector<AuditRecord> records;
    auto record = [&](const std::string& action, const std::string& id) {
      AuditRecord r;
      r.actor = "scheduler";
      r.role = "-";
      r.action = action;
      r.object = id;
      r.outcome = "ok";
      r.client = "scheduler";
      records.push_back(std::move(r));
    };
    for (const auto& id : applied.overdue) record("borrow.overdue", id);
    for (const auto& id : applied.suspended) record("borrow.suspend", id);
    for (const auto& id : applied.escalated) record("borrow.escalate", id);
    VAULT_RETURN_IF_ERROR(d_.audit->AppendAll(records));
  }
  VAULT_ASSIGN_OR_RETURN(report.notifications, d_.store->AddNotifications(notes));
  return report;
}

}  // namespace vault
