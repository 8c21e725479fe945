// Shared plumbing for the stores that live in the metadata database
// (SqliteMetadataStore, AuditLog, IdentityStore): one way to open a
// connection, read columns, report errors and build filtered queries.
//
// Functions that talk to SQLite throw Poco exceptions; they are for use
// inside the stores' adapters, which catch them and return a Status.
#pragma once

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault::sqlite {

// A connection with the vault's settings: busy_timeout 5 s, WAL,
// synchronous=FULL, foreign keys and secure_delete on.
std::unique_ptr<Poco::Data::Session> OpenSession(const std::string& path);

// Whether `table` exists, i.e. the migration that creates it has run.
bool HasTable(Poco::Data::Session& session, const std::string& table);

// Column values; empty string / 0 for NULL.
std::string Text(Poco::Data::RecordSet& rs, const char* column);
int64_t Int(Poco::Data::RecordSet& rs, const char* column);

// Splits a group_concat(..., char(31)) column into its sorted values. The
// unit separator never occurs in stored text (control characters are
// refused on the way in).
std::vector<std::string> SplitList(const std::string& joined);

// UNAVAILABLE with a stable reason, e.g. DbError("audit.db_error", "audit log", e).
Status DbError(const char* reason, const char* what, const Poco::Exception& e);

// Runs `body` (returning Status) inside BEGIN IMMEDIATE ... COMMIT, rolling
// back on any failure; database errors become DbError(reason, what, ...).
template <typename Fn>
Status InTransaction(Poco::Data::Session& s, const char* reason, const char* what, Fn body) {
  using Poco::Data::Keywords::now;
  try {
    s << "BEGIN IMMEDIATE", now;
  } catch (const Poco::Exception& e) {
    return DbError(reason, what, e);
  }
  Status status;
  try {
    status = body();
    if (status.ok()) s << "COMMIT", now;
  } catch (const Poco::Exception& e) {
    status = DbError(reason, what, e);
  }
  if (!status.ok()) {
    try {
      s << "ROLLBACK", now;
    } catch (const Poco::Exception&) {
      // The transaction is already gone; nothing was committed.
    }
  }
  return status;
}

// Builds "<base> AND col = ? AND ..." with its parameters, for queries whose
// filters are optional. Values are always bound, never spliced into SQL.
class WhereClause {
 public:
  explicit WhereClause(std::string base) : sql_(std::move(base)) {}
  // Adds "column = ?" unless `value` is empty.
  void Equals(const char* column, const std::string& value);
  // Adds an arbitrary condition with one placeholder, unless `value` is empty.
  void Add(const std::string& condition, const std::string& value);
  // Adds "column IN (?, ...)" over `values` (always, even when empty: then
  // nothing matches), optionally OR-ed with "column = ''".
  void In(const char* column, const std::vector<std::string>& values, bool or_empty = false);
  const std::string& sql() const { return sql_; }
  // Binds every parameter; this object must outlive the statement's execution.
  void BindTo(Poco::Data::Statement& statement);

 private:
  std::string sql_;
  std::vector<std::string> params_;
};

}  // namespace vault::sqlite
