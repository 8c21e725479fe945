// SqliteSnapshot: a read-only view of a vault's SQLite metadata file at one
// instant, for copying it to another engine (`vaultctl db migrate`).
//
// The file is opened with SQLITE_OPEN_READONLY, so this code cannot change
// a byte of it, whatever it runs; one read transaction spans the whole
// snapshot, so every table is read as of the same commit even if a writer
// (a vaultd that was not stopped) commits meanwhile.
//
// Values come out as text: an INTEGER as its decimal digits, TEXT as its
// bytes. The vault's schema has no REAL or BLOB column; such a value is
// refused (migrate.unsupported_value) rather than carried inexactly.
//
// Thread-safety: not thread-safe; one user at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/status.h"

struct sqlite3;

namespace vault::db {

// One column value: NULL, or its text.
struct SqlValue {
  bool null = false;
  std::string text;
};
using SqlRow = std::vector<SqlValue>;

struct SourceTable {
  std::string name;
  std::vector<std::string> columns;  // in declaration order
};

class SqliteSnapshot {
 public:
  // Errors: migrate.source_missing (NOT_FOUND) when there is no file at
  // `path`; migrate.source_error (UNAVAILABLE) when SQLite cannot read it.
  static StatusOr<std::unique_ptr<SqliteSnapshot>> Open(const std::string& path);
  ~SqliteSnapshot();
  SqliteSnapshot(const SqliteSnapshot&) = delete;
  SqliteSnapshot& operator=(const SqliteSnapshot&) = delete;

  // The highest applied migration (0 for a file without schema_migrations).
  StatusOr<int> SchemaVersion();

  // Every table of the vault: all of sqlite_master's tables except SQLite's
  // own (sqlite_*) and schema_migrations (the target has its own). Ordered
  // so that a table comes after every table its foreign keys name, which a
  // copy into a database that enforces them at once needs. Errors:
  // migrate.source_error, migrate.foreign_key_cycle (FAILED_PRECONDITION).
  StatusOr<std::vector<SourceTable>> Tables();

  // sqlite_sequence: the last id each AUTOINCREMENT table handed out. It may
  // exceed the table's largest id (rows deleted since); ids are never
  // reused, so the target's sequences must start past it.
  StatusOr<std::map<std::string, int64_t>> Sequences();

  // Calls `fn` with each row of `table` (values in `table.columns` order),
  // stopping at the first error `fn` returns.
  Status ForEachRow(const SourceTable& table, const std::function<Status(const SqlRow&)>& fn);

 private:
  explicit SqliteSnapshot(sqlite3* db) : db_(db) {}
  Status Error(const std::string& what) const;
  sqlite3* db_;
};

// "name" with embedded quotes doubled: an identifier quoted for SQL on both
// engines.
std::string QuoteIdentifier(const std::string& name);

}  // namespace vault::db
