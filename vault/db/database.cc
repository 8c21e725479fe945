#include "vault/db/database.h"

#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/Statement.h>

#include "vault/db/client.h"
#include "vault/db/migrations.h"

using namespace Poco::Data::Keywords;

namespace vault::db {
namespace {

constexpr char kReason[] = "metadata.db_error";
constexpr char kWhat[] = "metadata";

// Each migration in its own transaction with its schema_migrations row, so
// a crash leaves the database at a whole version.
Status Migrate(Client& db) {
  VAULT_RETURN_IF_ERROR(db.Write([](Connection& c) -> Status {
    c << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL)",
        now;
    return Status::Ok();
  }));
  const auto& migrations = Migrations();
  for (const Migration& m : migrations) {
    VAULT_RETURN_IF_ERROR(db.Write([&](Connection& c) -> Status {
      Poco::Int64 applied = 0, newest = 0;
      c << "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", bind(Poco::Int64{m.version}), into(applied),
          now;
      c << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", into(newest), now;
      if (newest > migrations.back().version) {
        return FailedPreconditionError(
            "metadata.schema_too_new",
            "metadata database has schema version " + std::to_string(newest) +
                ", newer than this program understands (" + std::to_string(migrations.back().version) +
                "); upgrade the vault software");
      }
      if (applied) return Status::Ok();
      const auto& statements =
          (c.engine() == Engine::kPostgres && !m.postgres.empty()) ? m.postgres : m.statements;
      for (const std::string& sql : statements) c << sql, now;
      c << "INSERT INTO schema_migrations (version, description) VALUES (?, ?)", bind(Poco::Int64{m.version}),
          bind(std::string(m.description)), now;
      return Status::Ok();
    }));
  }
  return Status::Ok();
}

// SQLITE_FULL (a write or the journal found no space), or PostgreSQL's
// disk_full (SQLSTATE 53100, "could not extend file ...: No space left on
// device"). These are a full disk, not an unavailable database: the API
// answers 507 storage.no_space, as for a blob write that hits ENOSPC.
bool IsDiskFull(const Poco::Exception& e) {
  if (dynamic_cast<const Poco::Data::SQLite::DatabaseFullException*>(&e) != nullptr) return true;
  const std::string text = e.displayText();
  for (const char* marker : {"database or disk is full", "No space left on device", "Disk quota exceeded", "State: 53100"}) {
    if (text.find(marker) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

const char* SchemaVersionQuery() { return "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"; }

Status DbError(const char* reason, const char* what, const Poco::Exception& e) {
  if (IsDiskFull(e)) {
    return ResourceExhaustedError("storage.no_space", std::string(what) + " database: no space left on device");
  }
  std::string message = e.displayText();
  // PostgreSQL's DETAIL and the statement text repeat stored values (a
  // duplicate key's value, a row that failed a check); errors may reach API
  // clients and logs, so they carry the server's message only.
  for (const char* cut : {" Detail: ", "\nDETAIL: "}) {
    size_t at = message.find(cut);
    if (at != std::string::npos) message.erase(at);
  }
  return UnavailableError(reason, std::string(what) + " database: " + message);
}

StatusOr<std::shared_ptr<Database>> Database::Open(const std::string& setting, DatabaseOptions options) {
  VAULT_ASSIGN_OR_RETURN(DatabaseTarget target, ParseDatabaseTarget(setting));
  std::shared_ptr<Database> db;
  try {
    // The writer first: it creates the file and switches it to WAL.
    auto writer = Connection::Open(target, /*read_only=*/false);
    std::vector<std::unique_ptr<Connection>> readers;
    for (int i = 0; i < std::max(1, options.readers); ++i) readers.push_back(Connection::Open(target, true));
    db.reset(new Database(target, std::move(writer), std::move(readers)));
  } catch (const Poco::Exception& e) {
    // libpq's messages name host and database, never the password.
    return DbError(kReason, kWhat, e);
  }
  Client client(db, kReason, kWhat);
  VAULT_RETURN_IF_ERROR(Migrate(client));
  return db;
}

Database::Database(DatabaseTarget target, std::unique_ptr<Connection> writer,
                   std::vector<std::unique_ptr<Connection>> readers)
    : target_(std::move(target)), writer_(std::move(writer)), readers_(std::move(readers)) {
  for (auto& r : readers_) free_.push_back(r.get());
}

Database::~Database() = default;

Database::Lease::Lease(Database& d) : db(d) {
  std::unique_lock<std::mutex> lock(db.pool_mu_);
  db.pool_cv_.wait(lock, [&] { return !db.free_.empty(); });
  connection = db.free_.back();
  db.free_.pop_back();
}

Database::Lease::~Lease() {
  connection->EndUse();
  {
    std::lock_guard<std::mutex> lock(db.pool_mu_);
    db.free_.push_back(connection);
  }
  db.pool_cv_.notify_one();
}

bool Database::CheckpointTruncate() {
  if (engine() == Engine::kPostgres) return true;
  return WithWriter([](Connection& c) {
    // Returns (busy, wal frames, checkpointed frames); busy = 1 means a
    // reader kept it from finishing and old pages may remain in the WAL.
    Poco::Int64 busy = 0, frames = 0, done = 0;
    c << "PRAGMA wal_checkpoint(TRUNCATE)", into(busy), into(frames), into(done), now;
    return busy == 0;
  });
}

int Database::SchemaVersion() {
  return WithReader([](Connection& c) {
    Poco::Int64 v = 0;
    c << SchemaVersionQuery(), into(v), now;
    return static_cast<int>(v);
  });
}

}  // namespace vault::db
