#include "vault/backup/drill_database.h"

#include "vault/backup/pg_client.h"
#include "vault/base/hex.h"
#include "vault/crypto/secret_key.h"
#include "vault/db/engine.h"

namespace vault {

StatusOr<std::unique_ptr<ScratchDatabase>> ScratchDatabase::Create(const std::string& server, const BackupManifest& m) {
  auto target = server.empty() ? StatusOr<db::DatabaseTarget>(InvalidArgumentError("", ""))
                               : db::ParseDatabaseTarget(server);
  if (!target.ok() || target->engine != db::Engine::kPostgres) {
    return FailedPreconditionError("backup.drill_database_required",
                                   "this backup is of a PostgreSQL vault: a drill restores it into a throwaway "
                                   "database it creates and drops; give a PostgreSQL server whose role may create "
                                   "databases (--drill-database CONN)");
  }
  if (!PlainSchemaName(m.database_schema)) {
    return DataLossError("backup.manifest_malformed", std::string(kManifestFile) + ": the database schema is malformed");
  }
  uint8_t random[8];
  RandomBytes(random, sizeof random);
  const std::string name = "vault_drill_" + HexEncode(random, sizeof random);
  VAULT_RETURN_IF_ERROR(PgExecute(server, "CREATE DATABASE " + name));
  auto split = SplitPgConnection(server, name, m.database_schema);
  if (!split.ok()) {
    (void)PgExecute(server, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    return split.status();
  }
  return std::unique_ptr<ScratchDatabase>(new ScratchDatabase(server, name, JoinPgConnection(*split)));
}

ScratchDatabase::~ScratchDatabase() { (void)PgExecute(server_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }

}  // namespace vault
