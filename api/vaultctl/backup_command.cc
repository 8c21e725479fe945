// vaultctl backup: create, restore and drill (docs/operations.md "Backups",
// docs/destruction.md "Backups and restores").
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <string>

#include "api/vaultctl/args.h"
#include "api/vaultctl/commands.h"
#include "vault/backup/backup_create.h"
#include "vault/backup/backup_drill.h"
#include "vault/backup/backup_restore.h"
#include "vault/base/printable.h"
#include "vault/db/engine.h"
#include "vault/policy/policy_set.h"

namespace vaultctl {
namespace {

const char kBackupHelp[] =
    "usage: vaultctl [--data DATA] [--key FILE] [--database CONN] backup create DIR [--base PREV]\n"
    "                [--policies POLICIES] [--pg-bin DIR] [--json]\n"
    "       vaultctl [--key FILE] backup restore DIR --to NEWDATA [--to-database CONN]\n"
    "                [--certificates LIVE_DATA_DIR_OR_BUNDLE] [--force-without-certificates] [--pg-bin DIR] [--json]\n"
    "       vaultctl [--key FILE] backup drill DIR [--out REPORT_DIR] [--tmp TEMP_PARENT]\n"
    "                [--policies POLICIES] [--drill-database CONN] [--pg-bin DIR]\n"
    "\n"
    "  create   an online backup of DATA into the new directory DIR while vaultd keeps serving: the\n"
    "           metadata database (SQLite online backup, sealed under a fresh backup key wrapped by the\n"
    "           master key), the blobs, POLICIES/*.json, and a manifest of every file's SHA-256 signed\n"
    "           with the vault's backup key (DIR/manifest.json, .sig, signing.pem). Never the master key.\n"
    "           --base PREV: incremental; blobs PREV already holds are hard-linked from it, not copied.\n"
    "           A PostgreSQL vault (--database CONN): pg_dump of its schema (plain SQL, one snapshot),\n"
    "           streamed straight into the sealed copy (never in clear on disk); the password goes to\n"
    "           pg_dump's environment only. --pg-bin DIR: where pg_dump/psql are (default PATH).\n"
    "  restore  verifies the manifest signature and every file's hash, then replays every destruction\n"
    "           certified after the backup (from the live vault's data directory or a bundle written by\n"
    "           `vaultctl cert bundle`): keys erased and blobs overwritten in the restored copy BEFORE it\n"
    "           is moved to NEWDATA. Without --certificates it refuses, because destructions made after\n"
    "           the backup would be undone; --force-without-certificates restores anyway and records that\n"
    "           in the restored vault's audit log. Use the same master key (--key / --passphrase-env).\n"
    "           A PostgreSQL backup: --to-database CONN names an empty database (nothing in the backup's\n"
    "           schema) whose search_path selects that schema; psql loads the decrypted dump from a pipe\n"
    "           in one transaction, and the replay runs on it before NEWDATA (the blobs) appears.\n"
    "  drill    restores DIR into a temporary directory, checks fixity of every blob, the audit chain and\n"
    "           checkpoints and the certificate chain, removes the copy, and writes a signed report\n"
    "           (REPORT_DIR, default DIR/drills/TIME: drill-report.json, .sig, signing.pem) and the same\n"
    "           report as a PDF with its own signature (drill-report.pdf, .pdf.sig; the font is the\n"
    "           watermark policy's font_file of POLICIES, default built in):\n"
    "             openssl pkeyutl -verify -pubin -inkey signing.pem -rawin -in drill-report.json \\\n"
    "                 -sigfile drill-report.json.sig\n"
    "             openssl pkeyutl -verify -pubin -inkey signing.pem -rawin -in drill-report.pdf \\\n"
    "                 -sigfile drill-report.pdf.sig\n"
    "           A PostgreSQL backup: --drill-database CONN, a server whose role may CREATE DATABASE; the\n"
    "           drill restores into a throwaway database there and drops it afterwards.\n"
    "  Exit codes: 0 ok, 1 usage, 3 integrity failure (a file or the manifest altered, drill failed),\n"
    "  4 other error (refused without certificates, target not empty, pg_dump missing or failed, ...).\n";

Poco::JSON::Object::Ptr ReplayJson(const vault::ReplayedRecord& r) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("certificate_id", r.certificate_id);
  o->set("destruction_id", r.destruction_id);
  o->set("document_id", r.document_id);
  o->set("archive_number", r.archive_number);
  o->set("title", r.title);
  o->set("in_backup", r.in_backup);
  o->set("keys_erased", static_cast<Poco::Int64>(r.keys_erased));
  o->set("blobs_overwritten", static_cast<Poco::Int64>(r.blobs_overwritten));
  return o;
}

int Create(const GlobalOptions& g, const Args& a) {
  vault::BackupCreateOptions o;
  o.data_dir = g.config.data_dir;
  o.database = g.config.database;
  o.dir = a.positional[1];
  o.base_dir = a.Get("--base");
  o.policies_dir = a.Get("--policies");
  o.pg_bin_dir = a.Get("--pg-bin");
  o.clock = g.config.clock;
  if (vault::Status s = vault::CheckBackupEngine(o.database); !s.ok()) return Fail(s);
  auto lv = vault::LocalVault::Open(g.config);
  if (!lv.ok()) return Fail(lv.status());
  auto report = vault::CreateBackup(**lv, o);
  const std::string object = report.ok() ? report->manifest.backup_id : o.dir;
  if (int rc = Finish(**lv, "backup.create", object, report.status()); rc != kExitOk) return rc;
  const vault::BackupManifest& m = report->manifest;
  if (a.Has("--json")) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("backup_id", m.backup_id);
    j->set("created_at", m.created_at);
    j->set("base_backup_id", m.base_backup_id);
    j->set("files", static_cast<Poco::Int64>(m.files.size()));
    j->set("files_copied", static_cast<Poco::Int64>(report->files_copied));
    j->set("files_linked", static_cast<Poco::Int64>(report->files_linked));
    j->set("bytes_copied", static_cast<Poco::Int64>(report->bytes_copied));
    j->set("bytes_linked", static_cast<Poco::Int64>(report->bytes_linked));
    j->set("seconds", report->seconds);
    std::printf("%s\n", api::Stringify(j).c_str());
    return kExitOk;
  }
  std::printf("backup %s written to %s at %s\n", m.backup_id.c_str(), o.dir.c_str(), m.created_at.c_str());
  std::printf("%zu files: %lld copied (%lld bytes), %lld reused from base %s (%lld bytes); %.2f s\n", m.files.size(),
              static_cast<long long>(report->files_copied), static_cast<long long>(report->bytes_copied),
              static_cast<long long>(report->files_linked), m.base_backup_id.empty() ? "-" : m.base_backup_id.c_str(),
              static_cast<long long>(report->bytes_linked), report->seconds);
  return kExitOk;
}

int Restore(const GlobalOptions& g, const Args& a) {
  vault::RestoreOptions o;
  o.backup_dir = a.positional[1];
  o.target = g.config;
  o.target.database = a.Get("--to-database");
  o.pg_bin_dir = a.Get("--pg-bin");
  o.target.data_dir = a.Get("--to");
  o.certificates = a.Get("--certificates");
  o.force_without_certificates = a.Has("--force-without-certificates");
  o.actor = Actor();
  if (o.target.data_dir.empty()) return Usage("backup restore needs --to DATA", kBackupHelp);
  if (!o.certificates.empty() && o.force_without_certificates) {
    return Usage("give --certificates or --force-without-certificates, not both", kBackupHelp);
  }
  auto report = vault::RestoreBackup(o);
  if (!report.ok()) return Fail(report.status());
  if (a.Has("--json")) {
    Poco::JSON::Object::Ptr j = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    j->set("backup_id", report->manifest.backup_id);
    j->set("backup_created_at", report->manifest.created_at);
    j->set("restored_to", o.target.data_dir);
    j->set("engine", report->manifest.engine);
    if (!o.target.database.empty()) {
      j->set("database", vault::db::RedactedLocation(*vault::db::ParseDatabaseTarget(o.target.database)));
    }
    j->set("files_verified", static_cast<Poco::Int64>(report->files_verified));
    j->set("forced_without_certificates", report->forced_without_certificates);
    Poco::JSON::Array::Ptr certs = new Poco::JSON::Array;
    for (const auto& c : report->certificates_replayed) certs->add(c);
    j->set("certificates_replayed", certs);
    j->set("destroyed_after_backup", api::ItemsJson(report->replayed, ReplayJson));
    j->set("seconds", report->seconds);
    std::printf("%s\n", api::Stringify(j).c_str());
    return kExitOk;
  }
  std::printf("restored backup %s (taken %s) to %s: manifest signature and %lld files verified\n",
              report->manifest.backup_id.c_str(), report->manifest.created_at.c_str(), o.target.data_dir.c_str(),
              static_cast<long long>(report->files_verified));
  if (!o.target.database.empty()) {
    std::printf("database (PostgreSQL, schema %s) restored into %s: start vaultd with vaultd.database set to it\n",
                report->manifest.database_schema.c_str(),
                vault::db::RedactedLocation(*vault::db::ParseDatabaseTarget(o.target.database)).c_str());
  }
  if (report->forced_without_certificates) {
    std::printf("WARNING: restored without the certificate chain: destructions made after %s may be undone in "
                "this copy (recorded in its audit log as backup.restore_forced_without_certificates)\n",
                report->manifest.created_at.c_str());
  } else {
    std::printf("%lld certificates read, %zu issued after the backup replayed\n",
                static_cast<long long>(report->certificates_read), report->certificates_replayed.size());
  }
  for (const auto& r : report->replayed) {
    std::printf("destroyed again: %s %s %s \"%s\" (%s, %lld keys erased, %lld blobs overwritten)\n",
                r.certificate_id.c_str(), r.destruction_id.c_str(),
                r.in_backup ? r.archive_number.c_str() : r.document_id.c_str(),
                vault::EscapeControl(r.title).c_str(), r.in_backup ? "in the backup" : "not in the backup",
                static_cast<long long>(r.keys_erased), static_cast<long long>(r.blobs_overwritten));
  }
  return kExitOk;
}

int Drill(const GlobalOptions& g, const Args& a) {
  vault::DrillOptions o;
  o.backup_dir = a.positional[1];
  o.key_config = g.config;
  o.temp_parent = a.Get("--tmp");
  o.report_dir = a.Get("--out");
  o.pg_server = a.Get("--drill-database");
  o.pg_bin_dir = a.Get("--pg-bin");
  auto policies = vault::PolicySet::Load(a.Get("--policies"));
  if (!policies.ok()) return Fail(policies.status());
  o.pdf_font_file = (*policies)->watermark().font_file();
  auto report = vault::RunDrill(o);
  if (!report.ok()) return Fail(report.status());
  std::printf("drill %s; signed report: %s/drill-report.json and drill-report.pdf (.sig each, signing.pem)\n",
              report->passed ? "passed" : "FAILED", report->report_dir.c_str());
  for (const auto& p : report->problems) std::printf("  %s\n", vault::EscapeControl(p).c_str());
  if (!report->passed) return kExitIntegrity;
  if (!report->pdf_written) {
    std::fprintf(stderr, "vaultctl: error: the PDF report was not written (the JSON report stands): %s\n",
                 vault::EscapeControl(report->pdf_error).c_str());
    return kExitOther;
  }
  return kExitOk;
}

}  // namespace

int CmdBackup(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv,
                            {{"--base", "--policies", "--to", "--certificates", "--out", "--tmp", "--pg-bin", "--to-database",
                              "--drill-database"},
                             {"--json", "--force-without-certificates"}},
                            kBackupHelp, a);
      rc >= 0) {
    return rc;
  }
  if (a.positional.size() != 2) return Usage("backup needs a subcommand and a directory", kBackupHelp);
  const std::string& sub = a.positional[0];
  if (sub == "create") return Create(g, a);
  if (sub == "restore") return Restore(g, a);
  if (sub == "drill") return Drill(g, a);
  return Usage("unknown backup subcommand " + sub, kBackupHelp);
}

}  // namespace vaultctl
