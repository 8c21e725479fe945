#include "vault/access/document_access.h"

namespace vault {
namespace {

bool ReadsContent(const std::string& action) {
  return action == "document.content" || action == "document.export";
}

AccessDecision Refused(AccessDecision::By by, const Status& status) {
  AccessDecision d;
  d.by = by;
  d.rule = status.reason();
  d.reason = status.message();
  d.status = status;
  return d;
}

}  // namespace

Subject SubjectOf(const User& user) {
  return Subject{user.username, user.role, user.department, user.clearance, user.customers, false};
}

Resource DocumentAccess::ResourceOf(const DocumentRecord& doc) {
  return Resource{doc.meta.department, doc.meta.classification, doc.meta.customer_number};
}

StatusOr<DocumentRecord> DocumentAccess::Find(const std::string& ref) const { return d_.vault->Get(ref); }

AccessDecision DocumentAccess::Decide(const Subject& subject, const AccessRequest& request,
                                      const DocumentRecord& doc) const {
  const bool under_loan = request.action == "document.export" && !request.borrow_id.empty();
  AccessDecision role;
  if (!under_loan) {
    role = ByRole(subject, request.action, doc, d_.clock->Now());
    if (!role.allowed) return role;
  }
  if (Status state = RecordState(request.action, doc); !state.ok()) {
    return Refused(AccessDecision::By::kRecordState, state);
  }
  if (under_loan) return UnderLoan(subject, request, doc);
  if (ReadsContent(request.action)) {
    // A loan of this record past its due time ends the borrower's access to
    // its content at once, whatever the role would otherwise allow.
    if (Status loan = d_.borrows->CheckContentAccess(subject.username, doc.id); !loan.ok()) {
      return Refused(AccessDecision::By::kRecordState, loan);
    }
  }
  return role;
}

AccessDecision DocumentAccess::ByRole(const Subject& subject, const std::string& action, const DocumentRecord& doc,
                                      TimePoint now) const {
  const Decision role = d_.roles->Decide(subject, action, ResourceOf(doc), now);
  AccessDecision d;
  d.by = AccessDecision::By::kRole;
  d.allowed = role.allowed;
  d.rule = role.rule;
  d.reason = role.reason;
  if (role.allowed) return d;
  // Whoever may not even see the record learns nothing, not even that it
  // exists. A loan is scoped like seeing the record, so a refused request
  // is answered as for a record one may not see.
  d.visible = action.rfind("borrow.", 0) != 0 &&
              d_.roles->Decide(subject, "document.metadata", ResourceOf(doc), now).allowed;
  d.status = d.visible ? Status(StatusCode::kPermissionDenied, "access.denied", "not allowed")
                       : NotFoundError("document.not_found", "no such document");
  return d;
}

Status DocumentAccess::RecordState(const std::string& action, const DocumentRecord& doc) const {
  if (action == "document.version" || action == "borrow.request") {
    // No new version of, and no loan of, a record destroyed or being destroyed.
    return d_.destructions->CheckUsable(doc.id);
  }
  if (!ReadsContent(action)) return Status::Ok();
  // A destroyed record is gone for good: its certificate is named.
  VAULT_ASSIGN_OR_RETURN(std::string cert, d_.destructions->CertificateOfDestroyed(doc.id));
  if (!cert.empty()) {
    return FailedPreconditionError("document.destroyed", "the document was destroyed; certificate " + cert);
  }
  return d_.destructions->CheckUsable(doc.id);  // being destroyed
}

AccessDecision DocumentAccess::UnderLoan(const Subject& subject, const AccessRequest& request,
                                         const DocumentRecord& doc) const {
  auto lent = d_.borrows->CheckExportUnder(subject.username, request.borrow_id, doc.id);
  Status loan = lent.status();
  if (lent.ok() && request.version != 0 && request.version != *lent) {
    loan = Status(StatusCode::kPermissionDenied, "borrow.version_not_lent",
                  "the loan is for version " + std::to_string(*lent));
  }
  if (!loan.ok()) {
    AccessDecision d = Refused(AccessDecision::By::kLoan, loan);
    // A loan one does not hold, or one without this record, reveals nothing.
    if (loan.reason() == "borrow.not_found" || loan.reason() == "borrow.document_not_on_loan") {
      d.visible = false;
      d.status = NotFoundError("document.not_found", "no such document");
    }
    return d;
  }
  AccessDecision d;
  d.allowed = true;
  d.by = AccessDecision::By::kLoan;
  d.rule = "borrow.loan";
  d.reason = "under loan " + request.borrow_id;
  d.version = *lent;
  return d;
}

}  // namespace vault
