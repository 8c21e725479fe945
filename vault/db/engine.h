// Which database engine holds the metadata, and where: the one setting
// (`vaultd.database`, `vaultctl --database`, VAULT_DATABASE) that moves a
// vault from the embedded SQLite file to a PostgreSQL server.
//
// Accepted forms:
//   sqlite:/path/to/metadata.db   or a plain path      -> SQLite
//   postgresql://user@host:port/db?...  (postgres:// too) -> PostgreSQL
//   host=... port=... dbname=... (a libpq conninfo string) -> PostgreSQL
#pragma once

#include <string>

#include "vault/base/status.h"

namespace vault::db {

enum class Engine { kSqlite, kPostgres };

struct DatabaseTarget {
  Engine engine = Engine::kSqlite;
  // The file path (SQLite) or the libpq connection string (PostgreSQL).
  std::string location;
};

// Errors: metadata.bad_database (INVALID_ARGUMENT) for an empty string.
StatusOr<DatabaseTarget> ParseDatabaseTarget(const std::string& setting);

// `location` with any password removed, for logs and error messages.
std::string RedactedLocation(const DatabaseTarget& target);

const char* EngineName(Engine engine);

}  // namespace vault::db
