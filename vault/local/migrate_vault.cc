#include "vault/local/migrate_vault.h"

#include <chrono>

#include "vault/db/sqlite_snapshot.h"
#include "vault/db/migrations.h"
#include "vault/destruction/certificate_check.h"

namespace vault {
namespace {

constexpr size_t kKeyPage = 1000;

// Unwraps every stored data key with the vault's master key ring: a key
// that does not unwrap would leave its version (or kept copy) unreadable
// on the target.
StatusOr<int64_t> CheckEveryWrappedKey(LocalVault& lv) {
  int64_t checked = 0;
  std::string after_id;
  uint32_t after_version = 0;
  while (true) {
    VAULT_ASSIGN_OR_RETURN(std::vector<KeyRow> page, lv.metadata().KeysAfter(after_id, after_version, kKeyPage));
    for (const KeyRow& k : page) {
      const std::string where = k.version == 0 ? "artifact " + k.document_id
                                               : "document " + k.document_id + " version " + std::to_string(k.version);
      auto binding = BindingFor(k.document_id, k.version);
      if (!binding.ok()) return DataLossError("migrate.key_check_failed", where + ": not a valid id");
      auto dek = lv.keys().Unwrap(k.key, *binding);
      if (!dek.ok()) {
        return DataLossError("migrate.key_check_failed",
                             where + ": its data key does not unwrap on the target (" + dek.status().reason() + ")");
      }
      ++checked;
    }
    if (page.size() < kKeyPage) return checked;
    after_id = page.back().document_id;
    after_version = page.back().version;
  }
}

// What the migrated vault must still prove, read through its own stores.
Status CheckMigratedVault(LocalVault& lv, MigrateReport* report) {
  VAULT_ASSIGN_OR_RETURN(AuditReport audit, lv.audit().Verify());
  if (!audit.ok) {
    return DataLossError("migrate.audit_broken",
                         "the audit chain does not verify on the target" +
                             (audit.problems.empty() ? std::string() : ": " + audit.problems.front()));
  }
  report->audit_events = audit.events;
  report->audit_checkpoints = audit.checkpoints;
  VAULT_ASSIGN_OR_RETURN(report->wrapped_keys, CheckEveryWrappedKey(lv));
  VAULT_ASSIGN_OR_RETURN(std::vector<Certificate> certs, lv.destructions().Certificates());
  VAULT_ASSIGN_OR_RETURN(std::vector<std::string> referenced, lv.destructions().ReferencedCertificateIds());
  const ChainReport chain = VerifyCertificateChain(std::move(certs), referenced);
  if (!chain.intact()) {
    return DataLossError("migrate.certificates_broken",
                         "the destruction certificates' chain does not verify on the target: " +
                             chain.problems.front().certificate + " " + chain.problems.front().problem);
  }
  report->certificates = chain.certificates;
  return Status::Ok();
}

}  // namespace

StatusOr<MigrateReport> MigrateVault(const MigrateOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  MigrateReport report;
  db::DatabaseTarget source{db::Engine::kSqlite, options.source.data_dir + "/metadata.db"};
  if (!options.source.database.empty()) {
    VAULT_ASSIGN_OR_RETURN(source, db::ParseDatabaseTarget(options.source.database));
  }
  if (source.engine != db::Engine::kSqlite) {
    return InvalidArgumentError("migrate.source_not_sqlite",
                                "the vault's database is not a SQLite file; only SQLite vaults are migrated");
  }
  VAULT_ASSIGN_OR_RETURN(db::DatabaseTarget target, db::ParseDatabaseTarget(options.target));
  if (target.engine != db::Engine::kPostgres) {
    return InvalidArgumentError("migrate.target_not_postgres",
                                "--to must name a PostgreSQL database (postgresql://... or a libpq conninfo)");
  }
  report.source = source.location;
  report.target = db::RedactedLocation(target);

  VAULT_ASSIGN_OR_RETURN(auto snapshot, db::SqliteSnapshot::Open(source.location));
  VAULT_ASSIGN_OR_RETURN(report.schema_version, snapshot->SchemaVersion());
  const int ours = Migrations().back().version;
  if (report.schema_version != ours) {
    return FailedPreconditionError(
        "migrate.source_schema",
        "the SQLite database has schema version " + std::to_string(report.schema_version) +
            ", this program writes version " + std::to_string(ours) +
            (report.schema_version < ours ? "; open the vault once with this version (e.g. `vaultctl audit verify`) "
                                            "so it upgrades, then migrate"
                                          : "; migrate with the newer vault software"));
  }

  LocalVaultConfig migrated = options.source;
  migrated.database = options.target;
  {
    // Opening the target as the vault creates its schema and checks the
    // data directory and the key before anything is copied.
    VAULT_ASSIGN_OR_RETURN(std::unique_ptr<LocalVault> lv, LocalVault::Open(migrated));
    VAULT_ASSIGN_OR_RETURN(report.copy, db::CopyToPostgres(*snapshot, lv->database(), options.copy));
  }
  snapshot.reset();
  // A fresh open: the checks read only what was committed.
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<LocalVault> lv, LocalVault::Open(migrated));
  VAULT_RETURN_IF_ERROR(CheckMigratedVault(*lv, &report));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace vault
