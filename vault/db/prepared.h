// Prepared statements kept across calls, for the few queries every API
// request runs (token lookup, document lookup, audit append). Poco::Data
// compiles each statement anew; profiling vaultd showed a quarter of its CPU
// in sqlite3_prepare. Each Connection has one cache, used by whoever holds
// the connection: on SQLite over the sqlite3 handle, on PostgreSQL over the
// libpq connection (server-side prepared statements; the SQL is translated
// once, see sql_dialect.h).
//
// Errors are thrown as Poco::Data::DataException, like Poco::Data's own, so
// Client maps them to a Status.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace Poco::Data {
class Session;
}
typedef struct pg_conn PGconn;

namespace vault::db {

class PreparedQuery {
 public:
  // One engine's execution of one statement.
  class Impl {
   public:
    virtual ~Impl() = default;
    virtual void Bind(int index, const std::string& value) = 0;
    virtual void Bind(int index, int64_t value) = 0;
    virtual bool Step() = 0;
    virtual std::string Text(const char* column) const = 0;
    virtual int64_t Int(const char* column) const = 0;
  };
  explicit PreparedQuery(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
  PreparedQuery(PreparedQuery&& other) noexcept = default;
  PreparedQuery(const PreparedQuery&) = delete;
  PreparedQuery& operator=(const PreparedQuery&) = delete;

  // Parameters are numbered from 1, as in SQLite.
  PreparedQuery& Bind(int index, const std::string& value) {
    impl_->Bind(index, value);
    return *this;
  }
  PreparedQuery& Bind(int index, int64_t value) {
    impl_->Bind(index, value);
    return *this;
  }
  // Advances to the next row: true while there is one. Statements without
  // rows run to completion on the first call.
  bool Step() { return impl_->Step(); }
  // Columns of the current row by name; "" / 0 for NULL.
  std::string Text(const char* column) const { return impl_->Text(column); }
  int64_t Int(const char* column) const { return impl_->Int(column); }

 private:
  std::unique_ptr<Impl> impl_;
};

class PreparedCache {
 public:
  virtual ~PreparedCache() = default;
  // The statement for `sql`, compiled on first use; reset and unbound when
  // the returned query goes out of scope. Not reentrant for the same SQL.
  virtual PreparedQuery Get(const std::string& sql) = 0;
};

std::unique_ptr<PreparedCache> NewSqlitePreparedCache(Poco::Data::Session& session);
std::unique_ptr<PreparedCache> NewPostgresPreparedCache(PGconn* connection);

}  // namespace vault::db
