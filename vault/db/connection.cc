#include "vault/db/connection.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <sqlite3.h>

#include <mutex>

using namespace Poco::Data::Keywords;

namespace vault::db {

std::unique_ptr<Connection> Connection::Open(const std::string& path, bool read_only) {
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
  return std::unique_ptr<Connection>(new Connection(std::move(session)));
}

Connection::Connection(std::unique_ptr<Poco::Data::Session> session)
    : session_(std::move(session)), prepared_(std::make_unique<PreparedCache>(*session_)) {}

Connection::~Connection() = default;

void Connection::EndUse() {
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
