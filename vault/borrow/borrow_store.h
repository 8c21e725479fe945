// BorrowStore: loans, their items, events and incidents, and the
// notification outbox, in the metadata database (tables of migration 8),
// over its own connection.
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
#include <mutex>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/borrow/borrow.h"

namespace Poco::Data {
class Session;
}

namespace vault {

struct BorrowFilter {
  std::string borrower;             // empty: everyone's
  std::vector<std::string> states;  // empty: any
  std::string document_id;          // empty: any
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
  // The database must already be migrated (SqliteMetadataStore::Open).
  static StatusOr<std::unique_ptr<BorrowStore>> Open(const std::string& db_path);
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

 private:
  explicit BorrowStore(std::unique_ptr<Poco::Data::Session> session);
  StatusOr<Borrow> Load(const std::string& id, bool with_events);
  std::mutex mu_;
  std::unique_ptr<Poco::Data::Session> session_;
};

}  // namespace vault
