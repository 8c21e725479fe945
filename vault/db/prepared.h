// Prepared statements kept across calls, for the few queries every API
// request runs (token lookup, document lookup, audit append). Poco::Data
// compiles each statement anew; profiling vaultd showed a quarter of its CPU
// in sqlite3_prepare. Each Connection has one cache over its Poco session
// (sqlite3 handle from Poco::Data::SQLite::Utility::dbHandle), used by
// whoever holds the connection.
//
// Errors are thrown as Poco::Data::DataException, like Poco::Data's own, so
// Client maps them to a Status.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace Poco::Data {
class Session;
}

namespace vault::db {

class PreparedQuery;

class PreparedCache {
 public:
  explicit PreparedCache(Poco::Data::Session& session);
  ~PreparedCache();
  PreparedCache(const PreparedCache&) = delete;
  PreparedCache& operator=(const PreparedCache&) = delete;

  // The statement for `sql`, compiled on first use; reset and unbound when
  // the returned query goes out of scope. Not reentrant for the same SQL.
  PreparedQuery Get(const std::string& sql);

 private:
  struct Entry {
    sqlite3_stmt* stmt = nullptr;
    std::map<std::string, int> columns;  // result column name -> index
  };
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<Entry>> cache_;
  friend class PreparedQuery;
};

class PreparedQuery {
 public:
  ~PreparedQuery();
  PreparedQuery(PreparedQuery&& other) noexcept;
  PreparedQuery(const PreparedQuery&) = delete;
  PreparedQuery& operator=(const PreparedQuery&) = delete;

  // Parameters are numbered from 1, as in SQLite.
  PreparedQuery& Bind(int index, const std::string& value);
  PreparedQuery& Bind(int index, int64_t value);
  // Advances to the next row: true while there is one. Statements without
  // rows run to completion on the first call.
  bool Step();
  // Columns of the current row by name; "" / 0 for NULL.
  std::string Text(const char* column) const;
  int64_t Int(const char* column) const;

 private:
  friend class PreparedCache;
  PreparedQuery(sqlite3* db, void* entry) : db_(db), entry_(entry) {}
  int Column(const char* name) const;
  sqlite3* db_;
  void* entry_;  // PreparedCache::Entry
};

}  // namespace vault::db
