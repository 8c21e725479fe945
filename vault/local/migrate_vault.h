// Moving a vault's metadata from its SQLite file to PostgreSQL
// (`vaultctl db migrate --to CONN`, docs/operations.md "Moving a vault from
// SQLite to PostgreSQL").
//
// Only the metadata moves: the blob directory and the master key stay where
// they are, and afterwards the vault is opened with the same data directory
// and key and `database` = the target. The SQLite file is only ever read
// (opened read-only) and stays as it was, the way back.
//
// Steps: open the target as the vault (which creates its schema and checks
// the data directory and the key), copy and compare every table in one
// transaction (vault/db/copy_to_postgres.h), then open the migrated vault
// afresh and check what the vault itself promises: the audit hash chain and
// its signed checkpoints verify, every wrapped data key (each version's and
// each kept artifact's) unwraps with the vault's master key, and the
// destruction certificates' chain verifies.
//
// Thread-safety: a function; run it with vaultd stopped (a vaultd writing to
// the SQLite file meanwhile would add rows the copy does not have).
#pragma once

#include <cstdint>
#include <string>

#include "vault/db/copy_to_postgres.h"
#include "vault/local/local_vault.h"

namespace vault {

struct MigrateOptions {
  // The vault as it is: data directory, key, and `database` empty (the
  // file DATA/metadata.db) or naming the SQLite file (sqlite:PATH or a path).
  LocalVaultConfig source;
  // The PostgreSQL URI or conninfo (vault/db/engine.h) of an empty database
  // or schema.
  std::string target;
  db::CopyOptions copy;
};

struct MigrateReport {
  std::string source;  // the SQLite file
  std::string target;  // the target with any password redacted
  int schema_version = 0;
  db::CopyReport copy;
  int64_t audit_events = 0;
  int64_t audit_checkpoints = 0;
  int64_t wrapped_keys = 0;  // data keys unwrapped on the target
  int64_t certificates = 0;
  double seconds = 0;  // copy and checks, wall time
};

// Errors, besides those of CopyToPostgres and LocalVault::Open:
//   migrate.source_not_sqlite, migrate.target_not_postgres (INVALID_ARGUMENT)
//   migrate.source_schema (FAILED_PRECONDITION): the source is not at this
//     program's schema version (open it once with this version first)
//   migrate.audit_broken, migrate.key_check_failed, migrate.certificates_broken
//     (DATA_LOSS): the copy is committed but the migrated vault fails a
//     check; the target must be emptied before another attempt.
StatusOr<MigrateReport> MigrateVault(const MigrateOptions& options);

}  // namespace vault
