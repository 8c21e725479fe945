#include "vault/db/sqlite_snapshot.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "vault/db/database.h"

namespace vault::db {
namespace {

// A compiled statement, finalized on every path out.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) { rc_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr); }
  ~Stmt() { sqlite3_finalize(st_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  void Bind(int i, const std::string& v) { sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  // SQLITE_ROW while there is a row, SQLITE_DONE at the end, else an error.
  int Step() { return sqlite3_step(st_); }
  std::string Text(int i) const {
    const unsigned char* p = sqlite3_column_text(st_, i);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, i))) : "";
  }
  int64_t Int(int i) const { return sqlite3_column_int64(st_, i); }
  sqlite3_stmt* get() { return st_; }

 private:
  sqlite3_stmt* st_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

}  // namespace

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

StatusOr<std::unique_ptr<SqliteSnapshot>> SqliteSnapshot::Open(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return NotFoundError("migrate.source_missing", "no SQLite metadata file at " + path);
  }
  sqlite3* db = nullptr;
  // READONLY: no write of ours can reach the file. (SQLite may still create
  // the -wal/-shm side files of a WAL database to read it consistently.)
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<SqliteSnapshot> snap(new SqliteSnapshot(db));
  if (rc != SQLITE_OK) return snap->Error("cannot open " + path);
  sqlite3_busy_timeout(db, 5000);
  // One read transaction for the whole copy; its snapshot starts with the
  // first read below and lasts until the handle closes.
  if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return snap->Error("cannot begin a read");
  Stmt probe(db, "SELECT COUNT(*) FROM sqlite_master");
  if (!probe.ok() || probe.Step() != SQLITE_ROW) return snap->Error("cannot read " + path);
  return snap;
}

SqliteSnapshot::~SqliteSnapshot() { sqlite3_close_v2(db_); }

Status SqliteSnapshot::Error(const std::string& what) const {
  return UnavailableError("migrate.source_error",
                          what + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
}

StatusOr<int> SqliteSnapshot::SchemaVersion() {
  Stmt has(db_, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!has.ok() || has.Step() != SQLITE_ROW) return Error("cannot read the schema");
  if (has.Int(0) == 0) return 0;
  Stmt v(db_, SchemaVersionQuery());
  if (!v.ok() || v.Step() != SQLITE_ROW) return Error("cannot read schema_migrations");
  return static_cast<int>(v.Int(0));
}

StatusOr<std::vector<SourceTable>> SqliteSnapshot::Tables() {
  std::vector<SourceTable> tables;
  std::map<std::string, std::set<std::string>> parents;
  {
    Stmt t(db_,
           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
           "AND name <> 'schema_migrations' ORDER BY rowid");
    if (!t.ok()) return Error("cannot list tables");
    int rc;
    while ((rc = t.Step()) == SQLITE_ROW) tables.push_back(SourceTable{t.Text(0), {}});
    if (rc != SQLITE_DONE) return Error("cannot list tables");
  }
  for (SourceTable& table : tables) {
    Stmt c(db_, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
    Stmt f(db_, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?)");
    if (!c.ok() || !f.ok()) return Error("cannot read the columns of " + table.name);
    c.Bind(1, table.name);
    f.Bind(1, table.name);
    int rc;
    while ((rc = c.Step()) == SQLITE_ROW) table.columns.push_back(c.Text(0));
    if (rc != SQLITE_DONE || table.columns.empty()) return Error("cannot read the columns of " + table.name);
    while ((rc = f.Step()) == SQLITE_ROW) {
      if (f.Text(0) != table.name) parents[table.name].insert(f.Text(0));
    }
    if (rc != SQLITE_DONE) return Error("cannot read the foreign keys of " + table.name);
  }
  // Parents first, otherwise in creation order (which migrations already
  // made parents-first; this keeps it so whatever a later migration adds).
  std::vector<SourceTable> ordered;
  std::set<std::string> placed;
  while (ordered.size() < tables.size()) {
    const size_t before = ordered.size();
    for (const SourceTable& t : tables) {
      if (placed.count(t.name)) continue;
      const auto& need = parents[t.name];
      if (std::all_of(need.begin(), need.end(), [&](const std::string& p) { return placed.count(p) > 0; })) {
        ordered.push_back(t);
        placed.insert(t.name);
      }
    }
    if (ordered.size() == before) {
      return FailedPreconditionError("migrate.foreign_key_cycle",
                                     "the tables' foreign keys form a cycle (or name a missing table)");
    }
  }
  return ordered;
}

StatusOr<std::map<std::string, int64_t>> SqliteSnapshot::Sequences() {
  std::map<std::string, int64_t> out;
  Stmt has(db_, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'");
  if (!has.ok() || has.Step() != SQLITE_ROW) return Error("cannot read the schema");
  if (has.Int(0) == 0) return out;  // no AUTOINCREMENT table ever got a row
  Stmt s(db_, "SELECT name, seq FROM sqlite_sequence");
  if (!s.ok()) return Error("cannot read sqlite_sequence");
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out[s.Text(0)] = s.Int(1);
  if (rc != SQLITE_DONE) return Error("cannot read sqlite_sequence");
  return out;
}

Status SqliteSnapshot::ForEachRow(const SourceTable& table, const std::function<Status(const SqlRow&)>& fn) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < table.columns.size(); ++i) sql += (i ? ", " : "") + QuoteIdentifier(table.columns[i]);
  sql += " FROM " + QuoteIdentifier(table.name);
  Stmt st(db_, sql);
  if (!st.ok()) return Error("cannot read table " + table.name);
  SqlRow row(table.columns.size());
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    for (size_t i = 0; i < row.size(); ++i) {
      const int col = static_cast<int>(i);
      switch (sqlite3_column_type(st.get(), col)) {
        case SQLITE_NULL:
          row[i] = SqlValue{true, ""};
          break;
        case SQLITE_INTEGER:
          row[i] = SqlValue{false, std::to_string(st.Int(col))};
          break;
        case SQLITE_TEXT:
          row[i] = SqlValue{false, st.Text(col)};
          break;
        default:
          return FailedPreconditionError("migrate.unsupported_value",
                                         "table " + table.name + " column " + table.columns[i] +
                                             " holds a REAL or BLOB value, which the vault's schema never stores");
      }
    }
    VAULT_RETURN_IF_ERROR(fn(row));
  }
  if (rc != SQLITE_DONE) return Error("cannot read table " + table.name);
  return Status::Ok();
}

}  // namespace vault::db
