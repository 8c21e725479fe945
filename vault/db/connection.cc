#include "vault/db/connection.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <mutex>

#include "vault/db/pg_session.h"

using namespace Poco::Data::Keywords;

namespace vault::db {
namespace {

std::unique_ptr<Poco::Data::Session> OpenSqlite(const std::string& path, bool read_only) {
  static std::once_flag registered;
  std::call_once(registered, [] {
    // Before SQLite initializes: without memory statistics its allocator
    // takes no process-wide mutex, which otherwise serializes every
    // statement of every connection (measured: half of vaultd's CPU went
    // to that futex). Fails harmlessly if SQLite was already initialized.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    Poco::Data::SQLite::Connector::registerConnector();
  });
  auto session = std::make_unique<Poco::Data::Session>("SQLite", path);
  Poco::Data::Session& s = *session;
  s << "PRAGMA busy_timeout = 5000", now;
  s << "PRAGMA journal_mode = WAL", now;
  s << "PRAGMA synchronous = FULL", now;
  s << "PRAGMA foreign_keys = ON", now;
  s << "PRAGMA secure_delete = ON", now;
  if (read_only) s << "PRAGMA query_only = ON", now;
  return session;
}

void IgnoreNotice(void*, const char*) {}

void PgExec(PGconn* conn, const char* sql) {
  PGresult* r = PQexec(conn, sql);
  ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
  PQclear(r);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) throw Poco::Data::DataException(message);
}

// The session settings, at connect and again after a reconnect.
void ConfigurePostgres(PGconn* conn, bool read_only) {
  // NOTICEs ("relation already exists, skipping") would go to stderr.
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  PgExec(conn, "SET client_min_messages = warning");
  // Like SQLite's busy_timeout, but for a writer waiting on another node's
  // transaction: an error after 30 s instead of hanging a request forever.
  PgExec(conn, "SET lock_timeout = '30s'");
  // The vault's queries are short, indexed and limited: starting parallel
  // workers (50 ms on a small machine) or compiling a plan with JIT costs
  // more than any of them; and its indexes are read from memory or SSD, so
  // an index probe costs about what a sequential read does (with the
  // default 4, a title count hashed 50,000 postings, 18 ms, instead of
  // probing 1,001 documents, 4 ms). docs/operations.md, "PostgreSQL setup".
  PgExec(conn, "SET max_parallel_workers_per_gather = 0");
  PgExec(conn, "SET jit = off");
  PgExec(conn, "SET random_page_cost = 1.1");
  if (read_only) PgExec(conn, "SET default_transaction_read_only = on");
}

std::unique_ptr<Poco::Data::Session> OpenPostgres(const std::string& conninfo, bool read_only) {
  auto session = OpenPostgresSession(conninfo);
  ConfigurePostgres(PostgresHandle(*session), read_only);
  return session;
}

}  // namespace

std::unique_ptr<Connection> Connection::Open(const DatabaseTarget& target, bool read_only) {
  if (target.engine == Engine::kPostgres) {
    return std::unique_ptr<Connection>(
        new Connection(target.engine, OpenPostgres(target.location, read_only), read_only));
  }
  return std::unique_ptr<Connection>(new Connection(target.engine, OpenSqlite(target.location, read_only), read_only));
}

Connection::Connection(Engine engine, std::unique_ptr<Poco::Data::Session> session, bool read_only)
    : engine_(engine),
      read_only_(read_only),
      session_(std::move(session)),
      prepared_(engine == Engine::kPostgres ? NewPostgresPreparedCache(PostgresHandle(*session_))
                                            : NewSqlitePreparedCache(*session_)) {}

Connection::~Connection() = default;

void Connection::Execute(const std::string& sql) {
  if (engine_ == Engine::kPostgres) {
    PgExec(PostgresHandle(*session_), sql.c_str());
  } else {
    *session_ << sql, now;
  }
}

void Connection::BeginWrite() {
  if (engine_ == Engine::kPostgres) {
    PgExec(PostgresHandle(*session_),
           "BEGIN; SELECT pg_advisory_xact_lock(hashtext('vault.write'), hashtext(current_schema()))");
  } else {
    Prepared("BEGIN IMMEDIATE").Step();
  }
}

void Connection::Commit() {
  if (engine_ == Engine::kPostgres) {
    PgExec(PostgresHandle(*session_), "COMMIT");
  } else {
    Prepared("COMMIT").Step();
  }
}

void Connection::EndUse() {
  if (engine_ == Engine::kPostgres) {
    PGconn* conn = PostgresHandle(*session_);
    if (PQstatus(conn) == CONNECTION_BAD) {
      // The server restarted or the network cut the connection: the
      // requests that were using it failed (metadata.db_error); the next
      // one gets a fresh connection, with its settings and no prepared
      // statements (they lived in the old server session).
      prepared_.reset();
      PQreset(conn);
      if (PQstatus(conn) == CONNECTION_OK) {
        try {
          ConfigurePostgres(conn, read_only_);
        } catch (const Poco::Exception&) {
          // Tried again at the end of the next use.
        }
      }
      prepared_ = NewPostgresPreparedCache(conn);
      return;
    }
    if (PQtransactionStatus(conn) != PQTRANS_IDLE) {
      PGresult* r = PQexec(conn, "ROLLBACK");
      PQclear(r);
    }
    return;
  }
  sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(*session_);
  for (sqlite3_stmt* st = sqlite3_next_stmt(db, nullptr); st; st = sqlite3_next_stmt(db, st)) {
    if (sqlite3_stmt_busy(st)) {
      sqlite3_reset(st);
    }
  }
  if (!sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

}  // namespace vault::db
