// What backups of a PostgreSQL vault need around libpq and its client
// programs (docs/operations.md "Backups of a PostgreSQL vault"): a
// connection setting split so that the password goes to the child's
// environment (PGPASSWORD) and never onto its command line, the client
// program found, its stderr made fit for an error message, and the few
// catalog queries (the vault's schema, whether a target is empty).
//
// Thread-safety: functions.
#pragma once

#include <string>

#include "vault/base/status.h"

namespace vault {

struct PgChildConnection {
  std::string conninfo;  // keyword form, every setting except the password (for --dbname)
  std::string password;  // "" when the setting has none (libpq's PGPASSWORD / ~/.pgpass then apply)
};

// Splits a PostgreSQL URI or conninfo. `dbname`, when not empty, replaces
// the database; `schema`, when not empty, replaces `options` with
// -csearch_path=SCHEMA. Errors: metadata.bad_database (INVALID_ARGUMENT).
StatusOr<PgChildConnection> SplitPgConnection(const std::string& setting, const std::string& dbname = "",
                                              const std::string& schema = "");
// The keyword form of a split connection with its password put back (for
// this process's own libpq/Poco sessions, never a command line).
std::string JoinPgConnection(const PgChildConnection& c);

// DIR/NAME or NAME on PATH; `missing_reason` (FAILED_PRECONDITION) naming
// the Debian package when there is none.
StatusOr<std::string> FindPgProgram(const std::string& name, const std::string& bin_dir,
                                    const std::string& missing_reason);

// A client program's stderr for an error message: the password (if any)
// replaced by ***, control characters dropped, only the lines that say what
// failed (ERROR/FATAL/error:, never psql's DETAIL/CONTEXT/LINE lines, which
// can quote rows), at most 600 characters.
std::string ClientErrorText(const std::string& stderr_text, const std::string& password);

// A schema name a backup accepts: letters, digits and _ (1..63), not
// starting with a digit; anything else is refused before it reaches SQL.
bool PlainSchemaName(const std::string& name);

// current_schema() of the vault's setting. Errors: backup.database_error
// (UNAVAILABLE), backup.unsupported_schema (FAILED_PRECONDITION).
StatusOr<std::string> PgCurrentSchema(const std::string& setting);

// backup.target_database_not_empty (FAILED_PRECONDITION) when `schema`
// holds any table, sequence, view or function in the target;
// backup.database_error when the target does not answer.
Status CheckPgSchemaEmpty(const std::string& setting, const std::string& schema);

// Drops what a failed restore loaded: every table and sequence in `schema`
// (the schema itself is kept; it may have been there, empty, before).
Status DropPgSchemaContents(const std::string& setting, const std::string& schema);

// Runs `sql` outside a transaction (CREATE / DROP DATABASE) on `setting`.
Status PgExecute(const std::string& setting, const std::string& sql);

}  // namespace vault
