// A loan (借阅) and its parts, as stored by BorrowStore and moved through
// its states by BorrowService (docs/borrowing.md has the state diagram).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vault/borrow/borrow_policy.h"

namespace vault {

namespace borrow_state {
inline constexpr char kRequested[] = "requested";
inline constexpr char kApproved[] = "approved";
inline constexpr char kRejected[] = "rejected";
inline constexpr char kWithdrawn[] = "withdrawn";
inline constexpr char kIssued[] = "issued";
inline constexpr char kOverdue[] = "overdue";
inline constexpr char kRenewalRequested[] = "renewal_requested";
inline constexpr char kReturnedVerified[] = "returned_verified";
inline constexpr char kReturnedAltered[] = "returned_altered";
inline constexpr char kReturnedDeclared[] = "returned_declared";
inline constexpr char kRevoked[] = "revoked";
}  // namespace borrow_state

// Loans the borrower holds (issued, overdue or waiting for a renewal).
bool IsOnLoan(const std::string& state);
// Loans that are over (rejected, withdrawn, returned_*, revoked).
bool IsClosed(const std::string& state);
// 状态 for the register, e.g. 已归还（核验一致）.
std::string StateLabel(const std::string& state);

struct BorrowItem {
  int position = 0;
  std::string document_id;
  std::string archive_number;
  std::string title;
  std::string classification;
  std::string doc_type;
  std::string department;
  uint32_t version = 0;            // the version issued
  std::string export_id;           // electronic: the export bound to the loan
  std::string copy_artifact;       // electronic: the issued copy, sealed
  std::string issued_sha256;       // electronic: SHA-256 of the issued copy
  int64_t issued_pages = 0;        // pages issued (paper: as counted)
  std::string returned_sha256;
  int64_t returned_pages = 0;
  std::string evidence_artifact;   // an altered return, sealed
  std::string result;              // verified | altered | declared | "" (not returned)
  std::string returned_at;
};

struct BorrowEvent {
  int seq = 0;
  std::string at;
  std::string actor;
  std::string action;  // request, approve, reject, withdraw, issue, renew, recall, revoke, return, overdue, ...
  std::string from_state;
  std::string to_state;
  int round = 0;
  std::string detail;
};

struct BorrowIncident {
  int64_t id = 0;
  std::string borrow_id;
  std::string document_id;
  std::string at;
  std::string kind;  // returned_altered | page_count_mismatch
  std::string detail;
  std::string evidence_artifact;
};

struct Borrow {
  std::string id;  // JY + 12 Crockford base32 characters
  std::string borrower;
  std::string borrower_department;
  std::string purpose;
  std::string kind;  // electronic | paper | reading_room
  Seconds period{0};
  std::string rule;
  std::vector<std::string> chain;  // approval steps
  int step = 0;                    // next step of the chain to approve
  int round = 0;                   // 0: the loan; n: the n-th renewal
  int renewals = 0;                // renewals granted
  std::string state;
  std::string resume_state;        // where a refused renewal goes back to
  std::string requested_at, approved_at, issued_at, due_at, closed_at;
  bool suspended = false;  // overdue past the rule's suspend_after
  bool escalated = false;  // overdue past escalate_after; the manager was told
  std::string note;
  int64_t revision = 0;
  // While an electronic loan is being issued: "<token> <time>" of the one
  // Issue call allowed to stamp its copies (BorrowService::Issue); "" else.
  std::string issue_claim;
  std::vector<BorrowItem> items;
  std::vector<BorrowEvent> events;  // oldest first
  // Written by BorrowStore::Update with the row; not read back.
  std::vector<BorrowIncident> new_incidents;
};

struct Notification {
  int64_t id = 0;
  std::string recipient;
  std::string borrow_id;
  std::string kind;        // e.g. approval_needed, reminder, overdue, suspended, escalated, recalled
  std::string dedupe_key;  // unique: the same reminder is never stored twice
  std::string created_at;
  std::string message;
};

}  // namespace vault
