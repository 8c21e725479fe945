// AlertScanner: evaluates the anomaly rules of policies/alerts.json over the
// audit log and raises alerts (vault/alerts/alert_store.h), notifying the
// archive admins and auditors through the notification outbox.
//
// Where it runs: from vaultd's periodic work, on the one node that holds the
// periodic-work lease (api/vaultd/server.cc), not inline when events are
// appended. The audit log is the one ordered record every node and vaultctl
// write to; a pass reads it after a cursor stored with the alerts, and
// evaluates each page of events and moves the cursor in one transaction.
// So every event is evaluated exactly once across nodes and restarts, a
// new leader resumes where the last one stopped, and events written by
// vaultctl count too. The cost of inline evaluation (queries on every
// request) is avoided; the price is latency up to the pass interval.
//
// Rules read the audit log through AuditLog::List (per actor and time:
// index audit_by_actor_time), records through Vault::Get (by archive
// number), and the clients each user has logged in from from the store.
//
// Thread-safety: RunPass must not run concurrently with itself (vaultd runs
// passes one at a time); the collaborators are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vault/alerts/alert_policy.h"
#include "vault/alerts/alert_store.h"
#include "vault/audit/audit_log.h"
#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/borrow/borrow_store.h"
#include "vault/identity/identity_store.h"
#include "vault/vault.h"

namespace vault {

struct AlertPassReport {
  int64_t events = 0;         // audit events evaluated
  int64_t raised = 0;         // new alerts
  int64_t extended = 0;       // events added to an open alert
  int64_t notifications = 0;  // queued
};

class AlertScanner {
 public:
  struct Deps {
    const AlertPolicy* policy = nullptr;
    AlertStore* store = nullptr;
    AuditLog* audit = nullptr;
    Vault* vault = nullptr;              // records' classification
    IdentityStore* identity = nullptr;   // who is notified
    BorrowStore* outbox = nullptr;       // the notification outbox
    const Clock* clock = nullptr;
  };
  // Does not own its collaborators; they must outlive it.
  explicit AlertScanner(Deps deps) : d_(deps) {}

  // Evaluates up to `max_events` audit events after the cursor, then queues
  // the notifications of alerts not yet notified.
  StatusOr<AlertPassReport> RunPass(int64_t max_events = 20000);

 private:
  struct Event;
  Status Evaluate(AlertScanTxn& txn, const AuditEvent& e, AlertPassReport* report,
                  std::vector<int64_t>* raised);
  // The rules, each on one event (alert_rules.cc).
  Status Burst(AlertScanTxn& txn, const BurstRule& rule, const Event& e, AlertPassReport* report,
               std::vector<int64_t>* raised);
  Status Denials(AlertScanTxn& txn, const Event& e, AlertPassReport* report, std::vector<int64_t>* raised);
  Status AfterHours(AlertScanTxn& txn, const Event& e, AlertPassReport* report, std::vector<int64_t>* raised);
  Status WithoutLoan(AlertScanTxn& txn, const Event& e, AlertPassReport* report, std::vector<int64_t>* raised);
  Status NewAddress(AlertScanTxn& txn, const Event& e, AlertPassReport* report, std::vector<int64_t>* raised);
  // An event of a one-event rule: joins the subject's open alert of the
  // rule within the window, or raises a new one.
  void Single(AlertScanTxn& txn, const AlertRuleBase& rule, const Event& e, const std::string& summary,
              AlertPassReport* report, std::vector<int64_t>* raised);
  // The classification of the record an event names; empty when unknown.
  std::string ClassificationOf(const std::string& object);
  StatusOr<int64_t> Notify();

  Deps d_;
};

}  // namespace vault
