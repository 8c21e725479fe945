// BorrowService: returns (hash-verified, declared) and the issued copy.
#include "vault/borrow/borrow_service.h"

#include "vault/borrow/internal/loan_helpers.h"
#include "vault/borrow/returned_copy.h"

namespace vault {

namespace bs = borrow_state;
using borrow_internal::AddEvent;
using borrow_internal::BadState;
using borrow_internal::Denied;
using borrow_internal::ItemFor;
using borrow_internal::PastDue;

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
    ReturnedCopy copy;
    VAULT_RETURN_IF_ERROR(copy.Read(*in.file, d_.policy->max_return_bytes(), target->issued_sha256));
    returned_sha256 = copy.sha256();
    if (copy.verified()) {
      result_kind = "verified";
    } else {
      result_kind = "altered";
      StringSource src(copy.data());
      VAULT_ASSIGN_OR_RETURN(ArtifactRecord artifact, d_.vault->SealArtifact("return_evidence", document_id, src));
      evidence = artifact.id;
      detail = "returned copy sha256 " + returned_sha256 + " differs from the issued " + target->issued_sha256 +
               " (" + std::to_string(copy.data().size()) + " bytes kept as evidence " + artifact.id + ")";
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

}  // namespace vault
