// SqliteOnlineCopy: a consistent copy of a live SQLite metadata file, taken
// with SQLite's online backup API while other processes (vaultd) keep
// writing to it, for `vaultctl backup create` (docs/operations.md).
//
// The pages are copied in one backup step into an in-memory database, under
// one read transaction of the source: with the vault's write-ahead log,
// writers are never blocked and the copy is the database as of one commit.
// The copy is handed back as the bytes of a database file (sqlite3_serialize)
// so the caller can encrypt it before anything reaches a disk: the metadata
// is never written in clear outside the data directory. Memory: about the
// size of the database, twice while serializing.
//
// Thread-safety: a function; safe to run while other connections write.
#pragma once

#include <cstdint>
#include <string>

#include "vault/base/status.h"

namespace vault::db {

// The bytes of a complete SQLite database file. Errors:
// backup.source_missing (NOT_FOUND), backup.sqlite_error (UNAVAILABLE).
StatusOr<std::string> CopySqliteOnline(const std::string& path);

// Writes `bytes` (a database file image) to the new file `path` (mode
// 0600; refused when `path` exists) and fsyncs it.
// Errors: backup.sqlite_error.
Status WriteSqliteFile(const std::string& bytes, const std::string& path);

}  // namespace vault::db
