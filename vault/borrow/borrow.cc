#include "vault/borrow/borrow.h"

namespace vault {

bool IsOnLoan(const std::string& s) {
  return s == borrow_state::kIssued || s == borrow_state::kOverdue || s == borrow_state::kRenewalRequested;
}

bool IsClosed(const std::string& s) {
  return s == borrow_state::kRejected || s == borrow_state::kWithdrawn || s == borrow_state::kReturnedVerified ||
         s == borrow_state::kReturnedAltered || s == borrow_state::kReturnedDeclared || s == borrow_state::kRevoked;
}

std::string StateLabel(const std::string& s) {
  if (s == borrow_state::kRequested) return "待审批";
  if (s == borrow_state::kApproved) return "已批准";
  if (s == borrow_state::kRejected) return "已驳回";
  if (s == borrow_state::kWithdrawn) return "已撤回";
  if (s == borrow_state::kIssued) return "借出中";
  if (s == borrow_state::kOverdue) return "已逾期";
  if (s == borrow_state::kRenewalRequested) return "续借审批中";
  if (s == borrow_state::kReturnedVerified) return "已归还（核验一致）";
  if (s == borrow_state::kReturnedAltered) return "已归还（核验不一致）";
  if (s == borrow_state::kReturnedDeclared) return "已声明销毁";
  if (s == borrow_state::kRevoked) return "已撤销";
  return s;
}

}  // namespace vault
