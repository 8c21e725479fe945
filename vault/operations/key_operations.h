// KeyOperations: master-key rotation, rewrap and four-eyes destruction of
// an old master key, run inside the process that owns the key ring (vaultd),
// so no second process ever rewrites the key file.
//
// Rotation: StartRotation() creates the new primary KEK and persists the
// ring before returning (Vault::RotateKeys' first step), then rewraps every
// DEK on a background thread (Vault::RewrapToPrimary, 500 per transaction).
// Reads keep working throughout: a DEK is always wrapped by a KEK that is in
// the ring, and the old KEK stays until it is destroyed. Progress() reports
// the running total and what is left (counted in the database, so it is
// true after a restart too).
//
// Destruction of an old KEK is four-eyes: RequestDestruction() by one
// admin, ApproveDestruction() by a different one (key.same_admin
// otherwise). An approved KEK is destroyed (Vault::DestroyKek: tombstone,
// then removal from the ring) only once no DEK is wrapped by it: at once
// when the rewrap is already complete, otherwise when the rewrap finishes.
// Every step that happens without a request (rewrap finished or failed, the
// KEK destroyed) is appended to the audit log here; the caller audits the
// requests it serves.
//
// Requests and approvals live in table kek_destructions (migration 15).
//
// Thread-safety: safe for concurrent use. One rewrap runs at a time.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vault/audit/audit_log.h"
#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/db/client.h"
#include "vault/keys/key_ring.h"
#include "vault/metadata/metadata_store.h"
#include "vault/vault.h"

namespace vault {

struct RewrapProgress {
  std::string state = "idle";  // idle | running | done | failed
  std::string primary_kek_id;
  std::string started_by;
  std::string started_at;
  std::string finished_at;
  int64_t rewrapped = 0;  // by the current (or last) rewrap
  int64_t remaining = 0;  // DEKs still wrapped by a retired KEK
  std::string error;      // the failure's reason, when state is failed
};

struct KekDestruction {
  int64_t id = 0;
  std::string kek_id;
  std::string state;  // requested | approved (waits for the rewrap) | destroyed
  std::string requested_by;
  std::string requested_at;
  std::string approved_by;
  std::string approved_at;
  std::string destroyed_at;
};

class KeyOperations {
 public:
  struct Deps {
    Vault* vault = nullptr;            // RotateKeys' parts, DestroyKek
    KeyRing* keys = nullptr;           // the ring this process owns
    MetadataStore* metadata = nullptr;  // counts of DEKs per KEK
    std::shared_ptr<db::Database> db;  // table kek_destructions
    AuditLog* audit = nullptr;
    const Clock* clock = nullptr;
  };
  static StatusOr<std::unique_ptr<KeyOperations>> Open(Deps deps);
  // Waits for a running rewrap to finish.
  ~KeyOperations();

  // New primary KEK (persisted before this returns), then the rewrap in the
  // background. key.rotation_running while a rewrap runs;
  // key.rotate_unsupported in passphrase mode.
  StatusOr<RewrapProgress> StartRotation(const std::string& actor);
  // Only the background rewrap (finishes an interrupted rotation, or DEKs
  // that a racing ingest committed under the old KEK).
  StatusOr<RewrapProgress> StartRewrap(const std::string& actor);
  StatusOr<RewrapProgress> Progress();
  // Blocks until no rewrap runs (tests, shutdown).
  void WaitIdle();

  // key.unknown_kek, key.is_primary, key.destruction_pending (a request for
  // this KEK waits already).
  StatusOr<KekDestruction> RequestDestruction(const std::string& actor, const std::string& kek_id);
  // key.destruction_not_found, key.destruction_decided, key.same_admin
  // (PERMISSION_DENIED: the requester may not approve). Destroys the KEK at
  // once if nothing is wrapped by it any more.
  StatusOr<KekDestruction> ApproveDestruction(const std::string& approver, int64_t id);
  StatusOr<std::vector<KekDestruction>> ListDestructions();

 private:
  explicit KeyOperations(Deps deps);
  Status LaunchLocked(const std::string& actor);
  void RunRewrap(std::string actor);
  // Destroys every approved KEK that wraps nothing; call without mu_.
  void DestroyApproved();
  void AuditEvent(const std::string& actor, const std::string& action, const std::string& object,
                  const Status& outcome, const std::string& detail);

  Deps deps_;
  db::Client db_;
  std::mutex mu_;
  std::condition_variable idle_;
  RewrapProgress progress_;
  std::thread worker_;
  std::mutex destroy_mu_;  // one destruction pass at a time
};

}  // namespace vault
