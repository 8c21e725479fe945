// WhereClause: builds "<base> AND col = ? AND ..." with its parameters, for
// queries whose filters are optional. Values are always bound, never
// spliced into SQL.
//
// Thread-safety: a value type; not for concurrent mutation.
#pragma once

#include <Poco/Data/Statement.h>

#include <string>
#include <vector>

namespace vault::db {

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

}  // namespace vault::db
