// BorrowPolicy: the loan rules of policies/borrowing.json (docs/borrowing.md).
//
// Rules are matched by classification x document type x department; the
// first rule whose lists all match (an empty or absent list matches
// anything) decides, and the last rule must match everything (the
// default). A rule gives the loan periods, renewals, the reminder schedule,
// the overdue ladder (suspend, escalate), the kinds of loan allowed and the
// approval chain. Durations are ISO 8601 (P30D, PT2S, P1DT12H, P2W), so
// short loans can be tested end to end.
//
// Immutable after loading; safe to share between threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault {

using Seconds = std::chrono::seconds;

// ISO 8601 durations: P[nW] or P[nD][T[nH][nM][nS]] with whole numbers
// (e.g. P30D, PT2S, P1DT12H, P2W, PT0S). Years and months are refused
// (their length varies). borrow.bad_duration on anything else, including
// values over 100 years.
StatusOr<Seconds> ParseIsoDuration(const std::string& text);
// The shortest ISO 8601 form of `d` (P3D, PT2S, P1DT2H, PT0S).
std::string FormatIsoDuration(Seconds d);

// Approval steps, in chain order.
//   "dept_manager": a dept_manager of the department owning the records
//   "legal": any user with the legal role
//   "archive_admin": any archive_admin
struct LoanRule {
  std::string name;
  // Matching: empty lists match anything.
  std::vector<std::string> classifications;  // public | internal | confidential
  std::vector<std::string> doc_types;        // as stored in the document's doc_type
  std::vector<std::string> departments;      // the document's department
  Seconds default_period{0};
  Seconds max_period{0};
  int renewals_allowed = 0;
  Seconds renewal_period{0};
  // A renewal may be asked for only within this long before the due time.
  Seconds renew_not_before{0};
  // Reminders before the due time (PT0S: at the due time), e.g. P3D, PT0S.
  std::vector<Seconds> remind_before;
  // Once overdue, a reminder every this long (0: none).
  Seconds overdue_every{0};
  // Overdue this long: the borrower may not start new loans.
  Seconds suspend_after{0};
  // Overdue this long: the borrower's department manager is notified.
  Seconds escalate_after{0};
  std::vector<std::string> kinds;           // electronic | paper | reading_room
  std::vector<std::string> approval_chain;  // steps, see above; may be empty
};

class BorrowPolicy {
 public:
  // borrow.policy_invalid with the offending field in the message.
  static StatusOr<std::unique_ptr<BorrowPolicy>> FromJson(const std::string& json);

  // The first rule matching the document; never null (the last rule
  // matches everything).
  const LoanRule& RuleFor(const std::string& classification, const std::string& doc_type,
                          const std::string& department) const;
  const std::vector<LoanRule>& rules() const { return rules_; }
  // Largest number of documents in one request.
  int max_documents() const { return max_documents_; }
  // How long after a recall the loan falls due when the admin names none.
  Seconds recall_period() const { return recall_period_; }
  // Largest returned copy accepted (bytes).
  int64_t max_return_bytes() const { return max_return_bytes_; }

 private:
  BorrowPolicy() = default;
  std::vector<LoanRule> rules_;
  int max_documents_ = 10;
  Seconds recall_period_{0};
  int64_t max_return_bytes_ = 256ll << 20;
};

}  // namespace vault
