// Connection: one connection to the metadata database (a SQLite file or a
// PostgreSQL server) with the vault's settings, and the prepared statements
// compiled on it.
//
// Only Database creates connections and hands them out, one caller at a
// time (the write connection under its lock, a read connection leased from
// the pool), so a Connection itself is not thread-safe. Statements on it
// throw Poco exceptions; Client catches them at the store's boundary. The
// SQL is SQLite's on both engines (sql_dialect.h translates for PostgreSQL).
#pragma once

#include <Poco/Data/Session.h>

#include <memory>
#include <string>

#include "vault/db/engine.h"
#include "vault/db/prepared.h"

namespace vault::db {

class Connection {
 public:
  // SQLite: opens the file with busy_timeout 5 s, WAL, synchronous=FULL,
  // foreign keys and secure_delete on; a read connection also gets
  // query_only, so a write through it fails instead of bypassing the write
  // lock. PostgreSQL: connects; a read connection gets
  // default_transaction_read_only for the same reason. Throws.
  static std::unique_ptr<Connection> Open(const DatabaseTarget& target, bool read_only);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Engine engine() const { return engine_; }
  Poco::Data::Session& session() { return *session_; }
  operator Poco::Data::Session&() { return *session_; }  // NOLINT: Statement st(connection)
  // `connection << "SQL", bind(x), into(y), now;` as on a Poco session.
  template <typename T>
  Poco::Data::Statement operator<<(const T& t) {
    return *session_ << t;
  }
  // The cached statement for `sql` (see prepared.h); for queries that run
  // on every request.
  PreparedQuery Prepared(const std::string& sql) { return prepared_->Get(sql); }

  // Starts a write transaction that excludes every other writer of the
  // database: SQLite's BEGIN IMMEDIATE takes the file's write lock; on
  // PostgreSQL, BEGIN plus a transaction-scoped advisory lock taken by every
  // writer of every node, so a store's read-modify-write (the audit chain's
  // head, the next archive number, an hourly export count) stays as
  // serialized as on SQLite. Throws.
  void BeginWrite();
  void Commit();

  // Runs `sql` (no parameters, no rows) directly. Throws.
  void Execute(const std::string& sql);

  // Called when a use ends: resets any statement still stepping and rolls
  // back a transaction left open, so a read connection never keeps an old
  // snapshot (it would serve stale rows) and the writer never keeps a lock.
  // (After a failed transaction this is its ROLLBACK.) On PostgreSQL a
  // connection the server or the network broke is reconnected here.
  void EndUse();

 private:
  Connection(Engine engine, std::unique_ptr<Poco::Data::Session> session, bool read_only);
  Engine engine_;
  bool read_only_;
  std::unique_ptr<Poco::Data::Session> session_;
  std::unique_ptr<PreparedCache> prepared_;  // over session_; destroyed first
};

}  // namespace vault::db
