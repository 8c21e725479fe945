// The database half of a PostgreSQL vault's backup and restore
// (docs/operations.md "Backups of a PostgreSQL vault").
//
// Backup: pg_dump of the vault's schema, plain SQL format, read from its
// stdout as a ByteSource that the backup seals chunk by chunk: the dump
// never exists in clear on disk, not even in a temporary file. pg_dump
// takes one REPEATABLE READ snapshot (its own consistency), so the dump is
// the database as of one moment while vaultd keeps writing.
//
// Why plain format rather than custom (-Fc): a custom archive read from a
// pipe has no data offsets, so pg_restore cannot reorder anything; psql
// reads plain SQL strictly in order from its stdin, in one transaction
// (--single-transaction, ON_ERROR_STOP). Compression buys little (the
// database is small beside the blobs, and sealed anyway), and the plain
// dump of a restored backup can be read by any operator with psql.
//
// Restore: psql reads the decrypted dump from a pipe, inside one
// transaction framed by the restore: `DROP SCHEMA IF EXISTS S` first (which
// fails unless the schema is absent or empty: the target must be empty),
// and after the dump a check that the target setting's search_path selects
// schema S (so the restored vault opens on what was loaded). Any failure,
// of psql or of the decryption feeding it, kills psql before its input
// ends: the transaction never commits and the target stays as it was.
//
// The password goes into the child's PGPASSWORD only; the command line
// holds the rest of the setting.
//
// Thread-safety: one thread per object / call.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "vault/backup/child_process.h"
#include "vault/base/byte_stream.h"

namespace vault {

inline constexpr char kPgDumpFormat[] = "pg_dump-plain";

class PgDumpSource : public ByteSource {
 public:
  // Starts pg_dump. Errors: backup.pg_dump_missing (FAILED_PRECONDITION),
  // metadata.bad_database, backup.pg_dump_failed.
  static StatusOr<std::unique_ptr<PgDumpSource>> Start(const std::string& setting, const std::string& schema,
                                                       const std::string& bin_dir);
  // The dump's bytes; at its end, backup.pg_dump_failed (UNAVAILABLE) with
  // pg_dump's error text (password removed) unless pg_dump exited 0.
  StatusOr<size_t> Read(uint8_t* buf, size_t max) override;

 private:
  PgDumpSource(std::unique_ptr<ChildProcess> child, std::string password)
      : child_(std::move(child)), password_(std::move(password)) {}
  std::unique_ptr<ChildProcess> child_;
  std::string password_;
};

// Loads a dump of `schema` into the database `target_setting` with psql;
// `produce(sink)` writes the dump into psql's stdin. Errors:
// backup.psql_missing, backup.target_database_not_empty (the schema holds
// objects), backup.target_schema_mismatch (the setting's search_path does
// not select `schema`), backup.psql_failed, or what `produce` returned.
Status LoadPgDump(const std::string& target_setting, const std::string& schema, const std::string& bin_dir,
                  const std::function<Status(ByteSink&)>& produce);

}  // namespace vault
