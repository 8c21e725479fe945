#include "vault/alerts/alert_scanner.h"

#include <algorithm>

#include "vault/alerts/internal/scan_event.h"

namespace vault {
namespace {

constexpr int64_t kPageSize = 200;

bool Anonymous(const std::string& actor) { return actor.empty() || actor == "-"; }

}  // namespace

StatusOr<AlertPassReport> AlertScanner::RunPass(int64_t max_events) {
  AlertPassReport report;
  while (report.events < max_events) {
    VAULT_ASSIGN_OR_RETURN(int64_t cursor, d_.store->Cursor());
    AuditFilter page;
    page.after_seq = cursor;
    page.limit = std::min(kPageSize, max_events - report.events);
    VAULT_ASSIGN_OR_RETURN(std::vector<AuditEvent> events, d_.audit->List(page));
    if (events.empty()) break;
    AlertPassReport part;
    std::vector<int64_t> raised;
    bool moved = true;
    Status st = d_.store->Scan([&](AlertScanTxn& txn) -> Status {
      // Another pass (a node that led a moment ago) got here first.
      if (txn.Cursor() != cursor) {
        moved = false;
        return Status::Ok();
      }
      for (const AuditEvent& e : events) VAULT_RETURN_IF_ERROR(Evaluate(txn, e, &part, &raised));
      txn.SetCursor(events.back().seq);
      return Status::Ok();
    });
    VAULT_RETURN_IF_ERROR(st);
    if (!moved) break;
    report.events += static_cast<int64_t>(events.size());
    report.raised += part.raised;
    report.extended += part.extended;
    // The raise is on record in the chain too, after the alert committed
    // (the audit log writes on its own transaction).
    std::vector<AuditRecord> records;
    for (int64_t id : raised) {
      auto a = d_.store->Get(id);
      if (!a.ok()) continue;
      records.push_back(AuditRecord{"vaultd", "-", "alert.raise", "alert " + std::to_string(id), "ok", "local", "",
                                    a->rule + " " + a->subject + ": " + a->summary});
    }
    VAULT_RETURN_IF_ERROR(d_.audit->AppendAll(records));
  }
  VAULT_ASSIGN_OR_RETURN(report.notifications, Notify());
  return report;
}

Status AlertScanner::Evaluate(AlertScanTxn& txn, const AuditEvent& e, AlertPassReport* report,
                              std::vector<int64_t>* raised) {
  const AuditRecord& r = e.record;
  if (r.action.rfind("alert.", 0) == 0 && r.actor == "vaultd") return Status::Ok();  // our own
  TimePoint t;
  if (!ParseUtc(e.time, &t)) return Status::Ok();  // not ours to judge; the chain check reports it
  const bool anonymous = Anonymous(r.actor);
  Event ev{e, t, anonymous ? "client " + r.client : r.actor, anonymous};
  if (r.outcome == "denied") return Denials(txn, ev, report, raised);
  if (r.outcome != "ok" || anonymous) return Status::Ok();
  for (const BurstRule& rule : d_.policy->bursts()) VAULT_RETURN_IF_ERROR(Burst(txn, rule, ev, report, raised));
  VAULT_RETURN_IF_ERROR(AfterHours(txn, ev, report, raised));
  VAULT_RETURN_IF_ERROR(WithoutLoan(txn, ev, report, raised));
  return NewAddress(txn, ev, report, raised);
}

void AlertScanner::Single(AlertScanTxn& txn, const AlertRuleBase& rule, const Event& e, const std::string& summary,
                          AlertPassReport* report, std::vector<int64_t>* raised) {
  if (std::optional<Alert> open = txn.Latest(rule.id, e.subject); open && open->state == "open") {
    TimePoint end;
    if (ParseUtc(open->window_end, &end) && e.time - end <= rule.window) {
      txn.Extend(open->id, e.audit.seq, e.audit.time);
      ++report->extended;
      return;
    }
  }
  Alert a;
  a.rule = rule.id;
  a.subject = e.subject;
  a.window_start = a.window_end = e.audit.time;
  a.last_seq = e.audit.seq;
  a.events = 1;
  a.raised_at = FormatUtc(d_.clock->Now());
  a.summary = summary;
  a.evidence = {e.audit.seq};
  raised->push_back(txn.Raise(a, rule.id + ":" + e.subject + ":" + std::to_string(e.audit.seq)));
  ++report->raised;
}

std::string AlertScanner::ClassificationOf(const std::string& object) {
  auto doc = d_.vault->Get(object);
  return doc.ok() ? doc->meta.classification : "";
}

StatusOr<int64_t> AlertScanner::Notify() {
  VAULT_ASSIGN_OR_RETURN(std::vector<Alert> pending, d_.store->Unnotified(100));
  if (pending.empty()) return int64_t{0};
  VAULT_ASSIGN_OR_RETURN(std::vector<User> users, d_.identity->ListUsers());
  const auto& roles = d_.policy->notify_roles();
  int64_t queued = 0;
  for (const Alert& a : pending) {
    std::vector<Notification> notes;
    for (const User& u : users) {
      if (u.disabled || std::find(roles.begin(), roles.end(), u.role) == roles.end()) continue;
      Notification n;
      n.recipient = u.username;
      n.kind = "alert";
      n.dedupe_key = "alert:" + std::to_string(a.id) + ":" + u.username;
      n.created_at = FormatUtc(d_.clock->Now());
      n.message = "异常告警 #" + std::to_string(a.id) + "（" + a.rule + "）" + a.subject + "：" + a.summary;
      notes.push_back(std::move(n));
    }
    // Queued again on the next pass if this fails (the dedupe keys keep a
    // recipient from hearing twice).
    VAULT_ASSIGN_OR_RETURN(int64_t added, d_.outbox->AddNotifications(notes));
    queued += added;
    VAULT_RETURN_IF_ERROR(d_.store->MarkNotified(a.id));
  }
  return queued;
}

}  // namespace vault
