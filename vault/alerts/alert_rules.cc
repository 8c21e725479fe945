// The rules of AlertScanner, one event at a time (alert_scanner.h).
#include <algorithm>
#include <functional>

#include "vault/alerts/alert_scanner.h"
#include "vault/alerts/internal/scan_event.h"
#include "vault/borrow/borrow_policy.h"

namespace vault {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Join(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Rows of one actor read per window: a user past this many events in one
// window has long met any threshold; the newest are what is judged.
constexpr int64_t kMaxWindowRows = 5000;

// The events of `actor` in the window that ends at `at`: less than `window`
// before it, up to the event being judged (`at_seq`), after `after_seq`
// (events an earlier alert already holds), that `keep` accepts; oldest
// first, at most `limit` (the newest).
StatusOr<std::vector<AuditEvent>> WindowEvents(AuditLog& audit, const std::string& actor, TimePoint at,
                                               std::chrono::seconds window, int64_t at_seq, int64_t after_seq,
                                               int64_t limit, const std::function<bool(const AuditRecord&)>& keep) {
  VAULT_ASSIGN_OR_RETURN(std::vector<AuditEvent> rows,
                         audit.ActorEvents(actor, FormatUtc(at - window + std::chrono::seconds(1)), FormatUtc(at),
                                           kMaxWindowRows));
  std::vector<AuditEvent> out;
  for (AuditEvent& e : rows) {
    if (e.seq <= at_seq && e.seq > after_seq && keep(e.record)) out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const AuditEvent& a, const AuditEvent& b) { return a.seq > b.seq; });
  if (static_cast<int64_t>(out.size()) > limit) out.resize(static_cast<size_t>(limit));
  std::reverse(out.begin(), out.end());
  return out;
}

// Where the window of `rule` for a subject starts counting: after the
// events of its newest alert, when that alert ended inside the window.
int64_t AlreadyCounted(const std::optional<Alert>& latest, TimePoint at, std::chrono::seconds window) {
  TimePoint end;
  if (latest && ParseUtc(latest->window_end, &end) && at - end < window) return latest->last_seq;
  return 0;
}

// Joins `e` to the subject's open alert of `rule` when it ended within the
// window; true if it did.
bool JoinOpen(AlertScanTxn& txn, const std::optional<Alert>& latest, const AlertRuleBase& rule,
              const AuditEvent& e, TimePoint at) {
  TimePoint end;
  if (!latest || latest->state != "open" || !ParseUtc(latest->window_end, &end) || at - end > rule.window) {
    return false;
  }
  txn.Extend(latest->id, e.seq, e.time);
  return true;
}

// Raises `rule`'s alert for `subject` over `events` (oldest first); its
// first event is in the dedupe key, so one window is never raised twice.
int64_t RaiseWindow(AlertScanTxn& txn, const std::string& rule, const std::string& subject,
                    const std::vector<AuditEvent>& events, const std::string& now, const std::string& summary) {
  Alert a;
  a.rule = rule;
  a.subject = subject;
  a.window_start = events.front().time;
  a.window_end = events.back().time;
  a.last_seq = events.back().seq;
  a.events = static_cast<int64_t>(events.size());
  a.raised_at = now;
  a.summary = summary;
  for (const AuditEvent& e : events) a.evidence.push_back(e.seq);
  return txn.Raise(a, rule + ":" + subject + ":" + std::to_string(a.evidence.front()));
}

}  // namespace

Status AlertScanner::Burst(AlertScanTxn& txn, const BurstRule& rule, const Event& e, AlertPassReport* report,
                           std::vector<int64_t>* raised) {
  const AuditEvent& ev = e.audit;
  if (!rule.enabled || !Contains(rule.actions, ev.record.action)) return Status::Ok();
  const std::optional<Alert> latest = txn.Latest(rule.id, e.subject);
  if (JoinOpen(txn, latest, rule, ev, e.time)) {
    ++report->extended;
    return Status::Ok();
  }
  VAULT_ASSIGN_OR_RETURN(
      std::vector<AuditEvent> events,
      WindowEvents(*d_.audit, ev.record.actor, e.time, rule.window, ev.seq, AlreadyCounted(latest, e.time, rule.window),
                   rule.threshold, [&](const AuditRecord& r) {
                     return r.outcome == "ok" && Contains(rule.actions, r.action);
                   }));
  if (static_cast<int64_t>(events.size()) < rule.threshold) return Status::Ok();
  const std::string summary = std::to_string(rule.threshold) + " or more " + Join(rule.actions) + " within " +
                              FormatIsoDuration(rule.window);
  raised->push_back(RaiseWindow(txn, rule.id, e.subject, events, FormatUtc(d_.clock->Now()), summary));
  ++report->raised;
  return Status::Ok();
}

Status AlertScanner::Denials(AlertScanTxn& txn, const Event& e, AlertPassReport* report,
                             std::vector<int64_t>* raised) {
  const DenialRule& rule = d_.policy->denials();
  const AuditEvent& ev = e.audit;
  auto counts = [&](const AuditRecord& r) {
    return r.outcome == "denied" && !Contains(rule.ignore_reasons, r.detail) &&
           (!e.anonymous || r.client == ev.record.client);
  };
  if (!rule.enabled || !counts(ev.record)) return Status::Ok();
  const std::optional<Alert> latest = txn.Latest(rule.id, e.subject);
  if (JoinOpen(txn, latest, rule, ev, e.time)) {
    ++report->extended;
    return Status::Ok();
  }
  // Without a user, per client address: all such events share the actor "-".
  VAULT_ASSIGN_OR_RETURN(
      std::vector<AuditEvent> events,
      WindowEvents(*d_.audit, ev.record.actor, e.time, rule.window, ev.seq, AlreadyCounted(latest, e.time, rule.window),
                   rule.threshold, counts));
  if (static_cast<int64_t>(events.size()) < rule.threshold) return Status::Ok();
  const std::string summary =
      std::to_string(rule.threshold) + " or more refused requests within " + FormatIsoDuration(rule.window);
  raised->push_back(RaiseWindow(txn, rule.id, e.subject, events, FormatUtc(d_.clock->Now()), summary));
  ++report->raised;
  return Status::Ok();
}

Status AlertScanner::AfterHours(AlertScanTxn& txn, const Event& e, AlertPassReport* report,
                                std::vector<int64_t>* raised) {
  const AfterHoursRule& rule = d_.policy->after_hours();
  const AuditRecord& r = e.audit.record;
  if (!rule.enabled || !Contains(rule.actions, r.action)) return Status::Ok();
  if (d_.policy->WithinWorkingHours(e.time)) return Status::Ok();
  const std::string cls = ClassificationOf(r.object);
  if (!Contains(rule.classifications, cls)) return Status::Ok();
  Single(txn, rule, e, r.action + " of " + cls + " record " + r.object + " outside working hours", report, raised);
  return Status::Ok();
}

Status AlertScanner::WithoutLoan(AlertScanTxn& txn, const Event& e, AlertPassReport* report,
                                 std::vector<int64_t>* raised) {
  const LoanNeededRule& rule = d_.policy->loans();
  const AuditRecord& r = e.audit.record;
  if (!rule.enabled || !Contains(rule.actions, r.action) || !Contains(rule.roles, r.role)) return Status::Ok();
  // An export under a loan says so in its event ("..., loan ID" from
  // POST /documents/{id}/exports, "for loan ID" when a loan is issued).
  if (r.detail.find("loan ") != std::string::npos) return Status::Ok();
  const std::string cls = ClassificationOf(r.object);
  if (!Contains(rule.classifications, cls)) return Status::Ok();
  Single(txn, rule, e, r.action + " of " + cls + " record " + r.object + " by a " + r.role + " without a loan",
         report, raised);
  return Status::Ok();
}

Status AlertScanner::NewAddress(AlertScanTxn& txn, const Event& e, AlertPassReport* report,
                                std::vector<int64_t>* raised) {
  const NewAddressRule& rule = d_.policy->new_address();
  const AuditRecord& r = e.audit.record;
  if (r.action != "session.create") return Status::Ok();
  // Addresses are learnt even while the rule is off, so turning it on does
  // not flag every user's usual address.
  if (txn.KnowsClient(r.actor, r.client)) return Status::Ok();
  const bool baseline = txn.KnowsAnyClient(r.actor);
  txn.RememberClient(r.actor, r.client, e.audit.seq);
  if (!rule.enabled || !baseline) return Status::Ok();
  Single(txn, rule, e, "login from a new client address " + r.client, report, raised);
  return Status::Ok();
}

}  // namespace vault
