// Database: the process's one handle on the metadata database, shared by
// every store (documents, audit log, identity, role grants, exports, loans,
// destructions). It owns the connections, their prepared-statement caches,
// the schema (migrations run in Open) and the WAL checkpoint. Stores reach
// it through a Client (client.h), which adds transactions and maps database
// errors to the store's stable reason; a store never opens a connection.
//
// Connections: exactly one write connection, through which every write and
// every transaction goes, one at a time (SQLite has one writer per file
// anyway), plus `readers` read connections in a pool. Reads do not use the
// writer because with synchronous=FULL a commit holds it through an fsync
// (the audit log's group commit commits on every API request): measured
// with bench/api.sh, one shared connection for everything served about 25%
// fewer requests per second than the per-store connections before it,
// while WAL lets the read connections read the last committed snapshot
// during that fsync. With this split the same benchmark is as fast as the
// per-store connections or faster (figures in docs/architecture.md).
// A read sees every transaction committed before it started, so a store's
// write followed by a read (on any thread) reads what was written; a read
// inside a write transaction must use the transaction's connection.
//
// Other processes (vaultctl beside vaultd) open their own Database on the
// same file; writers take BEGIN IMMEDIATE and wait up to 5 s for the lock.
//
// PostgreSQL (several nodes sharing one database): the same interface and
// the same SQL (sql_dialect.h translates it). Every connection of the pool
// could write, but writes still go through the one write connection of this
// process, and BeginWrite takes a database-wide advisory lock, so writes of
// all nodes are serialized as on SQLite: the stores' read-modify-write
// transactions need no engine-specific locking. Measured cost and the
// reasoning are in docs/architecture.md ("PostgreSQL").
// CheckpointTruncate is a no-op there (no WAL file of ours to fold).
//
// Thread-safety: safe for concurrent use. Writes wait for each other; reads
// wait only when all read connections are in use.
#pragma once

#include <Poco/Exception.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vault/base/status.h"
#include "vault/db/connection.h"

namespace vault::db {

struct DatabaseOptions {
  // Read connections in the pool, at least 1. A read holds one for
  // microseconds; 4 serve vaultd's 16 workers on the 2-CPU machine
  // bench/api.sh runs on (a read waits for a free one, never for a write).
  int readers = 4;
};

// The query that reads a database's schema version (the highest applied
// migration), for code that reads a database file without opening it as a
// Database (vault/db/sqlite_snapshot.h).
const char* SchemaVersionQuery();

class Database {
 public:
  // Opens (creating if needed) the database named by `setting` (engine.h: a
  // SQLite path, or a PostgreSQL URI / conninfo) and applies pending
  // migrations (migrations.h). Errors: metadata.bad_database,
  // metadata.db_error, metadata.schema_too_new.
  static StatusOr<std::shared_ptr<Database>> Open(const std::string& setting, DatabaseOptions options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs fn(Connection&) on the write connection, alone. May throw what fn
  // throws; Client wraps this with transactions and error mapping. A write
  // from inside a write on the same thread would wait for itself forever;
  // it throws Poco::IllegalStateException instead.
  template <typename Fn>
  auto WithWriter(Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
    if (writer_thread_.load() == std::this_thread::get_id()) {
      throw Poco::IllegalStateException("a write inside a write on the same thread");
    }
    std::lock_guard<std::mutex> lock(writer_mu_);
    Use use(*writer_, writer_thread_);
    return fn(*writer_);
  }
  // Runs fn(Connection&) on a read connection leased from the pool.
  template <typename Fn>
  auto WithReader(Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
    Lease lease(*this);
    return fn(*lease.connection);
  }

  // Folds the WAL into the main file and truncates it (after a crypto-erase,
  // so no old page of a deleted key stays in the log). Returns false when a
  // reader (here or in another process) kept it from finishing. Throws.
  bool CheckpointTruncate();

  // Schema version (highest applied migration). Throws.
  int SchemaVersion();

  const DatabaseTarget& target() const { return target_; }
  Engine engine() const { return target_.engine; }
  // Connections this handle opened: 1 writer + options.readers.
  int connections() const { return 1 + static_cast<int>(readers_.size()); }

 private:
  Database(DatabaseTarget target, std::unique_ptr<Connection> writer,
           std::vector<std::unique_ptr<Connection>> readers);

  // Ends a use of a connection, also when fn throws (Connection::EndUse).
  struct Use {
    Use(Connection& c, std::atomic<std::thread::id>& owner) : connection(c), thread(owner) {
      thread = std::this_thread::get_id();
    }
    ~Use() {
      connection.EndUse();
      thread = std::thread::id();
    }
    Connection& connection;
    std::atomic<std::thread::id>& thread;
  };
  struct Lease {
    explicit Lease(Database& db);
    ~Lease();
    Database& db;
    Connection* connection;
  };

  const DatabaseTarget target_;
  std::mutex writer_mu_;  // held for every use of writer_
  std::atomic<std::thread::id> writer_thread_{};  // the holder of writer_mu_
  std::unique_ptr<Connection> writer_;
  std::vector<std::unique_ptr<Connection>> readers_;

  std::mutex pool_mu_;  // guards free_
  std::condition_variable pool_cv_;
  std::vector<Connection*> free_;
};

}  // namespace vault::db
