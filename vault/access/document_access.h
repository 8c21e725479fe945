// DocumentAccess: "may this person do this to this document now?", answered
// in one place for vaultd and vaultctl alike, with the rule that decided.
//
// The rules, in order; the first refusal decides:
//   1. Role: the role policy (policies/roles.json) for the action on the
//      record's department, classification and customer. Whoever may not
//      even see the record (document.metadata; for borrow.request the
//      request itself, since a loan is scoped like seeing) is answered
//      document.not_found, as if it did not exist; others access.denied.
//      An export under a loan skips this rule: the loan allows it (rule 4).
//   2. Destroyed, 3. being destroyed (an approved or executing
//      destruction): for content and exports document.destroyed (naming the
//      certificate) and document.being_destroyed; for new versions and loan
//      requests the same reasons from DestructionService::CheckUsable.
//   4. Loans, for content and exports: an overdue loan of the record held by
//      the subject ends their access (borrow.overdue). An export under a loan
//      needs the loan to be the subject's, to cover the record, to be on
//      loan, not past due and electronic, and to be for the version asked
//      (BorrowService::CheckExportUnder); a loan or record the subject does
//      not hold is answered document.not_found.
// Other actions (document.metadata, document.list, ...) have rule 1 only.
//
// The caller looks the record up once (Find) and passes it on: to Decide,
// then to Exporter::Export, so an export reads the record once.
//
// Thread-safety: safe for concurrent use (the collaborators are).
#pragma once

#include <string>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/borrow/borrow_service.h"
#include "vault/destruction/destruction_service.h"
#include "vault/identity/identity_store.h"
#include "vault/policy/policy_engine.h"
#include "vault/vault.h"

namespace vault {

// What is asked: an action (document.export, document.content,
// borrow.request, ...), and for an export under a loan the loan and the
// version wanted (0: the version lent).
struct AccessRequest {
  std::string action;
  std::string borrow_id;
  uint32_t version = 0;
};

struct AccessDecision {
  // Which rule decided: the role policy, the record's state (destroyed,
  // being destroyed, an overdue loan) or the loan an export is made under.
  enum class By { kRole, kRecordState, kLoan };

  bool allowed = false;
  By by = By::kRole;
  // The deciding rule: a roles.json grant ("staff.grant[0]", "default.deny"),
  // or the reason code of the state or loan rule ("document.destroyed",
  // "borrow.overdue", "borrow.not_found", ...).
  std::string rule;
  // Why, for the audit log and operators; never sent to an API client.
  std::string reason;
  // Ok when allowed; otherwise the refusal as a client is told it
  // (document.not_found for a record the subject may not see).
  Status status;
  // The subject may see the record's metadata.
  bool visible = true;
  // An export under a loan: the version lent.
  uint32_t version = 0;
};

// The subject a vault user acts as (vaultd builds the same after a login).
Subject SubjectOf(const User& user);

class DocumentAccess {
 public:
  struct Deps {
    Vault* vault = nullptr;
    const PolicyEngine* roles = nullptr;
    DestructionService* destructions = nullptr;
    BorrowService* borrows = nullptr;
    const Clock* clock = nullptr;
  };
  // Does not own its collaborators; they must outlive it.
  explicit DocumentAccess(Deps deps) : d_(deps) {}

  // The record named by an id or archive number (document.not_found).
  StatusOr<DocumentRecord> Find(const std::string& ref) const;

  AccessDecision Decide(const Subject& subject, const AccessRequest& request, const DocumentRecord& doc) const;
  AccessDecision Decide(const Subject& subject, const std::string& action, const DocumentRecord& doc) const {
    return Decide(subject, AccessRequest{action, "", 0}, doc);
  }

  static Resource ResourceOf(const DocumentRecord& doc);

 private:
  AccessDecision ByRole(const Subject& subject, const std::string& action, const DocumentRecord& doc,
                        TimePoint now) const;
  Status RecordState(const std::string& action, const DocumentRecord& doc) const;
  AccessDecision UnderLoan(const Subject& subject, const AccessRequest& request, const DocumentRecord& doc) const;

  Deps d_;
};

}  // namespace vault
