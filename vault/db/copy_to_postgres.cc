#include "vault/db/copy_to_postgres.h"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <set>

#include "vault/crypto/sha256.h"
#include "vault/db/pg_session.h"

namespace vault::db {
namespace {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

// An order-independent digest of a set of rows: the sum, lane by lane, of
// each row's SHA-256. Rows come back from PostgreSQL in no promised order,
// and sorting them the same way on both engines would depend on collations.
class RowSetDigest {
 public:
  void Add(const SqlRow& row) {
    Sha256 h;
    for (const SqlValue& v : row) {
      // A tag and a length before each value, so no two rows encode alike.
      const uint8_t tag = v.null ? 'N' : 'V';
      const uint64_t len = v.text.size();
      h.Update(&tag, 1);
      h.Update(reinterpret_cast<const uint8_t*>(&len), sizeof len);
      h.Update(reinterpret_cast<const uint8_t*>(v.text.data()), v.text.size());
    }
    const Sha256::Digest d = h.Final();
    for (size_t lane = 0; lane < sum_.size(); ++lane) {
      uint64_t x = 0;
      for (size_t b = 0; b < 8; ++b) x = (x << 8) | d[lane * 8 + b];
      sum_[lane] += x;  // wraps: addition modulo 2^64 per lane
    }
    ++rows_;
  }
  bool operator==(const RowSetDigest& o) const { return rows_ == o.rows_ && sum_ == o.sum_; }
  int64_t rows() const { return rows_; }

 private:
  std::array<uint64_t, 4> sum_{};
  int64_t rows_ = 0;
};

Status PgError(PGconn* pg, const PGresult* r, const std::string& what) {
  // Only the primary message: the detail line of a constraint error quotes
  // the row's values, which do not belong in a log.
  const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  return UnavailableError("migrate.target_error", what + ": " + (primary ? primary : PQerrorMessage(pg)));
}

// Runs `sql` with text parameters (nullptr is NULL); the result on success.
StatusOr<Result> Exec(PGconn* pg, const std::string& sql, const std::vector<const char*>& params,
                      const std::string& what) {
  Result r(PQexecParams(pg, sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(), nullptr,
                        nullptr, 0),
           PQclear);
  const ExecStatusType s = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return PgError(pg, r.get(), what);
  return r;
}

// The first column of every row of `sql`.
StatusOr<std::vector<std::string>> Column(PGconn* pg, const std::string& sql, const std::vector<const char*>& params,
                                          const std::string& what) {
  VAULT_ASSIGN_OR_RETURN(Result r, Exec(pg, sql, params, what));
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(PQgetvalue(r.get(), i, 0));
  return out;
}

// Every row of `table.columns` from the target, one at a time (libpq's
// single-row mode: memory stays flat however big the table).
Status ReadBack(PGconn* pg, const SourceTable& table, RowSetDigest* digest) {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < table.columns.size(); ++i) sql += (i ? ", " : "") + QuoteIdentifier(table.columns[i]);
  sql += " FROM " + QuoteIdentifier(table.name);
  if (!PQsendQuery(pg, sql.c_str())) return PgError(pg, nullptr, "reading back " + table.name);
  PQsetSingleRowMode(pg);
  Status status = Status::Ok();
  SqlRow row(table.columns.size());
  // Every result must be consumed before the connection takes another query.
  while (PGresult* raw = PQgetResult(pg)) {
    Result r(raw, PQclear);
    const ExecStatusType s = PQresultStatus(raw);
    if (s == PGRES_SINGLE_TUPLE && status.ok()) {
      for (size_t i = 0; i < row.size(); ++i) {
        const int col = static_cast<int>(i);
        row[i].null = PQgetisnull(raw, 0, col);
        row[i].text.assign(PQgetvalue(raw, 0, col), static_cast<size_t>(PQgetlength(raw, 0, col)));
      }
      digest->Add(row);
    } else if (s != PGRES_SINGLE_TUPLE && s != PGRES_TUPLES_OK && status.ok()) {
      status = PgError(pg, raw, "reading back " + table.name);
    }
  }
  return status;
}

// Refuses a target that lacks a table or a column, or holds any row.
Status CheckTarget(PGconn* pg, const std::vector<SourceTable>& tables) {
  VAULT_ASSIGN_OR_RETURN(std::vector<std::string> present,
                         Column(pg,
                                "SELECT table_name FROM information_schema.tables "
                                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                                {}, "listing the target's tables"));
  const std::set<std::string> target(present.begin(), present.end());
  for (const SourceTable& t : tables) {
    if (!target.count(t.name)) {
      return FailedPreconditionError("migrate.unknown_table",
                                     "the source has a table '" + t.name +
                                         "' the target's schema lacks; is this vaultctl as new as the vault?");
    }
    VAULT_ASSIGN_OR_RETURN(std::vector<std::string> cols,
                           Column(pg,
                                  "SELECT column_name FROM information_schema.columns "
                                  "WHERE table_schema = current_schema() AND table_name = $1",
                                  {t.name.c_str()}, "listing the columns of " + t.name));
    if (std::set<std::string>(cols.begin(), cols.end()) != std::set<std::string>(t.columns.begin(), t.columns.end())) {
      return FailedPreconditionError("migrate.schema_mismatch",
                                     "table '" + t.name + "' has other columns in the target than in the source");
    }
  }
  for (const std::string& name : present) {
    if (name == "schema_migrations") continue;
    VAULT_ASSIGN_OR_RETURN(std::vector<std::string> any,
                           Column(pg, "SELECT 1 FROM " + QuoteIdentifier(name) + " LIMIT 1", {},
                                  "reading " + name));
    if (!any.empty()) {
      return FailedPreconditionError("migrate.target_not_empty",
                                     "the target already holds rows (table '" + name +
                                         "'); migrate only into an empty database or schema");
    }
  }
  return Status::Ok();
}

std::string InsertSql(const SourceTable& t, size_t rows) {
  std::string sql = "INSERT INTO " + QuoteIdentifier(t.name) + " (";
  for (size_t i = 0; i < t.columns.size(); ++i) sql += (i ? ", " : "") + QuoteIdentifier(t.columns[i]);
  sql += ") VALUES ";
  size_t n = 0;
  for (size_t r = 0; r < rows; ++r) {
    sql += r ? ", (" : "(";
    for (size_t i = 0; i < t.columns.size(); ++i) sql += (i ? ", $" : "$") + std::to_string(++n);
    sql += ")";
  }
  return sql;
}

// Copies one table in multi-row INSERTs; `digest` gets every source row.
Status CopyTable(PGconn* pg, SqliteSnapshot& source, const SourceTable& t, size_t batch_rows,
                 RowSetDigest* digest) {
  const size_t per_batch = std::max<size_t>(1, std::min(batch_rows, 65535 / t.columns.size()));
  const std::string full_sql = InsertSql(t, per_batch);
  std::vector<SqlRow> batch;
  auto flush = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    std::vector<const char*> params;
    params.reserve(batch.size() * t.columns.size());
    for (const SqlRow& row : batch) {
      for (const SqlValue& v : row) params.push_back(v.null ? nullptr : v.text.c_str());
    }
    const std::string sql = batch.size() == per_batch ? full_sql : InsertSql(t, batch.size());
    VAULT_RETURN_IF_ERROR(Exec(pg, sql, params, "copying table " + t.name).status());
    batch.clear();
    return Status::Ok();
  };
  VAULT_RETURN_IF_ERROR(source.ForEachRow(t, [&](const SqlRow& row) -> Status {
    for (size_t i = 0; i < row.size(); ++i) {
      // Text parameters end at a NUL byte: such a value would arrive cut.
      if (!row[i].null && row[i].text.find('\0') != std::string::npos) {
        return FailedPreconditionError("migrate.unsupported_value", "table " + t.name + " column " +
                                                                        t.columns[i] + " holds a NUL byte");
      }
    }
    digest->Add(row);
    batch.push_back(row);
    return batch.size() == per_batch ? flush() : Status::Ok();
  }));
  return flush();
}

// Moves each serial column's sequence past the copied ids (and past the
// last id SQLite handed out), so the next insert gets a fresh id.
StatusOr<int> SetSequences(PGconn* pg, const std::vector<SourceTable>& tables,
                           const std::map<std::string, int64_t>& handed_out) {
  int set = 0;
  for (const SourceTable& t : tables) {
    VAULT_ASSIGN_OR_RETURN(std::vector<std::string> serial,
                           Column(pg,
                                  "SELECT column_name FROM information_schema.columns "
                                  "WHERE table_schema = current_schema() AND table_name = $1 "
                                  "AND column_default LIKE 'nextval(%'",
                                  {t.name.c_str()}, "finding the sequences of " + t.name));
    for (const std::string& column : serial) {
      auto it = handed_out.find(t.name);
      const std::string floor = std::to_string(it == handed_out.end() ? 0 : it->second);
      const std::string quoted_table = QuoteIdentifier(t.name);
      VAULT_RETURN_IF_ERROR(Exec(pg,
                                 "SELECT setval(pg_get_serial_sequence($1, $2), GREATEST(COALESCE(MAX(" +
                                     QuoteIdentifier(column) + "), 0), $3::bigint) + 1, false) FROM " +
                                     quoted_table,
                                 {quoted_table.c_str(), column.c_str(), floor.c_str()},
                                 "setting the sequence of " + t.name)
                                .status());
      ++set;
    }
  }
  return set;
}

StatusOr<CopyReport> CopyAll(PGconn* pg, SqliteSnapshot& source, const CopyOptions& options) {
  VAULT_ASSIGN_OR_RETURN(std::vector<SourceTable> tables, source.Tables());
  VAULT_ASSIGN_OR_RETURN(auto handed_out, source.Sequences());
  VAULT_RETURN_IF_ERROR(CheckTarget(pg, tables));
  CopyReport report;
  std::vector<RowSetDigest> copied(tables.size());
  for (size_t i = 0; i < tables.size(); ++i) {
    VAULT_RETURN_IF_ERROR(CopyTable(pg, source, tables[i], options.batch_rows, &copied[i]));
    report.tables.push_back(TableCopy{tables[i].name, copied[i].rows()});
    report.rows += copied[i].rows();
  }
  VAULT_ASSIGN_OR_RETURN(report.sequences, SetSequences(pg, tables, handed_out));
  for (size_t i = 0; i < tables.size(); ++i) {
    RowSetDigest stored;
    VAULT_RETURN_IF_ERROR(ReadBack(pg, tables[i], &stored));
    if (!(stored == copied[i])) {
      return DataLossError("migrate.verify_failed",
                           "table " + tables[i].name + " reads back " + std::to_string(stored.rows()) +
                               " rows from the target, not the " + std::to_string(copied[i].rows()) +
                               " rows copied, or different values; nothing was committed");
    }
  }
  return report;
}

}  // namespace

StatusOr<CopyReport> CopyToPostgres(SqliteSnapshot& source, Database& target, const CopyOptions& options) {
  if (target.engine() != Engine::kPostgres) {
    return InvalidArgumentError("migrate.target_not_postgres", "the target of a migration must be PostgreSQL");
  }
  try {
    return target.WithWriter([&](Connection& c) -> StatusOr<CopyReport> {
      c.BeginWrite();
      StatusOr<CopyReport> report = CopyAll(PostgresHandle(c.session()), source, options);
      // On failure Connection::EndUse rolls the whole copy back.
      if (report.ok()) {
        c.Commit();
        // The planner has no statistics for rows that arrived in one bulk
        // transaction until autovacuum gets to them, and no page of them is
        // marked all-visible, so every index-only scan reads the table too:
        // the title search at 1,000,000 documents took 110-450 ms without
        // statistics and 70-1,000 ms without the visibility map, 15-40 ms
        // after VACUUM (ANALYZE) (measured with bench/scale.sh). Outside
        // the transaction, and only the copied tables (never another
        // schema's).
        std::string tables;
        for (const TableCopy& t : report->tables) tables += (tables.empty() ? "\"" : ", \"") + t.table + "\"";
        if (!tables.empty()) c.Execute("VACUUM (ANALYZE) " + tables);
      }
      return report;
    });
  } catch (const Poco::Exception& e) {
    return UnavailableError("migrate.target_error", "target database: " + e.displayText());
  }
}

}  // namespace vault::db
