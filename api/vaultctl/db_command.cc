// vaultctl db: the metadata database itself. `db migrate --to CONN` moves a
// SQLite vault's metadata to PostgreSQL (vault/local/migrate_vault.h).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <string>

#include "api/common/parse.h"
#include "api/vaultctl/args.h"
#include "api/vaultctl/commands.h"
#include "vault/local/migrate_vault.h"

namespace vaultctl {
namespace {

const char kDbHelp[] =
    "usage: vaultctl [--data DIR] [--database sqlite:PATH] db migrate --to CONN [--batch N] [--json]\n"
    "  Copies the vault's SQLite metadata (DIR/metadata.db, or PATH) into the empty PostgreSQL\n"
    "  database or schema CONN (postgresql://USER@HOST:PORT/DB or a libpq conninfo; put the\n"
    "  password in ~/.pgpass or PGPASSWORD, not on the command line). Refuses a target that\n"
    "  holds rows. Copies every table in one transaction and compares each table's rows read\n"
    "  back; then checks on the target that the audit chain verifies, every wrapped data key\n"
    "  unwraps with the master key (--key / --passphrase-env) and the certificate chain verifies.\n"
    "  The SQLite file is only read. Stop vaultd first. Blobs and key stay where they are;\n"
    "  afterwards set vaultd.database = CONN (docs/operations.md).\n"
    "  --batch N   rows per INSERT (default 500)\n"
    "  Exit 0 migrated and verified, 3 a check failed, 4 other error (target refused, ...).\n";

void PrintReport(const vault::MigrateReport& r, bool json) {
  if (json) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("source", r.source);
    o->set("target", r.target);
    o->set("schema_version", r.schema_version);
    Poco::JSON::Array::Ptr tables = new Poco::JSON::Array();
    for (const auto& t : r.copy.tables) {
      Poco::JSON::Object::Ptr row = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      row->set("table", t.table);
      row->set("rows", static_cast<Poco::Int64>(t.rows));
      tables->add(row);
    }
    o->set("tables", tables);
    o->set("rows", static_cast<Poco::Int64>(r.copy.rows));
    o->set("sequences", r.copy.sequences);
    o->set("audit_events", static_cast<Poco::Int64>(r.audit_events));
    o->set("wrapped_keys", static_cast<Poco::Int64>(r.wrapped_keys));
    o->set("certificates", static_cast<Poco::Int64>(r.certificates));
    o->set("seconds", r.seconds);
    std::printf("%s\n", api::Stringify(o).c_str());
    return;
  }
  std::printf("migrated %s -> %s (schema version %d)\n", r.source.c_str(), r.target.c_str(), r.schema_version);
  for (const auto& t : r.copy.tables) std::printf("  %-22s %10lld rows\n", t.table.c_str(), static_cast<long long>(t.rows));
  std::printf("%zu tables, %lld rows, %d sequences set, %.2f s\n", r.copy.tables.size(),
              static_cast<long long>(r.copy.rows), r.copy.sequences, r.seconds);
  std::printf("verified on the target: row counts and values of every table; audit chain intact (%lld events, "
              "%lld checkpoints); %lld wrapped data keys unwrap; %lld certificates, chain intact\n",
              static_cast<long long>(r.audit_events), static_cast<long long>(r.audit_checkpoints),
              static_cast<long long>(r.wrapped_keys), static_cast<long long>(r.certificates));
  std::printf("next: set vaultd.database = %s (same data directory and key), then start vaultd\n", r.target.c_str());
}

}  // namespace

int CmdDb(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv, {{"--to", "--batch"}, {"--json"}}, kDbHelp, a); rc >= 0) return rc;
  if (a.positional.size() != 1 || a.positional[0] != "migrate") return Usage("db needs the subcommand migrate", kDbHelp);
  vault::MigrateOptions options;
  options.source = g.config;
  options.target = a.Get("--to");
  if (options.target.empty()) return Usage("db migrate needs --to CONN", kDbHelp);
  int64_t batch = 0;
  if (!api::ParseCount(a.Get("--batch", "500"), &batch) || batch < 1 || batch > 65535) {
    return Usage("--batch must be a number from 1 to 65535", kDbHelp);
  }
  options.copy.batch_rows = static_cast<size_t>(batch);
  auto report = vault::MigrateVault(options);
  if (!report.ok()) return Fail(report.status());
  // The migration itself goes into the migrated vault's audit log, after
  // its chain was verified (the SQLite file is left as it was).
  vault::LocalVaultConfig migrated = g.config;
  migrated.database = options.target;
  auto lv = vault::LocalVault::Open(migrated);
  if (!lv.ok()) return Fail(lv.status());
  if (vault::Status s = Record(**lv, "db.migrate", "sqlite->postgresql", vault::Status::Ok()); !s.ok()) return Fail(s);
  PrintReport(*report, a.Has("--json"));
  return kExitOk;
}

}  // namespace vaultctl
