#include "vault/backup/backup_drill.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <stdlib.h>

#include <boost/filesystem.hpp>
#include <chrono>
#include <cstdlib>
#include <sstream>

#include "vault/backup/backup_files.h"
#include "vault/backup/backup_restore.h"
#include "vault/backup/drill_database.h"
#include "vault/backup/drill_pdf.h"
#include "vault/base/canonical_json.h"
#include "vault/base/hex.h"
#include "vault/destruction/certificate_check.h"
#include "vault/keys/signer.h"
#include "vault/storage/atomic_file.h"

namespace fs = boost::filesystem;

namespace vault {
namespace {

constexpr size_t kMaxListedProblems = 50;

std::string CompactUtc(const std::string& rfc3339) {
  std::string out;
  for (char ch : rfc3339) {
    if (ch != '-' && ch != ':') out += ch;
  }
  return out;
}

// The checks on the restored copy; fills `o` and `problems`.
Status CheckRestored(LocalVault& lv, Poco::JSON::Object::Ptr o, std::vector<std::string>* problems) {
  VAULT_ASSIGN_OR_RETURN(FixityReport fixity, lv.vault().Verify());
  Poco::JSON::Object::Ptr f = new Poco::JSON::Object;
  f->set("ok", static_cast<Poco::Int64>(fixity.ok));
  f->set("changed", static_cast<Poco::Int64>(fixity.changed));
  f->set("missing", static_cast<Poco::Int64>(fixity.missing));
  f->set("untracked", static_cast<Poco::Int64>(fixity.untracked));
  f->set("intact", fixity.intact());
  o->set("fixity", f);
  for (const FixityEntry& e : fixity.entries) {
    if (e.state != FixityEntry::State::kChanged && e.state != FixityEntry::State::kMissing) continue;
    if (problems->size() < kMaxListedProblems) {
      problems->push_back("fixity: " + e.archive_number + " version " + std::to_string(e.version) + " " +
                          FixityStateName(e.state) + " (" + e.detail + ")");
    }
  }
  VAULT_ASSIGN_OR_RETURN(AuditReport audit, lv.audit().Verify());
  Poco::JSON::Object::Ptr a = new Poco::JSON::Object;
  a->set("events", static_cast<Poco::Int64>(audit.events));
  a->set("checkpoints", static_cast<Poco::Int64>(audit.checkpoints));
  a->set("intact", audit.ok);
  o->set("audit_chain", a);
  for (const std::string& p : audit.problems) {
    if (problems->size() < kMaxListedProblems) problems->push_back("audit: " + p);
  }
  VAULT_ASSIGN_OR_RETURN(std::vector<Certificate> certs, lv.destructions().Certificates());
  VAULT_ASSIGN_OR_RETURN(std::vector<std::string> referenced, lv.destructions().ReferencedCertificateIds());
  const ChainReport chain = VerifyCertificateChain(std::move(certs), referenced);
  Poco::JSON::Object::Ptr c = new Poco::JSON::Object;
  c->set("certificates", static_cast<Poco::Int64>(chain.certificates));
  c->set("intact", chain.intact());
  o->set("certificate_chain", c);
  for (const auto& p : chain.problems) {
    if (problems->size() < kMaxListedProblems) problems->push_back("certificates: " + p.certificate + " " + p.problem);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<DrillReport> RunDrill(const DrillOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  const std::string started_at = FormatUtc(options.key_config.clock->Now());
  VAULT_ASSIGN_OR_RETURN(auto ring, OpenBackupKeyRing(options.key_config, options.backup_dir));
  VAULT_ASSIGN_OR_RETURN(auto signer, Signer::FromKeyRing(*ring, "backup"));

  DrillReport report;
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("format", "sales-vault restore drill v1");
  o->set("backup_dir", fs::absolute(options.backup_dir).string());
  o->set("started_at", started_at);

  std::string temp_parent = options.temp_parent;
  if (temp_parent.empty()) {
    const char* t = std::getenv("TMPDIR");
    temp_parent = t && *t ? t : "/tmp";
  }
  std::string tmpl = temp_parent + "/vault-drill-XXXXXX";
  Status outcome = Status::Ok();
  if (!::mkdtemp(tmpl.data())) {
    outcome = UnavailableError("backup.io_error", "cannot create a temporary directory in " + temp_parent);
  } else {
    RestoreOptions ro;
    ro.backup_dir = options.backup_dir;
    ro.target = options.key_config;
    ro.target.data_dir = tmpl + "/data";
    ro.force_without_certificates = true;  // a throwaway copy, removed below
    ro.actor = "backup-drill";
    ro.link_blobs = true;
    ro.target.database.clear();
    ro.pg_bin_dir = options.pg_bin_dir;
    // A PostgreSQL backup restores into a throwaway database (dropped when
    // `scratch` goes, after the checks below).
    std::unique_ptr<ScratchDatabase> scratch;
    auto manifest = ReadVerifiedManifest(options.backup_dir, *ring);
    if (manifest.ok() && manifest->engine == "postgresql") {
      auto created = ScratchDatabase::Create(options.pg_server, *manifest);
      if (created.ok()) scratch = std::move(*created);
      ro.target.database = created.ok() ? scratch->setting() : "";
      if (!created.ok()) outcome = created.status();
    }
    auto restored = outcome.ok() ? RestoreBackup(ro) : StatusOr<RestoreReport>(outcome);
    if (!restored.ok()) {
      outcome = restored.status();
    } else {
      const BackupManifest& m = restored->manifest;
      o->set("backup_id", m.backup_id);
      o->set("backup_created_at", m.created_at);
      o->set("base_backup_id", m.base_backup_id);
      o->set("engine", m.engine);
      Poco::JSON::Object::Ptr v = new Poco::JSON::Object;
      v->set("manifest_signature", "verified");
      v->set("signing_key", m.signing_key_name);
      v->set("files_verified", static_cast<Poco::Int64>(restored->files_verified));
      v->set("bytes_verified", static_cast<Poco::Int64>(restored->bytes_verified));
      o->set("backup", v);
      auto lv = LocalVault::Open(ro.target);
      outcome = lv.ok() ? CheckRestored(**lv, o, &report.problems) : lv.status();
    }
    boost::system::error_code ec;
    fs::remove_all(tmpl, ec);
  }
  if (!outcome.ok()) report.problems.insert(report.problems.begin(), "[" + outcome.reason() + "] " + outcome.message());
  report.passed = report.problems.empty();
  Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
  for (const std::string& p : report.problems) problems->add(p);
  o->set("problems", problems);
  o->set("result", report.passed ? "passed" : "failed");
  o->set("completed_at", FormatUtc(options.key_config.clock->Now()));
  o->set("seconds", static_cast<Poco::Int64>(
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() + 0.5));
  Poco::JSON::Object::Ptr key = new Poco::JSON::Object;
  key->set("name", signer->key_name());
  key->set("ed25519_public_key", HexEncode(signer->public_key().data(), signer->public_key().size()));
  o->set("signing_key", key);
  std::ostringstream raw;
  o->stringify(raw);
  report.json = CanonicalJsonOf(raw.str());

  report.report_dir = options.report_dir.empty()
                          ? options.backup_dir + "/drills/" + CompactUtc(started_at)
                          : options.report_dir;
  boost::system::error_code ec;
  fs::create_directories(report.report_dir, ec);
  if (ec) return UnavailableError("backup.io_error", "cannot create " + report.report_dir + ": " + ec.message());
  const Signer::Signature sig = signer->Sign(report.json);
  VAULT_RETURN_IF_ERROR(WriteFileAtomically(report.report_dir + "/drill-report.json", report.json, 0644));
  VAULT_RETURN_IF_ERROR(WriteFileAtomically(report.report_dir + "/drill-report.json.sig",
                                            std::string(reinterpret_cast<const char*>(sig.data()), sig.size()), 0644));
  VAULT_RETURN_IF_ERROR(
      WriteFileAtomically(report.report_dir + "/signing.pem", Ed25519PublicKeyPem(signer->public_key()), 0644));
  if (!options.pdf_font_file.empty()) {
    Status pdf = WriteDrillReportPdf(report.report_dir, report.json, *signer, options.pdf_font_file);
    report.pdf_written = pdf.ok();
    if (!pdf.ok()) report.pdf_error = "[" + pdf.reason() + "] " + pdf.message();
  }
  return report;
}

}  // namespace vault
