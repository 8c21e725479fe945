// Client: a store's way into the shared Database. It runs the store's SQL
// on the right connection (reads on a pooled read connection, writes and
// transactions on the one write connection) and turns a database exception
// into UNAVAILABLE with the store's stable reason, e.g. "audit.db_error",
// so no store repeats the open / lock / try / catch boilerplate.
//
// fn takes a Connection& and returns a Status or a StatusOr<T>; Poco
// exceptions thrown by its statements become that type's error.
//
// Thread-safety: as Database.
#pragma once

#include <Poco/Exception.h>

#include <memory>
#include <utility>

#include "vault/base/status.h"
#include "vault/db/database.h"
#include "vault/db/rows.h"

namespace vault::db {

// UNAVAILABLE with a stable reason, e.g. DbError("audit.db_error", "audit log", e).
Status DbError(const char* reason, const char* what, const Poco::Exception& e);

class Client {
 public:
  // `reason` and `what` name the store in errors: reason "identity.db_error",
  // what "identity" gives "identity database: <SQLite's message>".
  Client(std::shared_ptr<Database> db, const char* reason, const char* what)
      : db_(std::move(db)), reason_(reason), what_(what) {}

  // A read on a read connection: sees everything committed before it.
  template <typename Fn>
  auto Read(Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
    try {
      return db_->WithReader(fn);
    } catch (const Poco::Exception& e) {
      return Error(e);
    }
  }

  // Every row of `sql` (a query without parameters) mapped by
  // `from_row(RecordSet&)`, on a read connection.
  template <typename FromRow>
  auto ReadAll(const std::string& sql, FromRow from_row)
      -> StatusOr<std::vector<decltype(from_row(std::declval<Poco::Data::RecordSet&>()))>> {
    using Rows = std::vector<decltype(from_row(std::declval<Poco::Data::RecordSet&>()))>;
    return Read([&](Connection& c) -> StatusOr<Rows> {
      Poco::Data::Statement st(c);
      st << sql;
      return AllRows(st, from_row);
    });
  }

  // A transaction on the write connection: BeginWrite (connection.h), fn,
  // COMMIT if fn returned OK, otherwise (or if it threw) ROLLBACK. Reads inside fn use
  // its connection and see the transaction's own writes.
  template <typename Fn>
  auto Write(Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
    using Result = decltype(fn(std::declval<Connection&>()));
    try {
      return db_->WithWriter([&](Connection& c) -> Result {
        c.BeginWrite();
        Result result = fn(c);
        // ROLLBACK on failure is left to Connection::EndUse.
        if (result.ok()) c.Commit();
        return result;
      });
    } catch (const Poco::Exception& e) {
      return Error(e);
    }
  }

  // Database::CheckpointTruncate; `busy_reason` (UNAVAILABLE) with
  // `busy_message` when a reader kept it from finishing.
  Status CheckpointTruncate(const char* busy_reason, const char* busy_message) {
    try {
      if (db_->CheckpointTruncate()) return Status::Ok();
      return UnavailableError(busy_reason, busy_message);
    } catch (const Poco::Exception& e) {
      return Error(e);
    }
  }
  StatusOr<int> SchemaVersion() {
    try {
      return db_->SchemaVersion();
    } catch (const Poco::Exception& e) {
      return Error(e);
    }
  }

  Status Error(const Poco::Exception& e) const { return DbError(reason_, what_, e); }
  Database& database() { return *db_; }

 private:
  std::shared_ptr<Database> db_;
  const char* reason_;
  const char* what_;
};

}  // namespace vault::db
