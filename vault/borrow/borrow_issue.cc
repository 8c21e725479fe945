// BorrowService: issuing a loan (its stamped copies), renewal, recall and
// revocation.
#include "vault/borrow/borrow_service.h"

#include <sodium.h>

#include <algorithm>

#include "vault/borrow/internal/loan_helpers.h"

namespace vault {

namespace bs = borrow_state;
using borrow_internal::AddEvent;
using borrow_internal::BadState;
using borrow_internal::Denied;
using borrow_internal::TextOk;

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
    // Asked before the claim's transaction: the check opens a connection.
    const std::string dead_claim = ClaimOwnerGone(current.issue_claim) ? current.issue_claim : "";
    VAULT_ASSIGN_OR_RETURN(claim, ClaimIssue(id, dead_claim));
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

namespace {

// An issue claim is "<random token> <UTC time>[ <node>]".
std::string ClaimField(const std::string& claim, int field) {
  size_t start = 0;
  for (int i = 0; i < field; ++i) {
    start = claim.find(' ', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  const size_t end = claim.find(' ', start);
  return claim.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

}  // namespace

bool BorrowService::ClaimOwnerGone(const std::string& claim) const {
  const std::string owner = ClaimField(claim, 2);
  return !owner.empty() && owner != d_.node && d_.node_alive && !d_.node_alive(owner);
}

StatusOr<std::string> BorrowService::ClaimIssue(const std::string& id, const std::string& dead_claim) {
  uint8_t rnd[16];
  randombytes_buf(rnd, sizeof rnd);
  std::string token;
  for (uint8_t r : rnd) token += "0123456789abcdef"[r >> 4], token += "0123456789abcdef"[r & 15];
  const TimePoint now = d_.clock->Now();
  const std::string claim = token + " " + FormatUtc(now) + (d_.node.empty() ? "" : " " + d_.node);
  auto claimed = d_.store->Update(id, [&](Borrow& b) -> Status {
    if (b.state != bs::kApproved) return BadState(b, "only an approved loan can be issued");
    if (!b.issue_claim.empty() && b.issue_claim != dead_claim) {
      // A claim left by a crashed or hung issue ends after a while, so the
      // loan is not stuck; the late caller then loses at its final write.
      TimePoint since;
      const std::string at = ClaimField(b.issue_claim, 1);
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

}  // namespace vault
