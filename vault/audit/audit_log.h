// AuditLog: the tamper-evident record of who did what.
//
// Every event stores the SHA-256 of the previous event's canonical form, so
// editing, deleting or reordering a row breaks the chain at that row.
// Checkpoints are signed notes (signed_note.h) over (number of events, head
// hash); handed to auditors, they also make truncation of the tail and a
// rewritten chain detectable. There is no API that edits or deletes events.
//
// Owns the tables audit_events, audit_checkpoints and signing_keys of the
// shared metadata database (vault/db/database.h); appends are transactions
// (BEGIN IMMEDIATE) so concurrent writers (vaultctl, vaultd) interleave
// without forking the chain.
//
// Group commit: concurrent Append calls in one process are written in one
// transaction (one fsync) by whichever caller finds no flush under way; the
// others wait for it. Every Append still returns only after its event is
// durable, so a request is never answered before its audit event is stored.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/db/client.h"
#include "vault/keys/signer.h"

namespace vault {

// What a caller records. Never put secrets or content in any field. Append
// stores every field through EscapeControl() (vault/base/printable.h), so no
// field of a stored event holds a newline or another control character.
struct AuditRecord {
  std::string actor;
  std::string role;
  std::string action;   // e.g. "document.create", "document.read_content"
  std::string object;   // e.g. an archive number
  std::string outcome;  // "ok", "denied" or "error"
  std::string client;   // client address, or "cli"
  std::string request_id;
  std::string detail;   // e.g. an error reason
};

struct AuditEvent {
  int64_t seq = 0;
  std::string time;
  AuditRecord record;
  std::string prev_hash;  // hex; 64 zeros for the first event
  std::string hash;       // hex SHA-256 of CanonicalForm()
};

struct AuditFilter {
  std::string actor;
  std::string object;
  std::string action;
  std::string outcome;    // "ok", "denied", "error"; empty: any
  std::string from_time;  // inclusive, RFC 3339 prefix comparison
  std::string to_time;
  int64_t after_seq = 0;
  int64_t before_seq = 0;     // > 0: only events before it (the cursor of newest-first pages)
  bool newest_first = false;  // order by seq descending
  int64_t limit = 100;
};

struct AuditCheckpoint {
  int64_t id = 0;
  int64_t size = 0;
  std::string head_hash;
  std::string key_name;
  std::string note;
  std::string created_at;
};

struct AuditReport {
  bool ok = true;
  int64_t events = 0;
  int64_t checkpoints = 0;
  int64_t first_bad_seq = 0;  // 0 when the chain is intact
  std::vector<std::string> problems;
};

// What CheckPage says about one page of events: whether the stretches of
// the chain holding them verify, from the signed checkpoint before them (or
// event 1) to the one after them (or the page's newest event), and which
// signed checkpoint covers them.
struct PageChainReport {
  bool ok = true;
  bool complete = true;        // false: the page's events span more than the budget; the rest is unchecked
  int64_t walked = 0;          // events whose hash and link were checked
  int64_t unchecked = 0;       // page events left unchecked (complete == false)
  int64_t uncovered = 0;       // page events newer than the newest checkpoint
  bool covered = false;        // a checkpoint covers the page's newest event
  AuditCheckpoint covering;    // the first checkpoint covering it (when covered)
  int64_t first_bad_seq = 0;
  std::vector<std::string> problems;
};

extern const std::string kAuditGenesis;  // the predecessor hash of event 1

// The exact bytes that are hashed for an event.
std::string CanonicalForm(const AuditEvent& e);

class AuditLog {
 public:
  static StatusOr<std::unique_ptr<AuditLog>> Open(std::shared_ptr<db::Database> db, const Clock* clock);
  ~AuditLog();

  StatusOr<AuditEvent> Append(const AuditRecord& record);
  // Appends several events in one transaction (all or none), e.g. the
  // transitions of one scheduler pass.
  Status AppendAll(const std::vector<AuditRecord>& records);
  StatusOr<std::vector<AuditEvent>> List(const AuditFilter& filter);
  // The events of `actor` timed from `from_time` to `to_time` (inclusive),
  // newest first, at most `limit`: one range of the index audit_by_actor_time,
  // whatever the size of the log (the alert rules' windows).
  StatusOr<std::vector<AuditEvent>> ActorEvents(const std::string& actor, const std::string& from_time,
                                                const std::string& to_time, int64_t limit);
  // Signs (events so far, head hash) and stores the note; records the
  // signer's public key on first use.
  StatusOr<AuditCheckpoint> WriteCheckpoint(const Signer& signer);
  StatusOr<std::vector<AuditCheckpoint>> Checkpoints();
  // Walks the whole chain and checks every checkpoint's signature, size and
  // head hash. Problems are reported, not returned as errors.
  StatusOr<AuditReport> Verify();
  // Checks the stretches of the chain that hold `page` (events as List
  // returned them, any order): each stretch runs from the signed checkpoint
  // before it to the next one, so the work is bounded by the checkpoint
  // interval, not by the log's size; at most `budget` events are walked.
  // Defined in audit_page_check.cc.
  StatusOr<PageChainReport> CheckPage(const std::vector<AuditEvent>& page, int64_t budget = 200000);
  StatusOr<Signer::PublicKey> PublicKeyOf(const std::string& key_name);

  // Number of transactions that appended events (for tests and metrics).
  int64_t append_commits() const;

 private:
  struct PendingAppend;
  // Writes `batch` in one transaction; fills each entry's result.
  void CommitBatch(std::vector<std::shared_ptr<PendingAppend>>& batch);
  // With queue_mu_ held: leads or waits for flushes until `mine` is written.
  void WaitUntilWritten(std::unique_lock<std::mutex>& lock, const PendingAppend& mine);

  AuditLog(std::shared_ptr<db::Database> db, const Clock* clock);
  db::Client db_;
  const Clock* clock_;

  mutable std::mutex queue_mu_;  // guards the three members below
  std::condition_variable queue_cv_;
  std::vector<std::shared_ptr<PendingAppend>> queue_;
  bool flushing_ = false;
  int64_t append_commits_ = 0;
};

}  // namespace vault
