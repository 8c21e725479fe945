// Versioned schema migrations for the metadata database.
//
// Migration N turns schema N-1 into schema N. They are applied in order, each
// in its own transaction together with its row in schema_migrations, so a
// crash leaves the database at a whole version. A database whose version is
// newer than this binary knows is refused (metadata.schema_too_new).
//
// One list for both engines: statements are SQLite's dialect and run on
// PostgreSQL through the translation in sql_dialect.h (INTEGER becomes
// BIGINT, AUTOINCREMENT keys BIGSERIAL). A statement with no translation
// gives its PostgreSQL form in `postgres` (same count, same order).
#pragma once

#include <string>
#include <vector>

namespace vault {

// Applied by db::Database::Open; schema_migrations belongs to it.

struct Migration {
  int version;
  const char* description;
  std::vector<std::string> statements;
  std::vector<std::string> postgres = {};  // when non-empty, replaces `statements` on PostgreSQL
};

const std::vector<Migration>& Migrations();

}  // namespace vault
