// VaultServer: the HTTP face of the vault (vaultd).
//
// Thin by design: parse -> authenticate (IdentityStore) -> decide
// (PolicyEngine) -> call the Vault -> write JSON -> audit. Errors are
// {"error":{"code":"...","message":"..."}} with the matching HTTP status.
// Poco exceptions never escape a handler.
//
// Thread-safety: requests run on Poco's worker threads; everything they
// touch (Vault, stores, engine, metrics) is thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "api/vaultd/event_log.h"
#include "vault/base/status.h"
#include "vault/db/leader_lease.h"
#include "vault/local/local_vault.h"
#include "vault/operations/backup_operations.h"
#include "vault/operations/fixity_schedule.h"
#include "vault/operations/key_operations.h"
#include "vault/operations/quality_sampling.h"
#include "vault/policy/policy_engine.h"
#include "vault/services/services.h"

namespace Poco {
class Timer;
}  // namespace Poco

namespace vaultd {

struct ServerOptions {
  std::string listen_host = "127.0.0.1";
  uint16_t port = 8640;  // 0: pick a free port (tests)
  // Workers: threads that serve requests. Connections that have not sent a
  // complete request wait in the waiting room, not on a worker.
  int max_threads = 16;
  int max_queued = 64;  // unused since the waiting room; kept for old configs
  // Open connections at most; at the limit the longest-idle one is closed
  // to make room (the process's descriptor limit is raised to fit).
  int max_connections = 4096;
  // Connections one client address may hold (0: no limit, e.g. behind a
  // load balancer whose address every connection shares).
  int max_connections_per_client = 128;
  // The whole request head must arrive within this, counted from the
  // connection opening or from the first byte after a keep-alive pause.
  long request_head_timeout_seconds = 10;
  // An idle keep-alive connection is closed after this.
  long keep_alive_timeout_seconds = 15;
  // A request body must arrive at this average rate at least (after the
  // head timeout as a grace period), or the connection is cut.
  int64_t min_body_bytes_per_second = 16 * 1024;
  // Bodies over 1 MiB (uploads, returned copies, traced PDFs) read at once;
  // more get 503 request.busy.
  int max_concurrent_large_bodies = 8;
  int64_t max_upload_bytes = 512ll << 20;
  // Signed audit checkpoints are written this often when the log has grown
  // (0: only on demand).
  long checkpoint_interval_seconds = 3600;
  // HTTPS when both are set (PEM files); TLS 1.2 is the minimum.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  // Password checks (Argon2id, 64 MiB each) allowed at once; more logins
  // are refused with 503 auth.busy rather than queued.
  int max_concurrent_logins = 4;
  // On Stop(), how long in-flight requests may take before they are cut.
  long shutdown_grace_seconds = 30;
  // Exports stamped at once (each holds its document in memory); more get
  // 503 export.busy.
  int max_concurrent_exports = 2;
  // Every policy file, loaded once (vaultd's main: PolicySet::Load); not
  // owned, must outlive the server. When set, the *_json texts below are
  // not used and the roles engine given to VaultServer should be its roles().
  const vault::PolicySet* policies = nullptr;
  // policies/watermark.json; empty: the built-in default.
  std::string watermark_json;
  // policies/borrowing.json; empty: the built-in default.
  std::string borrowing_json;
  // policies/retention.json; empty: the built-in default.
  std::string retention_json;
  // policies/destruction.json; empty: the built-in default.
  std::string destruction_json;
  // policies/alerts.json; empty: the built-in default.
  std::string alerts_json;
  // The clock of every decision vaultd makes (policy, loans, retention,
  // exports, register timestamps); null: the system clock. Tests inject a
  // vault::FakeClock to move loans and retention through time. Not owned;
  // must outlive the server.
  const vault::Clock* clock = nullptr;
  // How often the loan scheduler runs (overdue, reminders, suspension;
  // 0: never, tests call RunSchedule()).
  long borrow_schedule_seconds = 60;
  // How often the leader evaluates the alert rules over new audit events
  // (0: never, tests call RunAlertPass()).
  long alert_scan_seconds = 60;
  // Called around every periodic pass this node runs ("borrow.schedule",
  // "audit.checkpoint", "destruction.resume", "alert.scan"), with started true then false:
  // tests count passes per node with it. Must be quick and thread-safe.
  std::function<void(const char* pass, bool started)> periodic_hook;
  // Records read per page by a customer's ZIP export (every page is read;
  // tests make it small to exercise the paging).
  int64_t customer_export_page_size = 1000;
  // Lets one admin grant admin, archive_admin or legal alone (proposer may
  // approve; a new account or PATCH gets the role at once). Off by default:
  // those grants need a second admin. Reported by /healthz and audited at
  // every start (vaultd.single_admin_role_grants).
  bool single_admin_role_grants = false;
  // Scheduled fixity (vault/operations/fixity_schedule.h): a pass over every
  // blob when the newest report is this old (0: never; checked every
  // min(interval, 10 min)), paced at these rates (0: unlimited).
  int64_t fixity_interval_seconds = 7 * 24 * 3600;
  int64_t fixity_bytes_per_second = vault::FixitySchedule::kDefaultBytesPerSecond;
  int64_t fixity_blobs_per_second = vault::FixitySchedule::kDefaultBlobsPerSecond;
  // Quarterly quality sampling: the share of live records drawn (1..100).
  int quality_sample_percent = 10;
  // Draw the current quarter's sample by itself (as "vaultd") when none
  // exists, on the loan scheduler's timer of the leading node. vaultd's
  // main turns it on (vaultd.quality_sample_auto, default true).
  bool quality_sample_auto = false;
  // The sampling's randomness (tests make draws deterministic); empty:
  // libsodium.
  vault::QualitySampling::Random quality_random;
  // Backups and restore drills by vaultd (vault/operations/backup_operations.h):
  // the backup root (vaultd.backup_dir; empty: the backup routes answer
  // backup.not_configured), the served vault's data_dir, database and key
  // (what a backup copies, what a drill opens its copy with), the policies
  // directory copied into each backup, and how often the leader drills the
  // newest backup (vaultd.backup_drill_interval_hours; 0: never; checked
  // every min(interval, 10 min)).
  std::string backup_dir;
  vault::LocalVaultConfig backup_vault_config;
  std::string backup_policies_dir;
  int64_t backup_drill_interval_seconds = 0;
  // Where a drill of a PostgreSQL vault's backup creates (and drops) its
  // throwaway database: a setting whose role has CREATEDB
  // (vaultd.backup_drill_database; "" = such drills fail, saying so).
  std::string backup_drill_database;
  // Once no request has run for this long, vaultd gives the heap's free
  // pages back to the system (idle_memory_release.h); 0: never.
  long release_memory_after_idle_ms = 1000;
  // The built web UI (api/web/dist, docs/web.md), served at / for paths
  // outside /api/ that no route serves; empty: no UI.
  std::string web_root;
  // vaultd.certificate.organisation and .performer_title.
  vault::CertificateWording certificate_wording;
  // The operational log (event_log.h): one line per request, start, stop,
  // warnings and failed periodic passes. Null: text lines on stderr at
  // level error only (what tests see; vaultd's main always sets one).
  std::shared_ptr<EventLog> log;
};

struct Metrics {
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> denied{0};
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> bytes_sent{0};
  std::atomic<int64_t> audit_failures{0};
  std::atomic<int64_t> rejected{0};  // unroutable or malformed requests
  std::atomic<int64_t> logins_refused_busy{0};
  std::atomic<int64_t> connections_refused{0};  // per-client or global limit
  std::atomic<int64_t> connections_evicted{0};  // idle ones closed to make room
  std::atomic<int64_t> head_timeouts{0};        // head or body not in time
  std::atomic<int64_t> memory_releases{0};      // free heap pages given back when idle
  // For GET /api/v1/system/health: when the server started, and the loan
  // scheduler's last pass (unix seconds, 0: none yet) and its outcome.
  std::atomic<int64_t> started_at{0};
  std::atomic<int64_t> schedule_last_run{0};
  std::atomic<bool> schedule_last_ok{true};
  // Whether this node held the periodic-work lease at its last check
  // (always on SQLite, one node per database), and since when.
  std::atomic<bool> leader{false};
  std::atomic<int64_t> leader_since{0};
};

// One route of the API, for documentation and coverage checks.
struct RouteInfo {
  std::string method;
  std::string pattern;  // e.g. "/api/v1/documents/{id}"
};

class ConcurrencyGate;
class Connections;
class IdleMemoryRelease;
class WaitingRoom;

class VaultServer {
 public:
  // Does not own `vault` or `policy`; both must outlive the server.
  VaultServer(vault::LocalVault* vault, const vault::PolicyEngine* policy, ServerOptions options);
  ~VaultServer();

  vault::Status Start();
  // Stops accepting, lets in-flight requests finish for up to
  // shutdown_grace_seconds, then cuts what is left. Returns once no request
  // handler is running.
  void Stop();
  uint16_t port() const { return port_; }

  static const std::vector<RouteInfo>& Routes();

  // Signs a checkpoint if events were added since the last one.
  vault::Status WriteCheckpointIfChanged();
  // The loan lifecycle, after Start().
  vault::BorrowService* borrows() { return services_ ? &services_->borrows() : nullptr; }
  vault::DestructionService* destructions() { return services_ ? &services_->destructions() : nullptr; }
  // Key rotation and four-eyes KEK destruction, the scheduled fixity and the
  // quality samples, after Start().
  vault::KeyOperations* key_operations() { return key_ops_.get(); }
  vault::FixitySchedule* fixity() { return fixity_.get(); }
  vault::BackupOperations* backups() { return backups_.get(); }
  // One alert pass over the audit events since the last (vault/alerts/),
  // after Start(), whether or not this node leads (tests).
  vault::StatusOr<vault::AlertPassReport> RunAlertPass();

 private:
  vault::LocalVault* vault_;
  const vault::PolicyEngine* policy_;
  ServerOptions options_;
  Metrics metrics_;
  void OnCheckpointTimer(Poco::Timer& timer);
  std::unique_ptr<IdleMemoryRelease> idle_release_;  // outlives room_'s workers
  std::unique_ptr<WaitingRoom> room_;  // accepts, parks and serves connections
  std::unique_ptr<Poco::Timer> checkpoints_;
  std::unique_ptr<ConcurrencyGate> logins_;
  std::unique_ptr<ConcurrencyGate> exports_gate_;
  std::unique_ptr<ConcurrencyGate> large_bodies_;
  std::unique_ptr<Connections> connections_;
  std::atomic<bool> stopping_{false};
  // Exporter, loans, destruction and DocumentAccess over vault_ and
  // policy_ (vault::Services, the one composition root).
  std::unique_ptr<vault::Services> services_;
  std::unique_ptr<Poco::Timer> borrow_timer_;
  void OnBorrowTimer(Poco::Timer& timer);
  std::unique_ptr<Poco::Timer> alert_timer_;
  void OnAlertTimer(Poco::Timer& timer);
  // The periodic work runs on one node at a time (vault/db/leader_lease.h).
  // Leading() re-checks the lease; a node that has just become the leader
  // first finishes any destruction another node left interrupted.
  std::unique_ptr<vault::db::LeaderLease> lease_;
  std::mutex lead_mu_;  // one periodic pass at a time on this node
  bool Leading();
  void RunPass(const char* pass, const std::function<void()>& work);
  uint16_t port_ = 0;
  const vault::Clock* clock_ = nullptr;
  std::unique_ptr<vault::KeyOperations> key_ops_;
  std::unique_ptr<vault::FixitySchedule> fixity_;
  std::unique_ptr<vault::QualitySampling> sampling_;
  std::unique_ptr<Poco::Timer> fixity_timer_;
  // Not under lead_mu_: a pass may take hours (it is paced), and must not
  // hold up the loan scheduler or the checkpoints.
  void OnFixityTimer(Poco::Timer& timer);
  std::unique_ptr<vault::BackupOperations> backups_;
  std::unique_ptr<Poco::Timer> drill_timer_;
  // Like fixity, not under lead_mu_: a drill restores a whole backup.
  void OnDrillTimer(Poco::Timer& timer);
};

}  // namespace vaultd
