// BorrowService::RunSchedule: reminders, overdue loans, suspension and
// escalation, run on a timer.
#include "vault/borrow/borrow_service.h"

#include <map>

#include "vault/borrow/internal/loan_helpers.h"

namespace vault {


StatusOr<ScheduleReport> BorrowService::RunSchedule() {
  const TimePoint now = d_.clock->Now();
  const std::string at = FormatUtc(now);
  VAULT_ASSIGN_OR_RETURN(std::vector<ScheduledLoan> loans, d_.store->OnLoan());
  ScheduleReport report;
  report.on_loan = static_cast<int64_t>(loans.size());
  std::vector<std::string> to_suspend, to_escalate;
  std::vector<Notification> notes;
  std::map<std::string, std::vector<std::string>> managers;  // department -> dept_managers
  if (auto users = d_.identity->ListUsers(); users.ok()) {
    for (const User& u : *users) {
      if (u.role == "dept_manager" && !u.disabled) managers[u.department].push_back(u.username);
    }
  }
  auto note = [&](const std::string& to, const ScheduledLoan& l, const std::string& kind, const std::string& key,
                  const std::string& message) {
    Notification n;
    n.recipient = to;
    n.borrow_id = l.id;
    n.kind = kind;
    n.dedupe_key = l.id + ":" + key;
    n.created_at = at;
    n.message = message;
    notes.push_back(std::move(n));
  };
  for (const ScheduledLoan& l : loans) {
    const LoanRule* rule = RuleNamed(l.rule);
    TimePoint due, issued;
    if (!rule || !ParseUtc(l.due_at, &due)) continue;
    if (!ParseUtc(l.issued_at, &issued)) issued = due;
    if (due > now) {
      // Reminders before the due time: only the latest point that has
      // passed, so a scheduler that was down sends one, not a backlog.
      TimePoint latest = TimePoint::min();
      for (Seconds before : rule->remind_before) {
        const TimePoint p = due - before;
        if (p <= now && p >= issued && p > latest) latest = p;
      }
      if (latest != TimePoint::min()) {
        note(l.borrower, l, "reminder", "remind:" + l.due_at + ":" + FormatUtc(latest),
             "借阅 " + l.id + " 将于 " + l.due_at + " 到期，请按时归还或申请续借");
      }
      continue;
    }
    // Due time passed.
    const Seconds late = std::chrono::duration_cast<Seconds>(now - due);
    std::string point = l.due_at;
    if (rule->overdue_every.count() > 0) {
      const int64_t k = late.count() / rule->overdue_every.count();
      point = FormatUtc(due + rule->overdue_every * k);
    }
    note(l.borrower, l, "overdue", "overdue:" + l.due_at + ":" + point,
         "借阅 " + l.id + " 已于 " + l.due_at + " 逾期，请立即归还");
    if (rule->suspend_after.count() > 0 && late >= rule->suspend_after && !l.suspended) {
      to_suspend.push_back(l.id);
    }
    if (rule->escalate_after.count() > 0 && late >= rule->escalate_after && !l.escalated) {
      to_escalate.push_back(l.id);
    }
  }
  VAULT_ASSIGN_OR_RETURN(BorrowStore::Applied applied,
                         d_.store->ApplySchedule(to_suspend, to_escalate, at, "scheduler"));
  // Suspension and escalation notices only for what this pass changed.
  std::map<std::string, const ScheduledLoan*> by_id;
  for (const auto& l : loans) by_id[l.id] = &l;
  for (const std::string& id : applied.suspended) {
    const ScheduledLoan& l = *by_id[id];
    const LoanRule* rule = RuleNamed(l.rule);
    note(l.borrower, l, "suspended", "suspended:" + l.due_at,
         "借阅 " + l.id + " 逾期超过 " + FormatIsoDuration(rule->suspend_after) + "，您的借阅权限已暂停");
  }
  for (const std::string& id : applied.escalated) {
    const ScheduledLoan& l = *by_id[id];
    const LoanRule* rule = RuleNamed(l.rule);
    for (const std::string& m : managers[l.borrower_department]) {
      if (m == l.borrower) continue;
      note(m, l, "escalated", "escalated:" + l.due_at + ":" + m,
           "借阅 " + l.id + "（" + l.borrower + "）逾期超过 " + FormatIsoDuration(rule->escalate_after));
    }
  }
  report.overdue = static_cast<int64_t>(applied.overdue.size());
  report.suspended = static_cast<int64_t>(applied.suspended.size());
  report.escalated = static_cast<int64_t>(applied.escalated.size());
  // The transitions are audited first: a failure to queue notifications
  // must not leave them unrecorded (the notifications are queued again by
  // the next pass; their keys make that harmless).
  if (d_.audit) {
    std::vector<AuditRecord> records;
    auto record = [&](const std::string& action, const std::string& id) {
      AuditRecord r;
      r.actor = "scheduler";
      r.role = "-";
      r.action = action;
      r.object = id;
      r.outcome = "ok";
      r.client = "scheduler";
      records.push_back(std::move(r));
    };
    for (const auto& id : applied.overdue) record("borrow.overdue", id);
    for (const auto& id : applied.suspended) record("borrow.suspend", id);
    for (const auto& id : applied.escalated) record("borrow.escalate", id);
    VAULT_RETURN_IF_ERROR(d_.audit->AppendAll(records));
  }
  VAULT_ASSIGN_OR_RETURN(report.notifications, d_.store->AddNotifications(notes));
  return report;
}

}  // namespace vault
