// Copying a vault's SQLite metadata into an empty PostgreSQL database: the
// database half of `vaultctl db migrate` (vault/local/migrate_vault.h adds
// the vault's own checks on top).
//
// Everything happens in one transaction on the target, under the
// database-wide write lock every vault writer takes (connection.h), so the
// target shows either nothing or the whole verified copy: a failure at any
// step, the final comparison included, rolls it all back and leaves the
// target as empty as it was.
//
// Thread-safety: a function; it holds the target's write connection for the
// whole copy, so other writers through the same Database wait.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/db/database.h"
#include "vault/db/sqlite_snapshot.h"

namespace vault::db {

struct TableCopy {
  std::string table;
  int64_t rows = 0;
};

struct CopyReport {
  std::vector<TableCopy> tables;  // in copy order (parents first)
  int64_t rows = 0;
  int sequences = 0;  // sequences of AUTOINCREMENT ids moved past the copied ids
};

struct CopyOptions {
  // Rows per INSERT statement (fewer when the table has many columns: one
  // statement takes at most 65535 parameters).
  size_t batch_rows = 500;
};

// Copies every table of `source` (SqliteSnapshot::Tables) into `target`,
// which must be PostgreSQL at the same schema version (opened with
// Database::Open, which creates the schema). Values are copied exactly: the
// text of every TEXT value, every INTEGER as the same 64-bit number, ids of
// AUTOINCREMENT tables as they are; afterwards each such table's sequence
// is set past both its largest id and the last id SQLite handed out.
//
// Refused before anything is written:
//   migrate.target_not_postgres (INVALID_ARGUMENT)
//   migrate.unknown_table       a source table the target lacks (FAILED_PRECONDITION)
//   migrate.schema_mismatch     a table whose columns differ (FAILED_PRECONDITION)
//   migrate.target_not_empty    a target table already holds rows (FAILED_PRECONDITION)
// Verified before COMMIT: every table read back from the target has the
// same number of rows and the same multiset of rows (a digest of each
// row's values, independent of order) as the source; otherwise
// migrate.verify_failed (DATA_LOSS) and nothing is committed. Other errors:
// migrate.target_error (UNAVAILABLE), those of SqliteSnapshot.
StatusOr<CopyReport> CopyToPostgres(SqliteSnapshot& source, Database& target, const CopyOptions& options = {});

}  // namespace vault::db
