#include "vault/alerts/alert_store.h"

#include <algorithm>

namespace vault {
namespace {

constexpr char kColumns[] =
    "id, rule, subject, window_start, window_end, last_seq, events, raised_at, summary, state, acknowledged_by, "
    "acknowledged_at, note";

Alert AlertFromRow(const db::PreparedQuery& q) {
  Alert a;
  a.id = q.Int("id");
  a.rule = q.Text("rule");
  a.subject = q.Text("subject");
  a.window_start = q.Text("window_start");
  a.window_end = q.Text("window_end");
  a.last_seq = q.Int("last_seq");
  a.events = q.Int("events");
  a.raised_at = q.Text("raised_at");
  a.summary = q.Text("summary");
  a.state = q.Text("state");
  a.acknowledged_by = q.Text("acknowledged_by");
  a.acknowledged_at = q.Text("acknowledged_at");
  a.note = q.Text("note");
  return a;
}

std::vector<int64_t> EvidenceOf(db::Connection& c, int64_t id) {
  std::vector<int64_t> out;
  db::PreparedQuery q = c.Prepared("SELECT seq FROM alert_evidence WHERE alert_id = ? ORDER BY seq");
  q.Bind(1, id);
  while (q.Step()) out.push_back(q.Int("seq"));
  return out;
}

std::optional<Alert> LoadAlert(db::Connection& c, int64_t id) {
  db::PreparedQuery q = c.Prepared(std::string("SELECT ") + kColumns + " FROM alerts WHERE id = ?");
  q.Bind(1, id);
  if (!q.Step()) return std::nullopt;
  Alert a = AlertFromRow(q);
  a.evidence = EvidenceOf(c, id);
  return a;
}

}  // namespace

std::optional<Alert> AlertScanTxn::Latest(const std::string& rule, const std::string& subject) {
  db::PreparedQuery q = c_.Prepared(std::string("SELECT ") + kColumns +
                                    " FROM alerts WHERE rule = ? AND subject = ? ORDER BY id DESC LIMIT 1");
  q.Bind(1, rule).Bind(2, subject);
  if (!q.Step()) return std::nullopt;
  return AlertFromRow(q);
}

int64_t AlertScanTxn::Raise(const Alert& a, const std::string& dedupe_key) {
  db::PreparedQuery ins = c_.Prepared(
      "INSERT OR IGNORE INTO alerts (rule, subject, window_start, window_end, last_seq, events, raised_at, summary, "
      "state, dedupe_key) VALUES (?,?,?,?,?,?,?,?,'open',?)");
  ins.Bind(1, a.rule).Bind(2, a.subject).Bind(3, a.window_start).Bind(4, a.window_end).Bind(5, a.last_seq);
  ins.Bind(6, a.events).Bind(7, a.raised_at).Bind(8, a.summary).Bind(9, dedupe_key);
  ins.Step();
  // Not lastval()/last_insert_rowid(): an ignored insert leaves them stale.
  db::PreparedQuery id = c_.Prepared("SELECT id FROM alerts WHERE dedupe_key = ?");
  id.Bind(1, dedupe_key);
  id.Step();
  const int64_t alert_id = id.Int("id");
  const size_t stored = std::min<size_t>(a.evidence.size(), kMaxAlertEvidence);
  for (size_t i = 0; i < stored; ++i) {
    db::PreparedQuery ev = c_.Prepared("INSERT OR IGNORE INTO alert_evidence (alert_id, seq) VALUES (?,?)");
    ev.Bind(1, alert_id).Bind(2, a.evidence[i]);
    ev.Step();
  }
  return alert_id;
}

void AlertScanTxn::Extend(int64_t id, int64_t seq, const std::string& time) {
  db::PreparedQuery count = c_.Prepared("SELECT events FROM alerts WHERE id = ?");
  count.Bind(1, id);
  if (!count.Step()) return;
  if (count.Int("events") < kMaxAlertEvidence) {
    db::PreparedQuery ev = c_.Prepared("INSERT OR IGNORE INTO alert_evidence (alert_id, seq) VALUES (?,?)");
    ev.Bind(1, id).Bind(2, seq);
    ev.Step();
  }
  db::PreparedQuery up =
      c_.Prepared("UPDATE alerts SET window_end = ?, last_seq = ?, events = events + 1 WHERE id = ? AND last_seq < ?");
  up.Bind(1, time).Bind(2, seq).Bind(3, id).Bind(4, seq);
  up.Step();
}

bool AlertScanTxn::KnowsClient(const std::string& username, const std::string& client) {
  db::PreparedQuery q = c_.Prepared("SELECT first_seq FROM alert_known_clients WHERE username = ? AND client = ?");
  q.Bind(1, username).Bind(2, client);
  return q.Step();
}

bool AlertScanTxn::KnowsAnyClient(const std::string& username) {
  db::PreparedQuery q = c_.Prepared("SELECT first_seq FROM alert_known_clients WHERE username = ? LIMIT 1");
  q.Bind(1, username);
  return q.Step();
}

void AlertScanTxn::RememberClient(const std::string& username, const std::string& client, int64_t seq) {
  db::PreparedQuery q =
      c_.Prepared("INSERT OR IGNORE INTO alert_known_clients (username, client, first_seq) VALUES (?,?,?)");
  q.Bind(1, username).Bind(2, client).Bind(3, seq);
  q.Step();
}

int64_t AlertScanTxn::Cursor() {
  db::PreparedQuery q = c_.Prepared("SELECT seq FROM alert_scan_state WHERE name = 'cursor'");
  return q.Step() ? q.Int("seq") : 0;
}

void AlertScanTxn::SetCursor(int64_t seq) {
  db::PreparedQuery q = c_.Prepared(
      "INSERT INTO alert_scan_state (name, seq) VALUES ('cursor', ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq");
  q.Bind(1, seq);
  q.Step();
}

StatusOr<std::unique_ptr<AlertStore>> AlertStore::Open(std::shared_ptr<db::Database> db) {
  return std::unique_ptr<AlertStore>(new AlertStore(std::move(db)));
}

StatusOr<int64_t> AlertStore::Cursor() {
  return db_.Read([&](db::Connection& c) -> StatusOr<int64_t> {
    db::PreparedQuery q = c.Prepared("SELECT seq FROM alert_scan_state WHERE name = 'cursor'");
    return q.Step() ? q.Int("seq") : int64_t{0};  // none yet: a new vault, scanned from the start
  });
}

Status AlertStore::Scan(const std::function<Status(AlertScanTxn&)>& scan) {
  return db_.Write([&](db::Connection& c) -> Status {
    AlertScanTxn txn(c);
    return scan(txn);
  });
}

StatusOr<std::vector<Alert>> AlertStore::List(const AlertFilter& f) {
  const int64_t limit = std::clamp<int64_t>(f.limit, 1, 200);
  const int64_t before = f.before_id > 0 ? f.before_id : INT64_MAX;
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<Alert>> {
    // Empty filters match anything: (? = '' OR column = ?).
    db::PreparedQuery q = c.Prepared(std::string("SELECT ") + kColumns +
                                     " FROM alerts WHERE id < ? AND (? = '' OR state = ?) AND (? = '' OR rule = ?) "
                                     "AND (? = '' OR subject = ?) ORDER BY id DESC LIMIT " +
                                     std::to_string(limit));
    q.Bind(1, before).Bind(2, f.state).Bind(3, f.state).Bind(4, f.rule).Bind(5, f.rule);
    q.Bind(6, f.subject).Bind(7, f.subject);
    std::vector<Alert> out;
    while (q.Step()) out.push_back(AlertFromRow(q));
    for (Alert& a : out) a.evidence = EvidenceOf(c, a.id);
    return out;
  });
}

StatusOr<Alert> AlertStore::Get(int64_t id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<Alert> {
    std::optional<Alert> a = LoadAlert(c, id);
    if (!a) return NotFoundError("alert.not_found", "no such alert");
    return *a;
  });
}

StatusOr<Alert> AlertStore::Acknowledge(int64_t id, const std::string& by, const std::string& note,
                                        const std::string& at) {
  return db_.Write([&](db::Connection& c) -> StatusOr<Alert> {
    std::optional<Alert> a = LoadAlert(c, id);
    if (!a) return NotFoundError("alert.not_found", "no such alert");
    if (a->state != "open") {
      return FailedPreconditionError("alert.already_acknowledged",
                                     "the alert was acknowledged by " + a->acknowledged_by + " at " + a->acknowledged_at);
    }
    db::PreparedQuery up = c.Prepared(
        "UPDATE alerts SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, note = ? WHERE id = ?");
    up.Bind(1, by).Bind(2, at).Bind(3, note).Bind(4, id);
    up.Step();
    a->state = "acknowledged";
    a->acknowledged_by = by;
    a->acknowledged_at = at;
    a->note = note;
    return *a;
  });
}

StatusOr<std::vector<Alert>> AlertStore::Unnotified(int64_t limit) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<Alert>> {
    db::PreparedQuery q = c.Prepared(std::string("SELECT ") + kColumns +
                                     " FROM alerts WHERE notified = 0 ORDER BY id LIMIT " +
                                     std::to_string(std::clamp<int64_t>(limit, 1, 1000)));
    std::vector<Alert> out;
    while (q.Step()) out.push_back(AlertFromRow(q));
    return out;
  });
}

Status AlertStore::MarkNotified(int64_t id) {
  return db_.Write([&](db::Connection& c) -> Status {
    db::PreparedQuery q = c.Prepared("UPDATE alerts SET notified = 1 WHERE id = ?");
    q.Bind(1, id);
    q.Step();
    return Status::Ok();
  });
}

}  // namespace vault
