// BorrowService: the loan lifecycle (docs/borrowing.md). Its methods are
// defined by concern in borrow_service.cc (request, decisions),
// borrow_issue.cc, borrow_return.cc, borrow_queries.cc and
// borrow_schedule.cc.
//
//   requested -> approvals in chain order -> approved -> issued -> returned_*
//   requested/approved -> withdrawn (borrower); requested -> rejected
//   issued -> renewal_requested -> (approvals) -> issued with a later due time
//   issued/renewal_requested -> overdue (scheduler, or at once for access)
//   issued/overdue -> recall (due time brought forward); any open -> revoked
//
// Each transition is checked and written in one transaction (BorrowStore::
// Update), so concurrent approvers, or an approval racing a withdrawal, end
// in one consistent state: the loser gets borrow.conflict-style errors
// (borrow.bad_state, borrow.not_your_step), never a half-applied change.
//
// Who may do what: the role policy (policies/roles.json) names the actions
// borrow.request, borrow.approve, borrow.manage (issue, recall, revoke,
// return on someone's behalf) and borrow.read (see every loan, the
// register, incidents). A loan is scoped like seeing the record:
// borrow.request and borrow.approve are decided per record with its
// department, customer and classification, so a record the caller may not
// see answers exactly like a missing one (document.not_found) and a loan of
// it is invisible to them. An approval step is for the role it names (a
// dept_manager of the department owning the records, legal, an
// archive_admin), never for the borrower, and only for an approver whose
// borrow.approve grant covers every record of the loan as it is now.
//
// Thread-safety: safe for concurrent use (the collaborators are).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vault/audit/audit_log.h"
#include "vault/base/byte_stream.h"
#include "vault/base/clock.h"
#include "vault/borrow/borrow.h"
#include "vault/borrow/borrow_policy.h"
#include "vault/borrow/borrow_register.h"
#include "vault/borrow/borrow_store.h"
#include "vault/export/exporter.h"
#include "vault/identity/identity_store.h"
#include "vault/policy/policy_engine.h"
#include "vault/vault.h"

namespace vault {

struct BorrowRequest {
  std::vector<std::string> documents;  // ids or archive numbers
  std::string purpose;                 // 借阅目的
  std::string period;                  // ISO 8601; empty: the rule's default
  std::string kind = "electronic";     // electronic | paper | reading_room
};

// What comes back: a file (electronic), a page count (paper, reading
// room), or a declaration that the copy was destroyed.
struct ReturnInput {
  enum class Kind { kFile, kPages, kDeclared } kind = Kind::kFile;
  std::string document;          // which item; empty when the loan has one
  ByteSource* file = nullptr;    // kFile
  int64_t pages = 0;             // kPages
};

struct ScheduleReport {
  int64_t on_loan = 0;
  int64_t overdue = 0;  // moved to overdue by this pass
  int64_t suspended = 0;
  int64_t escalated = 0;
  int64_t notifications = 0;  // new ones (reminders never repeat)
};

struct BorrowListQuery {
  std::string state;     // empty: any
  bool pending = false;  // requests waiting for the caller's approval
  bool all = false;      // everyone's (borrow.read); otherwise the caller's own
  // Non-zero: only loans on loan (issued, renewal_requested, overdue; or
  // `state`) due within this long from now, soonest first in the store's
  // order (the loans board's "due soon").
  Seconds due_within{0};
  bool suspended = false;  // only loans that suspended their borrower
  int64_t limit = 100;
  int64_t offset = 0;
};

class BorrowService {
 public:
  struct Deps {
    Vault* vault = nullptr;
    BorrowStore* store = nullptr;
    const BorrowPolicy* policy = nullptr;
    const PolicyEngine* roles = nullptr;
    IdentityStore* identity = nullptr;
    Exporter* exporter = nullptr;
    AuditLog* audit = nullptr;  // the scheduler's transitions
    const Clock* clock = nullptr;
    // Optional: refuses documents that are destroyed or being destroyed.
    std::function<Status(const std::string& document_id)> document_usable;
    // Several nodes on one PostgreSQL database: the name of this process
    // (written into its issue claims) and whether the process that left a
    // claim still runs. A claim of a process that is gone (a node killed
    // while stamping) is taken over at once instead of after
    // kIssueClaimLifetime. Unset (SQLite, one process): claims end by age.
    std::string node;
    std::function<bool(const std::string& node)> node_alive;
  };
  explicit BorrowService(Deps deps) : d_(deps) {}

  StatusOr<Borrow> Request(const Subject& who, const BorrowRequest& request);
  StatusOr<Borrow> Approve(const Subject& who, const std::string& id, const std::string& note);
  StatusOr<Borrow> Reject(const Subject& who, const std::string& id, const std::string& reason);
  StatusOr<Borrow> Withdraw(const Subject& who, const std::string& id);
  // Paper and reading-room loans need the page count of each document
  // handed over (`pages`, in item order); electronic loans get a stamped
  // export per document, bound to the loan and kept sealed for re-download.
  StatusOr<Borrow> Issue(const Subject& who, const std::string& id, const std::vector<int64_t>& pages);
  // `reason` (optional, at most 500 characters: borrow.bad_reason) goes
  // into the renewal's event for the approvers.
  StatusOr<Borrow> Renew(const Subject& who, const std::string& id, const std::string& reason = "");
  // Brings the due time forward to now + `within` (0: the policy's
  // recall_period), never later than it was.
  StatusOr<Borrow> Recall(const Subject& who, const std::string& id, Seconds within);
  StatusOr<Borrow> Revoke(const Subject& who, const std::string& id, const std::string& reason);
  StatusOr<Borrow> Return(const Subject& who, const std::string& id, const ReturnInput& input);
  // The issued copy of `document` (empty: the only one), the same bytes
  // every time, while the loan runs; borrow.overdue once the due time has
  // passed, borrow.closed after it ended.
  StatusOr<BorrowItem> Copy(const Subject& who, const std::string& id, const std::string& document, ByteSink& sink);
  StatusOr<Borrow> Get(const Subject& who, const std::string& id);
  StatusOr<std::vector<Borrow>> List(const Subject& who, const BorrowListQuery& query);
  StatusOr<std::vector<Notification>> Notifications(const Subject& who, int64_t after_id, int64_t limit);
  StatusOr<std::vector<BorrowIncident>> Incidents(const Subject& who);
  StatusOr<std::vector<RegisterRow>> Register(const Subject& who);

  // borrow.overdue when `username` holds a loan of `document_id` whose due
  // time has passed: their content requests for it are refused at once,
  // whatever their role would otherwise allow, until it is returned.
  Status CheckContentAccess(const std::string& username, const std::string& document_id);
  // Loans the borrower may export under: the version lent when `username`
  // holds `id`, it covers `document_id` (not yet returned), and it is on
  // loan and not past due.
  StatusOr<uint32_t> CheckExportUnder(const std::string& username, const std::string& id,
                                      const std::string& document_id);
  // The largest returned copy accepted (policies/borrowing.json).
  int64_t max_return_bytes() const { return d_.policy->max_return_bytes(); }
  // The loan rules (what a request for a document may ask for).
  const BorrowPolicy& policy() const { return *d_.policy; }

  // One scheduler pass: overdue transitions, suspensions, escalations and
  // reminders. Idempotent: a second pass at the same time changes nothing
  // and sends nothing.
  StatusOr<ScheduleReport> RunSchedule();

 private:
  StatusOr<Borrow> Decide(const Subject& who, const std::string& id, const std::string& note, bool approve);
  bool MayApproveStep(const Subject& who, const Borrow& b, const std::string& step) const;
  void NotifyApprovers(const Borrow& b);
  void Notify(const std::string& recipient, const Borrow& b, const std::string& kind, const std::string& key,
              const std::string& message);
  const LoanRule* RuleNamed(const std::string& name) const;
  bool Can(const Subject& who, const char* action) const;
  Status StillAllowed(const Subject& who, const std::string& document_id);
  // The issue claim of an approved loan (borrow.issue_in_progress while a
  // fresh one is held); released on failure, cleared by the final write.
  // `dead_claim`: a claim seen before, left by a process that is gone; it
  // is taken over whatever its age.
  StatusOr<std::string> ClaimIssue(const std::string& id, const std::string& dead_claim);
  // The claim's process (its third field), if it is known to be gone.
  bool ClaimOwnerGone(const std::string& claim) const;
  void ReleaseIssue(const std::string& id, const std::string& claim);
  // Stamps and seals the copy of each item of an electronic loan.
  Status MakeCopies(const Borrow& loan, std::vector<BorrowItem>* items);

  // How long an issue claim holds off other issues of the loan: far longer
  // than stamping takes, short enough that a crash does not strand a loan.
  static constexpr Seconds kIssueClaimLifetime{15 * 60};

  Deps d_;
};

}  // namespace vault
