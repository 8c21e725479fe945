// BorrowStore: loans, their items, events and incidents, and the
// notification outbox, in the shared metadata database (vault/db/): it owns
// the tables borrows, borrow_items, borrow_events, borrow_incidents and
// notifications.
//
// Every change to a loan goes through Update(): load, apply, write back in
// one BEGIN IMMEDIATE transaction, so two approvers acting at once, or an
// approval racing a withdrawal, are serialized and the second sees the
// first's result (vaultd and vaultctl may run at the same time).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/db/client.h"
#include "vault/borrow/borrow.h"
#include "vault/destruction/destruction.h"

namespace vault {

struct BorrowFilter {
  std::string borrower;             // empty: everyone's
  std::vector<std::string> states;  // empty: any
  std::string document_id;          // empty: any
  std::string due_before;           // non-empty: due at or before this time (RFC 3339, UTC)
  bool suspended = false;           // only loans that suspended their borrower
  int64_t limit = 100;
  int64_t offset = 0;
};

// What the scheduler needs of a loan on loan.
struct ScheduledLoan {
  std::string id;
  std::string borrower;
  std::string borrower_department;
  std::string rule;
  std::string state;
  std::string issued_at;
  std::string due_at;
  bool suspended = false;
  bool escalated = false;
};

class BorrowStore {
 public:
  static StatusOr<std::unique_ptr<BorrowStore>> Open(std::shared_ptr<db::Database> db);
  ~BorrowStore();

  // Inserts a new loan with its items and events (borrow.duplicate_id if
  // the id is taken).
  Status Insert(const Borrow& b);
  // borrow.not_found.
  StatusOr<Borrow> Get(const std::string& id);
  // Loads the loan, runs `change` on it and, if it returns Ok, writes the
  // loan, its items, the events appended by `change` and its new incidents,
  // all in one transaction. Returns the loan as written.
  StatusOr<Borrow> Update(const std::string& id, const std::function<Status(Borrow&)>& change);
  // Loans with their items (no events), newest first.
  StatusOr<std::vector<Borrow>> List(const BorrowFilter& filter);
  StatusOr<int64_t> Count(const BorrowFilter& filter);

  // The on-loan states of `borrower`'s loans that include `document_id`,
  // with their due times (for the content access check).
  StatusOr<std::vector<std::pair<std::string, std::string>>> LoansOf(const std::string& borrower,
                                                                     const std::string& document_id);
  // Whether `borrower` has an overdue loan marked suspended.
  StatusOr<bool> Suspended(const std::string& borrower);

  // The scheduler: loans on loan, and a pass's transitions in one
  // transaction: every loan still issued or renewal_requested whose due
  // time is at or before `now` becomes overdue (set-based, whatever the
  // number); loans in `to_suspend` and `to_escalate` that are still overdue
  // are flagged; each change with an event by `actor`. Returns the ids each
  // change actually applied to (a loan returned meanwhile is left alone).
  StatusOr<std::vector<ScheduledLoan>> OnLoan();
  struct Applied {
    std::vector<std::string> overdue, suspended, escalated;  // what this pass actually changed
  };
  StatusOr<Applied> ApplySchedule(const std::vector<std::string>& to_suspend,
                                                   const std::vector<std::string>& to_escalate,
                                                   const std::string& now, const std::string& actor);

  // The outbox. Inserting a notification whose dedupe key exists does
  // nothing (a restarted scheduler never sends a reminder twice); returns
  // how many were new.
  StatusOr<int64_t> AddNotifications(const std::vector<Notification>& notes);
  StatusOr<std::vector<Notification>> Notifications(const std::string& recipient, int64_t after_id, int64_t limit);

  StatusOr<std::vector<BorrowIncident>> Incidents(const std::string& borrow_id = "");

  // For DestructionStore, inside its read or transaction on `c`; they throw.
  // Loans not yet returned or refused that include the document.
  static std::vector<OpenLoan> OpenLoansOf(db::Connection& c, const std::string& document_id);
  // Loan copies and returned evidence made from the document.
  static std::vector<std::string> ArtifactsLinkedTo(db::Connection& c, const std::string& document_id);

 private:
  explicit BorrowStore(std::shared_ptr<db::Database> db);
  static StatusOr<Borrow> Load(db::Connection& c, const std::string& id, bool with_events);
  db::Client db_;
};

}  // namespace vault
