// Row mapping helpers for the stores: column values of a Poco RecordSet or
// a PreparedQuery by name, every row of a statement, and lists folded into
// one column.
//
// Functions that talk to SQLite throw Poco exceptions; they are for use
// inside a Client's Read/Write, which catches them.
#pragma once

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "vault/db/prepared.h"

namespace vault::db {

// What a store's .cc writes SQL with: `using namespace vault::db::sql;`
// brings Statement, RecordSet and Poco's bind/into/use/now.
namespace sql {
using Poco::Data::RecordSet;
using Poco::Data::Statement;
using namespace Poco::Data::Keywords;
}  // namespace sql

// Column values; empty string / 0 for NULL.
std::string Text(Poco::Data::RecordSet& rs, const char* column);
int64_t Int(Poco::Data::RecordSet& rs, const char* column);
inline std::string Text(const PreparedQuery& q, const char* column) { return q.Text(column); }
inline int64_t Int(const PreparedQuery& q, const char* column) { return q.Int(column); }

// Copies named columns of the current row into fields, by the field's type
// (text for std::string, integers, bool as non-zero):
//   db::Row(rs)("id", &h.id)("scope", &h.scope)("created_at", &h.created_at);
// RowSource is a RecordSet or a PreparedQuery.
template <typename RowSource>
class RowReader {
 public:
  explicit RowReader(RowSource& source) : source_(source) {}
  template <typename T>
  RowReader& operator()(const char* column, T* field) {
    if constexpr (std::is_same_v<T, std::string>) {
      *field = Text(source_, column);
    } else if constexpr (std::is_same_v<T, bool>) {
      *field = Int(source_, column) != 0;
    } else {
      static_assert(std::is_integral_v<T>, "a column maps to text, an integer or bool");
      *field = static_cast<T>(Int(source_, column));
    }
    return *this;
  }

 private:
  RowSource& source_;
};
template <typename RowSource>
RowReader<RowSource> Row(RowSource& source) {
  return RowReader<RowSource>(source);
}

// Runs `statement` and maps each row with `from_row(RecordSet&)`.
template <typename FromRow>
auto AllRows(Poco::Data::Statement& statement, FromRow from_row)
    -> std::vector<decltype(from_row(std::declval<Poco::Data::RecordSet&>()))> {
  statement.execute();
  Poco::Data::RecordSet rs(statement);
  std::vector<decltype(from_row(rs))> out;
  for (bool more = rs.moveFirst(); more; more = rs.moveNext()) out.push_back(from_row(rs));
  return out;
}

// Runs `statement` and maps its first row, if any.
template <typename FromRow>
auto FirstRow(Poco::Data::Statement& statement, FromRow from_row)
    -> std::optional<decltype(from_row(std::declval<Poco::Data::RecordSet&>()))> {
  statement.execute();
  Poco::Data::RecordSet rs(statement);
  if (!rs.moveFirst()) return std::nullopt;
  return from_row(rs);
}

// " ON CONFLICT (keys) DO UPDATE SET c = excluded.c, ..." for every column
// of the comma-separated `columns` that is not a key: the upsert both
// engines understand (SQLite's INSERT OR REPLACE has no PostgreSQL form).
std::string UpsertClause(const std::string& columns, const std::string& keys);

// A list kept in one text column as "a,b,c" (values never hold a comma:
// ids, hashes, step names). Split drops empty parts, so "" is no values.
std::string JoinCommaList(const std::vector<std::string>& values);
std::vector<std::string> SplitCommaList(const std::string& joined);

// Splits a group_concat(..., char(31)) column into its sorted values. The
// unit separator never occurs in stored text (control characters are
// refused on the way in).
std::vector<std::string> SplitList(const std::string& joined);

}  // namespace vault::db
