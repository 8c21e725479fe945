// BackupOperations: backups and restore drills run by vaultd itself
// (docs/operations.md "Backups from vaultd"), into one backup root the
// configuration names (vaultd.backup_dir). Clients never name a path: a
// backup's directory is ROOT/<UTC time>, e.g. ROOT/20261207T174500Z (a
// suffix -2, -3 ... when that exists), and drill reports go to
// ROOT/drills/<UTC time>-<backup name>/.
//
//   Create      an online backup (backup_create.h) of the served vault,
//               incremental against the newest backup in the root whose
//               manifest verifies; a failed one removes its directory.
//               One at a time per process (backup.in_progress).
//   List        the backups in the root, newest first, each with its
//               manifest's status: "verified" (signature checked with the
//               vault's backup key; every file's hash is the drill's job)
//               or the reason it does not verify (backup.manifest_missing
//               for one still being written or abandoned, ...).
//   RunDrill    the restore drill (backup_drill.h) on the newest verified
//               backup, temporary copy under ROOT (so blobs hard-link), the
//               signed report as JSON and PDF; audited (backup.drill) and,
//               when it fails, a notification to every admin and auditor.
//   Drills      the reports, newest first, each signature checked against
//               the backup keys of the vault's master keys.
//
// Without a root every call is backup.not_configured (409): a backup
// directory beside the data on the same disk is no backup, so there is no
// default. PostgreSQL vaults: backup.unsupported_engine.
//
// Thread-safety: thread-safe; one backup and one drill at a time each.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/local/local_vault.h"

namespace vault {

struct BackupEntry {
  std::string name;  // the directory under the root
  std::string backup_id, created_at, base_backup_id;
  std::string manifest;         // "verified", or why not (an error code)
  std::string manifest_sha256;  // of manifest.json as stored
  int64_t files = 0, bytes = 0;
  // Create only: what this backup wrote and what it reused from its base.
  int64_t files_copied = 0, files_linked = 0, bytes_copied = 0, bytes_linked = 0;
  double seconds = 0;
};

struct DrillEntry {
  std::string name;  // the directory under ROOT/drills
  std::string backup_id, backup_dir, started_at, completed_at;
  std::string result;     // "passed" | "failed"
  std::string signature;  // "verified" | "invalid" | "unknown_key" | "missing"
  std::vector<std::string> problems;
  bool pdf = false;       // drill-report.pdf and its signature exist
  std::string pdf_error;  // RunDrill only: why no PDF was written
};

class BackupOperations {
 public:
  struct Deps {
    LocalVault* vault = nullptr;  // the served vault (its keys sign and verify)
    // The served vault's data_dir, database and key (key_file or
    // passphrase): what a backup copies and a drill opens its copy with.
    LocalVaultConfig vault_config;
    std::string root;          // "" = not configured
    std::string policies_dir;  // copied into each backup ("" = built-in policies)
    std::string font_file;     // of the drill PDF ("" = JSON only)
    // A PostgreSQL backup's drill restores into a throwaway database it
    // creates here (a setting whose role has CREATEDB); "" = such a drill
    // fails with backup.drill_database_required in its report.
    std::string drill_database;
    const Clock* clock = nullptr;
  };
  static StatusOr<std::unique_ptr<BackupOperations>> Open(Deps deps);

  bool configured() const { return !deps_.root.empty(); }

  // backup.not_configured, backup.in_progress, backup.unsupported_engine,
  // and CreateBackup's errors.
  StatusOr<BackupEntry> Create(bool incremental);
  StatusOr<std::vector<BackupEntry>> List();

  // Whether a drill is due: none yet, or the newest started `interval` ago.
  StatusOr<bool> DrillDue(std::chrono::seconds interval);
  // backup.none (NOT_FOUND) when no backup verifies; backup.drill_in_progress.
  StatusOr<DrillEntry> RunDrill();
  StatusOr<std::vector<DrillEntry>> Drills(int64_t limit);
  // One file of a drill report: drill-report.json, drill-report.json.sig,
  // drill-report.pdf, drill-report.pdf.sig or signing.pem; backup.drill_not_found.
  StatusOr<std::string> DrillFile(const std::string& name, const std::string& file);

  // Holds the one-backup-at-a-time lock (owns_lock() false when a backup
  // runs); Create takes it the same way.
  std::unique_lock<std::mutex> TryHoldBackupLock() { return std::unique_lock<std::mutex>(backup_mu_, std::try_to_lock); }

 private:
  explicit BackupOperations(Deps deps) : deps_(std::move(deps)) {}
  Status CheckConfigured() const;
  StatusOr<DrillEntry> ReadDrill(const std::string& name);
  Status Notify(const DrillEntry& drill);

  Deps deps_;
  std::mutex backup_mu_, drill_mu_;
};

}  // namespace vault
