// AlertStore: anomaly alerts and what the scan over the audit log keeps, in
// the shared metadata database (vault/db/): it owns the tables alerts,
// alert_evidence, alert_known_clients and alert_scan_state (migration 14).
//
// The scan (vault/alerts/alert_scanner.h) runs inside Scan(): one write
// transaction in which it reads and raises alerts through AlertScanTxn and
// moves the cursor, so a page of audit events is evaluated exactly once,
// whichever node runs it and whenever it crashes. A raised alert's
// dedupe_key (rule, subject, first evidence seq) is unique besides.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vault/alerts/alert.h"
#include "vault/base/status.h"
#include "vault/db/client.h"

namespace vault {

struct AlertFilter {
  std::string state;       // "open", "acknowledged"; empty: any
  std::string rule;        // empty: any
  std::string subject;     // empty: any
  int64_t before_id = 0;   // > 0: only alerts older than it (newest first pages)
  int64_t limit = 50;      // 1..200
};

// What a scan sees and changes, inside Scan()'s transaction.
class AlertScanTxn {
 public:
  explicit AlertScanTxn(db::Connection& c) : c_(c) {}
  // The newest alert of `rule` for `subject` (without its evidence).
  std::optional<Alert> Latest(const std::string& rule, const std::string& subject);
  // Stores a new open alert with its evidence (seqs, oldest first); its id.
  // Raising one whose dedupe key exists already returns the existing id.
  int64_t Raise(const Alert& alert, const std::string& dedupe_key);
  // Adds one evidence event to an alert and moves its window end.
  void Extend(int64_t id, int64_t seq, const std::string& time);
  // Whether `username` has logged in from `client` before; whether from anywhere.
  bool KnowsClient(const std::string& username, const std::string& client);
  bool KnowsAnyClient(const std::string& username);
  void RememberClient(const std::string& username, const std::string& client, int64_t seq);
  int64_t Cursor();
  void SetCursor(int64_t seq);

 private:
  db::Connection& c_;
};

class AlertStore {
 public:
  static StatusOr<std::unique_ptr<AlertStore>> Open(std::shared_ptr<db::Database> db);

  // The last audit event seq the scan has evaluated (0: none yet).
  StatusOr<int64_t> Cursor();
  // Runs `scan` in one write transaction (committed when it returns Ok).
  Status Scan(const std::function<Status(AlertScanTxn&)>& scan);

  // Newest first, each with its evidence.
  StatusOr<std::vector<Alert>> List(const AlertFilter& filter);
  // alert.not_found.
  StatusOr<Alert> Get(int64_t id);
  // alert.not_found; alert.already_acknowledged (409).
  StatusOr<Alert> Acknowledge(int64_t id, const std::string& by, const std::string& note, const std::string& at);

  // Alerts whose recipients have not been told yet (oldest first), and
  // marking them told: notifications are queued after the alert commits.
  StatusOr<std::vector<Alert>> Unnotified(int64_t limit);
  Status MarkNotified(int64_t id);

 private:
  explicit AlertStore(std::shared_ptr<db::Database> db) : db_(std::move(db), "alert.db_error", "alerts") {}
  db::Client db_;
};

}  // namespace vault
