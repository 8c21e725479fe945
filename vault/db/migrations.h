// Versioned schema migrations for the metadata database.
//
// Migration N turns schema N-1 into schema N. They are applied in order, each
// in its own transaction together with its row in schema_migrations, so a
// crash leaves the database at a whole version. A database whose version is
// newer than this binary knows is refused (metadata.schema_too_new).
#pragma once

#include <string>
#include <vector>

namespace vault {

// Applied by db::Database::Open; schema_migrations belongs to it.

struct Migration {
  int version;
  const char* description;
  std::vector<std::string> statements;
};

const std::vector<Migration>& SqliteMigrations();

}  // namespace vault
