// Creating a backup of a live vault (`vaultctl backup create DIR`,
// docs/operations.md "Backups").
//
// Online: vaultd may keep serving the same data directory. The metadata
// database is copied first, as of one commit (db::CopySqliteOnline), then
// the blob files: blobs are immutable once committed (a new version is a new
// blob), so every blob the copied database names is there, complete; blobs
// committed after the copy are carried too and stay untracked in a restore.
// The database copy is sealed (blob format v1) under a fresh random backup
// key, which is stored only wrapped by the master key; the master key itself
// is never written. The manifest lists every file's SHA-256 and is signed
// (backup_manifest.h).
//
// Incremental: with `base_dir`, a blob that the base backup holds under the
// same name and size is hard-linked from it (a copy when the filesystem
// refuses links) and its hash taken from the base's verified manifest, so an
// unchanged blob is neither read nor written again. Each backup directory is
// complete on its own: deleting the base later leaves the other link.
//
// PostgreSQL vaults: pg_dump of the vault's schema, streamed straight into
// the sealed database copy (pg_dump_source.h); the manifest says engine
// "postgresql", the dump's format and schema. Blobs, policies, manifest and
// signature as for SQLite.
//
// Thread-safety: a function; several may run at once into different dirs.
#pragma once

#include <cstdint>
#include <string>

#include "vault/backup/backup_manifest.h"
#include "vault/local/local_vault.h"

namespace vault {

struct BackupCreateOptions {
  std::string data_dir;      // the live vault's data directory
  std::string database;      // as LocalVaultConfig::database ("" = DATA/metadata.db)
  std::string dir;           // the new backup directory (absent or empty)
  std::string base_dir;      // a previous backup of the same vault, or ""
  std::string policies_dir;  // the vault's policies directory, or "" (built in)
  std::string pg_bin_dir;    // where pg_dump is ("" = PATH); PostgreSQL vaults only
  const Clock* clock = SystemClock();
};

struct BackupReport {
  BackupManifest manifest;
  int64_t files_copied = 0, files_linked = 0;
  int64_t bytes_copied = 0, bytes_linked = 0;
  double seconds = 0;
};

// metadata.bad_database when `database` is not a setting ParseDatabaseTarget
// takes (both engines are backed up): checked before anything connects.
Status CheckBackupEngine(const std::string& database);

// `lv` is the vault opened on `options.data_dir` (its key ring wraps the
// backup key and signs the manifest). Errors: backup.target_not_empty
// (FAILED_PRECONDITION), backup.io_error, backup.sqlite_error (UNAVAILABLE),
// those of ReadVerifiedManifest for the base; PostgreSQL:
// backup.pg_dump_missing (FAILED_PRECONDITION), backup.pg_dump_failed,
// backup.database_error (UNAVAILABLE), backup.unsupported_schema. A failed
// backup leaves no manifest (it never looks complete) and no partial
// sealed database.
StatusOr<BackupReport> CreateBackup(LocalVault& lv, const BackupCreateOptions& options);

}  // namespace vault
