// Restoring a backup (`vaultctl backup restore DIR --to DATA`,
// docs/operations.md "Backups", docs/destruction.md "Backups and restores").
//
// Order, so that nothing is readable before the destructions are replayed:
//   1. the manifest's signature (backup key derived from the master key it
//      names): a flipped byte in the manifest or its signature fails here;
//   2. without `certificates`, refuse (backup.certificates_required) unless
//      forced; the certificates are read before anything is written;
//   3. stage into DATA.restoring-XXXXXX (mode 0700) beside DATA: the sealed
//      database opened with the unwrapped backup key, blobs copied (never
//      linked: the replay overwrites them in place), policies, VAULT marker;
//      each file's size and SHA-256 checked against the manifest as it is
//      copied (one pass), a flipped byte failing the restore naming the file;
//   4. open the staged vault, check the later certificates against its own
//      chain and replay them (destruction_replay.h), and record the restore
//      in its audit log (backup.restore, backup.destruction_replayed per
//      certificate, backup.restore_forced_without_certificates when forced);
//   5. rename the staged directory to DATA and sync. A failure before this
//      removes the staged directory: DATA never exists half restored.
//
// A PostgreSQL backup (manifest engine "postgresql") restores its database
// into the PostgreSQL database `target.database` names, which must hold
// nothing in the backup's schema and whose search_path must select that
// schema: in step 3, after every file verified, the decrypted dump streams
// into psql in one transaction (pg_dump_source.h); the blobs are staged in
// DATA.restoring-XXXXXX as for SQLite. Steps 4 and 5 follow on that
// database; a failure after the load drops what was loaded. Between the
// load and the end of the replay the target database holds the keys of
// records destroyed after the backup, but no vault is there to read them:
// DATA does not exist until the replay is done.
//
// Thread-safety: a function.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vault/backup/backup_manifest.h"
#include "vault/backup/destruction_replay.h"
#include "vault/local/local_vault.h"

namespace vault {

struct RestoreOptions {
  std::string backup_dir;
  // data_dir = DATA (absent or empty), the master key (key_file or
  // passphrase), clock, dictionary as for LocalVault::Open. `database`:
  // empty for a SQLite backup (a restore writes DATA/metadata.db); for a
  // PostgreSQL backup the target database's setting (required).
  LocalVaultConfig target;
  std::string pg_bin_dir;  // where psql is ("" = PATH); PostgreSQL backups only
  std::string certificates;  // live data directory or bundle, or ""
  bool force_without_certificates = false;
  std::string actor = "vaultctl";
  // Drill only: hard-link blobs instead of copying (no replay happens there).
  bool link_blobs = false;
};

struct RestoreReport {
  BackupManifest manifest;
  int64_t files_verified = 0, bytes_verified = 0;
  int64_t certificates_read = 0;
  std::vector<std::string> certificates_replayed;
  std::vector<ReplayedRecord> replayed;
  bool forced_without_certificates = false;
  double seconds = 0;
};

// The master key ring a restore or drill uses: the key file, or the
// passphrase with the backup's kek-params.
StatusOr<std::unique_ptr<KeyRing>> OpenBackupKeyRing(const LocalVaultConfig& key_config,
                                                     const std::string& backup_dir);

// Errors: those of ReadVerifiedManifest; backup.file_corrupt,
// backup.file_missing (DATA_LOSS, naming the file); backup.certificates_required
// (FAILED_PRECONDITION); backup.target_not_empty; backup.certificates_*;
// backup.database_unreadable (DATA_LOSS) when the sealed database does not
// open with its key; backup.io_error. PostgreSQL backups:
// backup.target_database_required, backup.unsupported_engine (a target
// database for a SQLite backup), backup.target_database_not_empty,
// backup.target_schema_mismatch (FAILED_PRECONDITION), backup.psql_missing,
// backup.psql_failed, backup.database_error (UNAVAILABLE).
StatusOr<RestoreReport> RestoreBackup(const RestoreOptions& options);

}  // namespace vault
