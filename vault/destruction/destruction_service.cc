#include "vault/destruction/destruction_service.h"

#include <Poco/Exception.h>
#include <sodium.h>

#include <algorithm>

#include "vault/documents/field_dictionary.h"

namespace vault {
namespace {

namespace step = destruction_step;

Status Denied(const std::string& reason, const std::string& message) {
  return Status(StatusCode::kPermissionDenied, reason, message);
}

std::string NewId(const char* prefix) {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  uint8_t rnd[12];
  randombytes_buf(rnd, sizeof rnd);
  std::string id = prefix;
  for (uint8_t r : rnd) id += kAlphabet[r & 31];
  return id;
}

}  // namespace

std::vector<std::string> DestructionService::ReasonsFrom(const DocumentRecord& doc, const RecordFacts& f,
                                                         const std::string& reason, bool legal_approved,
                                                         TimePoint now, std::vector<std::string>* kinds) const {
  std::vector<std::string> reasons;
  auto add = [&](const char* kind, std::string text) {
    reasons.push_back(std::move(text));
    if (kinds) kinds->push_back(kind);
  };
  if (!f.destroyed_by.empty()) add("destroyed", "already destroyed (" + f.destroyed_by + ")");
  for (const auto& h : f.holds) add("hold", "legal hold " + std::to_string(h.id) + ": " + h.reason);
  if (!f.other_destruction.empty()) add("in_destruction", "in destruction " + f.other_destruction);
  for (const OpenLoan& loan : f.loans) {
    if (LoanProtects(loan, doc, now)) {
      add("open_loan", "open loan");
      break;
    }
  }
  if (!(reason == "customer_request" && legal_approved)) {
    RetentionDecision r = d_.retention->Decide(doc, {});
    if (!d_.retention->Expired(r, now)) {
      add("retention", r.permanent ? "retention: permanent"
                                   : r.event_pending ? "retention: waits for its event (" + r.reason + ")"
                                                     : "retention until " + r.due_at + " (" + r.reason + ")");
    }
  }
  return reasons;
}

bool DestructionService::LoanProtects(const OpenLoan& loan, const DocumentRecord& doc, TimePoint now) const {
  // A copy or the original is out: it must come back first.
  if (loan.state != "requested" && loan.state != "approved") return true;
  // A request waits only for someone who may see the record: a request by
  // anyone else (made before borrowing was scoped, or before the requester
  // moved or lost clearance) could never be issued and must not let them
  // hold a record they cannot see back from destruction.
  auto user = d_.identity->GetUser(loan.borrower);
  if (!user.ok() || user->disabled) return false;
  const Subject borrower{user->username, user->role, user->department, user->clearance, user->customers, false};
  const Resource res{doc.meta.department, doc.meta.classification, doc.meta.customer_number};
  return d_.roles->Decide(borrower, "borrow.request", res, now).allowed;
}

StatusOr<std::vector<Protection>> DestructionService::Check(const std::vector<std::string>& documents,
                                                            const std::string& reason, bool legal_approved,
                                                            const std::string& except_id) {
  std::vector<Protection> out;
  const TimePoint now = d_.clock->Now();
  for (const std::string& ref : documents) {
    VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, d_.vault->Get(ref));
    Protection p;
    p.document_id = doc.id;
    p.archive_number = doc.archive_number;
    VAULT_ASSIGN_OR_RETURN(RecordFacts facts, d_.store->FactsOf(doc.id, doc.meta.customer_number, except_id));
    p.reasons = ReasonsFrom(doc, facts, reason, legal_approved, now, &p.kinds);
    out.push_back(std::move(p));
  }
  return out;
}

Status DestructionService::CheckRequester(const Subject& who, const std::string& reason) const {
  if (!Can(who, "destruction.request")) return Denied("access.denied", "your role may not request destructions");
  if (reason != "retention_expired" && reason != "customer_request" && reason != "business_ended") {
    return InvalidArgumentError("destruction.bad_reason",
                                "reason must be retention_expired, customer_request or business_ended");
  }
  return Status::Ok();
}

StatusOr<std::vector<Protection>> DestructionService::Preconditions(const Subject& who,
                                                                    const std::vector<std::string>& documents,
                                                                    const std::string& reason) {
  VAULT_RETURN_IF_ERROR(CheckRequester(who, reason));
  if (documents.empty() || documents.size() > 1000) {
    return InvalidArgumentError("destruction.no_documents", "name 1 to 1000 documents");
  }
  // Exactly the check Request() refuses on (a customer request is checked
  // for retention only once legal has approved it).
  return Check(documents, reason, reason == "customer_request");
}

StatusOr<Destruction> DestructionService::Request(const Subject& who, const DestructionRequest& req) {
  VAULT_RETURN_IF_ERROR(CheckRequester(who, req.reason));
  if (req.reference.empty() || req.reference.size() > 500 || !FieldDictionary::IsValidUtf8(req.reference)) {
    return InvalidArgumentError("destruction.reference_required", "give a reference (at most 500 bytes)");
  }
  if (req.documents.empty() || req.documents.size() > 1000) {
    return InvalidArgumentError("destruction.no_documents", "name 1 to 1000 documents");
  }
  Destruction d;
  d.id = NewId("XH");
  d.state = "requested";
  d.reason = req.reason;
  d.reference = req.reference;
  d.requested_by = who.username;
  d.requested_at = FormatUtc(d_.clock->Now());
  std::set<std::string> seen;
  for (const std::string& ref : req.documents) {
    VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, d_.vault->Get(ref));
    if (!seen.insert(doc.id).second) {
      return InvalidArgumentError("destruction.duplicate_document", "a document is named twice");
    }
    VAULT_ASSIGN_OR_RETURN(std::string open, d_.store->OpenDestructionOf(doc.id, d.id));
    if (!open.empty()) return AlreadyExistsError("destruction.already_open", doc.archive_number + " is in " + open);
    DestructionItem item;
    item.position = static_cast<int>(d.items.size());
    item.document_id = doc.id;
    item.archive_number = doc.archive_number;
    item.title = doc.meta.title;
    item.customer = doc.meta.customer_number;
    item.classification = doc.meta.classification;
    d.items.push_back(std::move(item));
  }
  // Refused now rather than at execution when something already protects a
  // record; a customer request is checked for retention only once legal
  // has approved it.
  std::vector<std::string> ids;
  for (const auto& i : d.items) ids.push_back(i.document_id);
  VAULT_ASSIGN_OR_RETURN(auto checks, Check(ids, req.reason, req.reason == "customer_request"));
  for (const auto& p : checks) {
    if (!p.reasons.empty()) {
      return FailedPreconditionError("destruction.protected", p.archive_number + ": " + p.reasons.front());
    }
  }
  VAULT_RETURN_IF_ERROR(d_.store->Insert(d));
  return d;
}

StatusOr<Destruction> DestructionService::Approve(const Subject& who, const std::string& id,
                                                  const std::string& witness) {
  if (!Can(who, "destruction.approve")) return Denied("access.denied", "your role may not approve destructions");
  if (witness.empty() || witness.size() > 200 || !FieldDictionary::IsValidUtf8(witness)) {
    return InvalidArgumentError("destruction.witness_required", "name the witness (监销人)");
  }
  const std::string at = FormatUtc(d_.clock->Now());
  return d_.store->Update(id, [&](Destruction& d) -> Status {
    if (d.state != "requested") {
      return FailedPreconditionError("destruction.bad_state", "the destruction is " + d.state);
    }
    if (d.requested_by == who.username) {
      return Denied("destruction.self_approval", "a second person must approve (four eyes)");
    }
    if (d.reason == "customer_request" && who.role != "legal") {
      return Denied("destruction.legal_required", "a customer's erasure request is approved by legal");
    }
    d.state = "approved";
    d.approved_by = who.username;
    d.approved_at = at;
    d.witness = witness;
    return Status::Ok();
  });
}

StatusOr<Destruction> DestructionService::Execute(const Subject& who, const std::string& id) {
  if (!Can(who, "destruction.execute")) return Denied("access.denied", "your role may not execute destructions");
  VAULT_ASSIGN_OR_RETURN(Destruction d, d_.store->Get(id));
  if (d.state == "completed") return d;
  if (d.state != "approved" && d.state != "executing") {
    return FailedPreconditionError("destruction.bad_state", "the destruction is " + d.state + ", not approved");
  }
  if (d.state == "approved") {
    // Preconditions again, at the last moment: a hold or a loan may have
    // appeared since the request.
    std::vector<std::string> ids;
    for (const auto& i : d.items) ids.push_back(i.document_id);
    VAULT_ASSIGN_OR_RETURN(auto checks, Check(ids, d.reason, d.reason == "customer_request", d.id));
    for (const auto& p : checks) {
      if (!p.reasons.empty()) {
        return FailedPreconditionError("destruction.protected", p.archive_number + ": " + p.reasons.front());
      }
    }
    // The check above is only the early, cheap refusal: a hold or a loan
    // may still arrive now. The snapshot step checks again inside its own
    // transaction, and that check is the one that counts.
    Crash("after_check");
  }
  VAULT_RETURN_IF_ERROR(RunSteps(id, who.username));
  return d_.store->Get(id);
}

StatusOr<std::vector<Destruction>> DestructionService::List(const Subject& who, const std::string& state, int limit) {
  if (!Can(who, "destruction.request") && !Can(who, "destruction.approve") && !Can(who, "certificate.read")) {
    return Denied("access.denied", "your role may not read destructions");
  }
  if (!state.empty() && state != "requested" && state != "approved" && state != "executing" && state != "completed") {
    return InvalidArgumentError("request.bad_parameter", "state must be requested, approved, executing or completed");
  }
  return d_.store->List(state, limit);
}

Status DestructionService::Resume() {
  VAULT_ASSIGN_OR_RETURN(std::vector<std::string> ids, d_.store->Unfinished());
  Status first;
  for (const auto& id : ids) {
    Status s = RunSteps(id, "resume");  // one stuck destruction does not hold up the others
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

Status DestructionService::RunSteps(const std::string& id, const std::string& actor) {
  std::lock_guard<std::mutex> lock(run_mu_);
  try {
    return RunStepsLocked(id, actor);
  } catch (const Poco::Exception& e) {
    return InternalError("destruction.failed", "destruction " + id + " stopped: " + e.displayText());
  } catch (const std::exception& e) {
    return InternalError("destruction.failed", "destruction " + id + " stopped: " + e.what());
  }
}

StatusOr<Destruction> DestructionService::Get(const Subject& who, const std::string& id) {
  if (!Can(who, "destruction.request") && !Can(who, "destruction.approve") && !Can(who, "certificate.read")) {
    return NotFoundError("destruction.not_found", "no such destruction");
  }
  return d_.store->Get(id);
}

StatusOr<LegalHold> DestructionService::AddHold(const Subject& who, const std::string& scope,
                                                const std::string& target, const std::string& reason) {
  if (!Can(who, "hold.manage")) return Denied("access.denied", "only legal places holds");
  if (scope != "document" && scope != "customer") {
    return InvalidArgumentError("hold.bad_scope", "scope must be document or customer");
  }
  if (reason.empty() || reason.size() > 500) return InvalidArgumentError("hold.reason_required", "give a reason");
  LegalHold h;
  h.scope = scope;
  h.target = target;
  if (scope == "document") {
    VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, d_.vault->Get(target));
    h.target = doc.id;
  } else if (target.empty() || target.size() > 64) {
    return InvalidArgumentError("hold.bad_target", "give a customer number");
  }
  h.reason = reason;
  h.created_by = who.username;
  h.created_at = FormatUtc(d_.clock->Now());
  return d_.store->AddHold(h);
}

Status DestructionService::ReleaseHold(const Subject& who, int64_t id) {
  if (!Can(who, "hold.manage")) return Denied("access.denied", "only legal releases holds");
  return d_.store->ReleaseHold(id, who.username, FormatUtc(d_.clock->Now()));
}

Status DestructionService::CheckUsable(const std::string& document_id) {
  VAULT_ASSIGN_OR_RETURN(std::string destroyed, d_.store->DestroyedBy(document_id));
  if (!destroyed.empty()) return FailedPreconditionError("document.destroyed", "the document was destroyed");
  VAULT_ASSIGN_OR_RETURN(std::string open, d_.store->OpenDestructionOf(document_id, ""));
  if (!open.empty()) {
    VAULT_ASSIGN_OR_RETURN(Destruction d, d_.store->Get(open));
    if (d.state == "approved" || d.state == "executing") {
      return FailedPreconditionError("document.being_destroyed", "the document is being destroyed (" + open + ")");
    }
  }
  return Status::Ok();
}

StatusOr<std::string> DestructionService::CertificateOfDestroyed(const std::string& document_id) {
  VAULT_ASSIGN_OR_RETURN(std::string destruction, d_.store->DestroyedBy(document_id));
  if (destruction.empty()) return std::string();
  auto cert = d_.store->CertificateFor(destruction);
  return cert.ok() ? cert->id : "pending (" + destruction + ")";
}

}  // namespace vault
