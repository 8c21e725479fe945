#include "vault/operations/backup_operations.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <fstream>
#include <sstream>

#include "vault/backup/backup_create.h"
#include "vault/backup/backup_drill.h"
#include "vault/backup/backup_manifest.h"
#include "vault/backup/drill_pdf.h"
#include "vault/base/hex.h"
#include "vault/crypto/sha256.h"
#include "vault/keys/signer.h"

namespace fs = boost::filesystem;

namespace vault {
namespace {

constexpr char kDrillsDir[] = "drills";
constexpr char kDrillTempPrefix[] = "vault-drill-";
// A report being written: renamed to its name once complete (JSON, PDF).
constexpr char kWritingPrefix[] = ".writing-";

// "2026-12-07T17:45:00Z" -> "20261207T174500Z".
std::string CompactUtc(const std::string& rfc3339) {
  std::string out;
  for (char ch : rfc3339) {
    if (ch != '-' && ch != ':') out += ch;
  }
  return out;
}

// The names this class gives directories: digits, 'T', 'Z' and '-', starting
// with a digit. Nothing else under the root is listed or served.
bool OurName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name[0] < '0' || name[0] > '9') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == 'T' || c == 'Z' || c == '-'; });
}

// Our directories under `dir` (never through a symlink), newest name first.
std::vector<std::string> OurDirectories(const std::string& dir) {
  std::vector<std::string> names;
  boost::system::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (OurName(name) && fs::is_directory(it->symlink_status())) names.push_back(name);
  }
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() && a.compare(0, 16, b, 0, 16) == 0 ? a.size() > b.size() : a > b;
  });
  return names;
}

bool ReadWhole(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return static_cast<bool>(in) || in.eof();
}

// `base`, or `base`-2, -3, ... : the first that does not exist under `dir`.
StatusOr<std::string> FreeName(const std::string& dir, const std::string& base) {
  boost::system::error_code ec;
  for (int n = 1; n < 100; ++n) {
    const std::string name = n == 1 ? base : base + "-" + std::to_string(n);
    if (!fs::exists(fs::path(dir) / name, ec)) return name;
  }
  return UnavailableError("backup.io_error", "too many directories named " + base + " in " + dir);
}

Status MakeDir(const std::string& dir) {
  boost::system::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    return UnavailableError("backup.io_error", "cannot create the directory " + dir);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<BackupOperations>> BackupOperations::Open(Deps deps) {
  if (!deps.vault || !deps.clock) {
    return InvalidArgumentError("backup.options", "backup operations need the vault and a clock");
  }
  if (!deps.root.empty() && deps.root.front() != '/') {
    return InvalidArgumentError("backup.options", "vaultd.backup_dir must be an absolute path");
  }
  if (!deps.root.empty() && !deps.vault_config.data_dir.empty() && IsInside(deps.root, deps.vault_config.data_dir)) {
    return InvalidArgumentError("backup.options", "vaultd.backup_dir must not be inside the data directory");
  }
  return std::unique_ptr<BackupOperations>(new BackupOperations(std::move(deps)));
}

Status BackupOperations::CheckConfigured() const {
  if (configured()) return Status::Ok();
  return FailedPreconditionError("backup.not_configured",
                                 "no backup directory is configured (vaultd.backup_dir, docs/operations.md)");
}

StatusOr<BackupEntry> BackupOperations::Create(bool incremental) {
  VAULT_RETURN_IF_ERROR(CheckConfigured());
  std::unique_lock<std::mutex> lock = TryHoldBackupLock();
  if (!lock.owns_lock()) {
    return FailedPreconditionError("backup.in_progress", "a backup is being made; try again when it has finished");
  }
  VAULT_RETURN_IF_ERROR(CheckBackupEngine(deps_.vault_config.database));
  VAULT_RETURN_IF_ERROR(MakeDir(deps_.root));
  ::chmod(deps_.root.c_str(), 0700);
  BackupCreateOptions o;
  o.data_dir = deps_.vault_config.data_dir;
  o.database = deps_.vault_config.database;
  o.policies_dir = deps_.policies_dir;
  o.clock = deps_.clock;
  if (incremental) {
    VAULT_ASSIGN_OR_RETURN(std::vector<BackupEntry> all, List());
    for (const BackupEntry& b : all) {
      if (b.manifest == "verified") {
        o.base_dir = deps_.root + "/" + b.name;
        break;
      }
    }
  }
  VAULT_ASSIGN_OR_RETURN(std::string name, FreeName(deps_.root, CompactUtc(FormatUtc(deps_.clock->Now()))));
  o.dir = deps_.root + "/" + name;
  auto report = CreateBackup(*deps_.vault, o);
  if (!report.ok()) {
    boost::system::error_code ec;
    fs::remove_all(o.dir, ec);  // ours, named above; never looks like a backup
    return report.status();
  }
  BackupEntry e;
  e.name = name;
  e.backup_id = report->manifest.backup_id;
  e.created_at = report->manifest.created_at;
  e.base_backup_id = report->manifest.base_backup_id;
  e.manifest = "verified";
  std::string json;
  if (ReadWhole(o.dir + "/" + kManifestFile, &json)) e.manifest_sha256 = Sha256::HexOf(json);
  e.files = static_cast<int64_t>(report->manifest.files.size());
  for (const BackupFile& f : report->manifest.files) e.bytes += f.size;
  e.files_copied = report->files_copied;
  e.files_linked = report->files_linked;
  e.bytes_copied = report->bytes_copied;
  e.bytes_linked = report->bytes_linked;
  e.seconds = report->seconds;
  return e;
}

StatusOr<std::vector<BackupEntry>> BackupOperations::List() {
  VAULT_RETURN_IF_ERROR(CheckConfigured());
  std::vector<BackupEntry> out;
  for (const std::string& name : OurDirectories(deps_.root)) {
    BackupEntry e;
    e.name = name;
    const std::string dir = deps_.root + "/" + name;
    auto m = ReadVerifiedManifest(dir, deps_.vault->keys());
    if (!m.ok()) {
      e.manifest = m.status().reason();
      out.push_back(std::move(e));
      continue;
    }
    e.manifest = "verified";
    e.backup_id = m->backup_id;
    e.created_at = m->created_at;
    e.base_backup_id = m->base_backup_id;
    e.files = static_cast<int64_t>(m->files.size());
    for (const BackupFile& f : m->files) e.bytes += f.size;
    std::string json;
    if (ReadWhole(dir + "/" + kManifestFile, &json)) e.manifest_sha256 = Sha256::HexOf(json);
    out.push_back(std::move(e));
  }
  return out;
}

StatusOr<bool> BackupOperations::DrillDue(std::chrono::seconds interval) {
  VAULT_RETURN_IF_ERROR(CheckConfigured());
  VAULT_ASSIGN_OR_RETURN(std::vector<DrillEntry> newest, Drills(1));
  if (newest.empty()) return true;
  TimePoint last;
  if (!ParseUtc(newest.front().started_at, &last)) return true;
  return deps_.clock->Now() - last >= interval;
}

StatusOr<DrillEntry> BackupOperations::RunDrill() {
  VAULT_RETURN_IF_ERROR(CheckConfigured());
  std::unique_lock<std::mutex> lock(drill_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return FailedPreconditionError("backup.drill_in_progress", "a drill is running");
  VAULT_ASSIGN_OR_RETURN(std::vector<BackupEntry> all, List());
  std::string backup;
  for (const BackupEntry& b : all) {
    if (b.manifest == "verified") {
      backup = b.name;
      break;
    }
  }
  if (backup.empty()) return NotFoundError("backup.none", "no backup in the backup directory verifies");
  // Copies a drill left behind when vaultd stopped in the middle of one.
  boost::system::error_code ec;
  for (fs::directory_iterator it(deps_.root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(kDrillTempPrefix, 0) == 0 && fs::is_directory(it->symlink_status())) {
      boost::system::error_code rm;
      fs::remove_all(it->path(), rm);
    }
  }
  const std::string drills = deps_.root + "/" + kDrillsDir;
  VAULT_RETURN_IF_ERROR(MakeDir(drills));
  ec.clear();
  for (fs::directory_iterator it(drills, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().rfind(kWritingPrefix, 0) == 0 && fs::is_directory(it->symlink_status())) {
      boost::system::error_code rm;
      fs::remove_all(it->path(), rm);
    }
  }
  VAULT_ASSIGN_OR_RETURN(std::string name,
                         FreeName(drills, CompactUtc(FormatUtc(deps_.clock->Now())) + "-" + backup));
  DrillOptions o;
  o.backup_dir = deps_.root + "/" + backup;
  o.key_config = deps_.vault_config;
  o.key_config.database.clear();  // the copy is always DATA/metadata.db
  o.key_config.clock = deps_.clock;
  o.temp_parent = deps_.root;  // same filesystem as the backup: blobs hard-link
  o.report_dir = drills + "/" + kWritingPrefix + name;
  o.pdf_font_file = deps_.font_file;
  o.pg_server = deps_.drill_database;
  VAULT_ASSIGN_OR_RETURN(DrillReport report, vault::RunDrill(o));
  // Listed only once complete.
  fs::rename(o.report_dir, drills + "/" + name, ec);
  if (ec) return UnavailableError("backup.io_error", "cannot rename the drill report " + name + ": " + ec.message());
  VAULT_ASSIGN_OR_RETURN(DrillEntry entry, ReadDrill(name));
  entry.pdf_error = report.pdf_error;
  std::string detail = entry.result + ", " + std::to_string(report.problems.size()) + " problem(s)";
  if (!report.problems.empty()) detail += ": " + report.problems.front().substr(0, 300);
  const AuditRecord event{"vaultd", "-", "backup.drill", std::string(kDrillsDir) + "/" + name,
                          report.passed ? "ok" : "error", "vaultd", "", detail};
  Status audited = deps_.vault->audit().Append(event).status();
  if (!report.passed) VAULT_RETURN_IF_ERROR(Notify(entry));
  VAULT_RETURN_IF_ERROR(audited);
  return entry;
}

Status BackupOperations::Notify(const DrillEntry& drill) {
  VAULT_ASSIGN_OR_RETURN(std::vector<User> users, deps_.vault->identity().ListUsers());
  std::vector<Notification> notes;
  const std::string first = drill.problems.empty() ? "" : "：" + drill.problems.front().substr(0, 300);
  for (const User& u : users) {
    if (u.disabled || (u.role != "admin" && u.role != "auditor")) continue;
    Notification n;
    n.recipient = u.username;
    n.kind = "backup_drill_failed";
    n.dedupe_key = "backup.drill:" + drill.name + ":" + u.username;
    n.created_at = FormatUtc(deps_.clock->Now());
    n.message = "备份恢复演练未通过 / restore drill FAILED: backup " + drill.backup_id + " (report " +
                std::string(kDrillsDir) + "/" + drill.name + ")" + first;
    notes.push_back(std::move(n));
  }
  return deps_.vault->borrows().AddNotifications(notes).status();
}

StatusOr<DrillEntry> BackupOperations::ReadDrill(const std::string& name) {
  DrillEntry e;
  e.name = name;
  const std::string dir = deps_.root + "/" + kDrillsDir + "/" + name;
  std::string json, sig;
  if (!ReadWhole(dir + "/drill-report.json", &json)) {
    return NotFoundError("backup.drill_not_found", "no drill report " + name);
  }
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    if (!o) return DataLossError("backup.drill_malformed", "drill report " + name + " is not an object");
    e.backup_id = o->optValue<std::string>("backup_id", "");
    e.backup_dir = fs::path(o->optValue<std::string>("backup_dir", "")).filename().string();
    e.started_at = o->optValue<std::string>("started_at", "");
    e.completed_at = o->optValue<std::string>("completed_at", "");
    e.result = o->optValue<std::string>("result", "");
    if (auto problems = o->getArray("problems")) {
      for (size_t i = 0; i < problems->size(); ++i) {
        e.problems.push_back(problems->get(static_cast<unsigned>(i)).convert<std::string>());
      }
    }
    e.signature = "unknown_key";
    std::string pk_hex;
    if (auto key = o->getObject("signing_key")) pk_hex = key->optValue<std::string>("ed25519_public_key", "");
    if (!ReadWhole(dir + "/drill-report.json.sig", &sig)) {
      e.signature = "missing";
    } else {
      for (const KekInfo& k : deps_.vault->keys().List()) {
        auto signer = Signer::FromKek(deps_.vault->keys(), k.id, "backup");
        if (!signer.ok()) continue;
        const auto& pk = (*signer)->public_key();
        if (HexEncode(pk.data(), pk.size()) != pk_hex) continue;
        e.signature = VerifyEd25519(pk, json, reinterpret_cast<const uint8_t*>(sig.data()), sig.size())
                          ? "verified"
                          : "invalid";
        break;
      }
    }
  } catch (const Poco::Exception& ex) {
    return DataLossError("backup.drill_malformed", "drill report " + name + ": " + ex.displayText());
  }
  boost::system::error_code ec;
  e.pdf = fs::is_regular_file(dir + "/" + kDrillPdfFile, ec) && fs::is_regular_file(dir + "/" + kDrillPdfSigFile, ec);
  return e;
}

StatusOr<std::vector<DrillEntry>> BackupOperations::Drills(int64_t limit) {
  VAULT_RETURN_IF_ERROR(CheckConfigured());
  std::vector<DrillEntry> out;
  for (const std::string& name : OurDirectories(deps_.root + "/" + kDrillsDir)) {
    if (static_cast<int64_t>(out.size()) >= limit) break;
    auto e = ReadDrill(name);
    if (e.ok()) {
      out.push_back(std::move(e).value());
    } else if (e.status().reason() == "backup.drill_malformed") {
      DrillEntry bad;
      bad.name = name;
      bad.signature = "invalid";
      bad.problems.push_back(e.status().message());
      out.push_back(std::move(bad));
    }  // a drill still writing its report has none yet
  }
  return out;
}

StatusOr<std::string> BackupOperations::DrillFile(const std::string& name, const std::string& file) {
  VAULT_RETURN_IF_ERROR(CheckConfigured());
  static const char* const kFiles[] = {"drill-report.json", "drill-report.json.sig", kDrillPdfFile, kDrillPdfSigFile,
                                       "signing.pem"};
  const bool known = std::any_of(std::begin(kFiles), std::end(kFiles), [&](const char* f) { return file == f; });
  const std::string dir = deps_.root + "/" + kDrillsDir + "/" + name;
  boost::system::error_code ec;
  std::string body;
  if (!known || !OurName(name) || !fs::is_directory(fs::symlink_status(dir, ec)) ||
      !fs::is_regular_file(fs::symlink_status(dir + "/" + file, ec)) || !ReadWhole(dir + "/" + file, &body)) {
    return NotFoundError("backup.drill_not_found", "no such drill report file");
  }
  return body;
}

}  // namespace vault
