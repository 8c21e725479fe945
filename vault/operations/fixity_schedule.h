// FixitySchedule: vaultd's periodic integrity audit. A pass re-reads and
// authenticates every blob (Vault::Verify, the check `vaultctl verify`
// runs), paced by a RatePacer so it does not starve requests, then writes a
// signed fixity report:
//   report.json   canonical JSON (vault/base/canonical_json.h), type
//                 "sales-vault fixity report v1", with the counts, the bytes
//                 read, the pace and every problem found (changed, missing,
//                 untracked), never any content;
//   signature     Ed25519 over exactly those bytes, by the key derived from
//                 the primary master key for purpose "certificate", so
//                 `openssl pkeyutl -verify -pubin -inkey signing.pem -rawin`
//                 checks it with the key GET /api/v1/keys/signing.pem serves.
// Reports live in table fixity_reports (migration 15) and each pass is
// audited (fixity.scheduled: ok when intact, error otherwise).
//
// Due(): whether the last pass started at least `interval` ago (a restart
// does not postpone the schedule).
//
// Thread-safety: RunOnce runs one pass at a time (a second caller waits);
// Cancel() may be called from any thread and ends a running pass at its
// next pause.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vault/audit/audit_log.h"
#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/db/client.h"
#include "vault/keys/key_ring.h"
#include "vault/operations/rate_pacer.h"
#include "vault/vault.h"

namespace vault {

struct FixityRun {
  int64_t id = 0;
  std::string started_at;
  std::string finished_at;
  int64_t checked = 0, ok = 0, changed = 0, missing = 0, untracked = 0;
  int64_t bytes = 0;          // ciphertext bytes read
  std::string report;         // the signed canonical JSON (empty in lists)
  std::string signature_hex;  // 64-byte Ed25519 signature, hex (empty in lists)
  std::string key_name;       // "sales-vault-certificate+<kek id>"
  bool intact() const { return changed == 0 && missing == 0; }
};

class FixitySchedule {
 public:
  // 32 MiB/s and 200 blobs/s: a few percent of one core (docs/benchmarks.md).
  static constexpr int64_t kDefaultBytesPerSecond = 32ll << 20;
  static constexpr int64_t kDefaultBlobsPerSecond = 200;

  struct Deps {
    Vault* vault = nullptr;
    const KeyRing* keys = nullptr;     // the signing key's source
    std::shared_ptr<db::Database> db;  // table fixity_reports
    AuditLog* audit = nullptr;
    const Clock* clock = nullptr;
    PaceLimits pace{kDefaultBytesPerSecond, kDefaultBlobsPerSecond};
    // Waits between blobs; empty: a real wait that Cancel() cuts short.
    RatePacer::Sleep sleep;
  };
  static StatusOr<std::unique_ptr<FixitySchedule>> Open(Deps deps);

  // One full pass: check, sign, store, audit. A pass that finds damage
  // still succeeds (its report says so); an error means no report.
  // fixity.cancelled when Cancel() ended it.
  StatusOr<FixityRun> RunOnce();
  // Whether a pass is due: none yet, or the newest started `interval` ago.
  StatusOr<bool> Due(std::chrono::seconds interval);
  void Cancel();

  // Blob bytes the passes of this process have read so far (GET /metrics).
  int64_t bytes_read() const { return bytes_read_.load(); }

  // Newest first, without report bodies.
  StatusOr<std::vector<FixityRun>> List(int64_t limit);
  // fixity.not_found.
  StatusOr<FixityRun> Get(int64_t id);

 private:
  explicit FixitySchedule(Deps deps);
  Status RealSleep(std::chrono::nanoseconds d);

  Deps deps_;
  db::Client db_;
  std::mutex run_mu_;  // one pass at a time
  std::mutex cancel_mu_;
  std::condition_variable cancel_cv_;
  bool cancelled_ = false;
  std::atomic<int64_t> bytes_read_{0};
};

}  // namespace vault
