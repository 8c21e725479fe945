#include "api/vaultd/config_check.h"

#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "api/vaultd/log_settings.h"
#include "vault/base/clock.h"
#include "vault/db/connection.h"
#include "vault/db/database.h"
#include "vault/db/engine.h"
#include "vault/db/migrations.h"
#include "vault/destruction/certificate_wording.h"
#include "vault/keys/file_key_ring.h"
#include "vault/local/local_vault.h"
#include "vault/policy/policy_set.h"

namespace vaultd {
namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

std::string Octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// libpq's messages span lines; a report line is one line.
std::string OneLine(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

class Report {
 public:
  explicit Report(std::ostream& out) : out_(out) {}
  void Ok(const std::string& what) { out_ << "ok: " << what << "\n"; }
  void Warn(const std::string& what) { out_ << "warning: " << what << "\n"; }
  void Fail(const std::string& reason, const std::string& what) {
    out_ << "error [" << reason << "]: " << what << "\n";
    ++errors_;
  }
  void Fail(const vault::Status& s, const std::string& context) {
    Fail(s.reason(), context + ": " + s.message());
  }
  int errors() const { return errors_; }

 private:
  std::ostream& out_;
  int errors_ = 0;
};

void CheckListen(const Poco::Util::AbstractConfiguration& c, Report& r) {
  std::string host;
  uint16_t port = 0;
  const std::string listen = c.getString("vaultd.listen", "127.0.0.1:8640");
  vault::Status st = ParseListenAddress(listen, &host, &port);
  if (st.ok()) {
    r.Ok("vaultd.listen " + listen);
  } else {
    r.Fail(st, "vaultd.listen");
  }
}

// True when the data directory is usable, so the key and database checks
// that depend on it can run.
bool CheckDataDir(const std::string& data, Report& r) {
  struct stat st;
  if (data.empty()) {
    r.Fail("config.data_dir", "vaultd.data_dir is not set (--data)");
    return false;
  }
  if (::stat(data.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    r.Fail("config.data_dir", "vaultd.data_dir " + data + " is not a directory");
    return false;
  }
  struct stat marker;
  if (::stat((data + "/VAULT").c_str(), &marker) != 0) {
    r.Fail("vault.not_initialized", "no vault at " + data + " (run `vaultctl init` first)");
    return false;
  }
  // Run as another user (root), vaultd or this check would leave files the
  // vault's user cannot open (SQLite's -wal and -shm among them).
  if (st.st_uid != ::geteuid()) {
    r.Fail("config.not_owner",
           "vaultd.data_dir " + data + " belongs to uid " + std::to_string(st.st_uid) +
               ", this process runs as uid " + std::to_string(::geteuid()) +
               "; run as the vault's user (runuser -u vault -- vaultd --check-config ...)");
    return false;
  }
  if (::access(data.c_str(), R_OK | W_OK | X_OK) != 0) {
    r.Fail("config.data_dir", "vaultd.data_dir " + data + " is not writable by this user");
    return false;
  }
  if ((st.st_mode & 077) != 0) {
    r.Warn("vaultd.data_dir " + data + " is mode " + Octal(st.st_mode) +
           "; 0700 expected (vaultctl init sets it)");
  }
  r.Ok("vaultd.data_dir " + data + " (a vault, mode " + Octal(st.st_mode) + ")");
  return true;
}

void CheckKeyFile(const std::string& key, const std::string& data, Report& r) {
  if (key.empty()) {
    r.Fail("config.key_file", "vaultd.key_file is not set (--key)");
    return;
  }
  struct stat st;
  if (::stat(key.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    r.Fail("key.file_missing", "vaultd.key_file " + key + " is not a file");
    return;
  }
  if (!data.empty() && vault::IsInside(key, data)) {
    r.Fail("config.key_inside_data",
           "vaultd.key_file " + key + " is inside the data directory " + data);
    return;
  }
  if ((st.st_mode & 077) != 0) {
    r.Fail("key.file_mode",
           "vaultd.key_file " + key + " is mode " + Octal(st.st_mode) + "; it must be 0600");
    return;
  }
  if (::access(key.c_str(), R_OK) != 0) {
    r.Fail("key.file_unreadable", "vaultd.key_file " + key + " is not readable by this user");
    return;
  }
  // Parses the ring (never prints it): a truncated or foreign file fails here.
  auto ring = vault::FileKeyRing::Open(key, vault::SystemClock());
  if (!ring.ok()) {
    r.Fail(ring.status(), "vaultd.key_file " + key);
    return;
  }
  r.Ok("vaultd.key_file " + key + " (mode " + Octal(st.st_mode) +
       ", outside the data directory, a valid key ring)");
}

void CheckDatabase(const std::string& setting, const std::string& data, Report& r) {
  const std::string effective = setting.empty() ? data + "/metadata.db" : setting;
  auto target = vault::db::ParseDatabaseTarget(effective);
  if (!target.ok()) {
    r.Fail(target.status(), "vaultd.database");
    return;
  }
  const std::string where = std::string(vault::db::EngineName(target->engine)) + " " +
                            vault::db::RedactedLocation(*target);
  struct stat st;
  if (target->engine == vault::db::Engine::kSqlite && ::stat(target->location.c_str(), &st) != 0) {
    r.Fail("metadata.bad_database", "vaultd.database: " + where + " does not exist");
    return;
  }
  int version = 0;
  try {
    auto connection = vault::db::Connection::Open(*target, /*read_only=*/true);
    // A new PostgreSQL database has no tables until vaultd's first start.
    int tables = 0;
    *connection << (target->engine == vault::db::Engine::kPostgres
                        ? "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END"
                        : "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'"),
        into(tables), now;
    if (tables == 0) {
      r.Ok("vaultd.database " + where + " (reachable, empty: vaultd creates its tables at first start)");
      return;
    }
    *connection << vault::db::SchemaVersionQuery(), into(version), now;
  } catch (const Poco::Exception& e) {
    // libpq's and SQLite's messages name host, database or file, never a password.
    r.Fail("metadata.db_error",
           "vaultd.database: " + where + " cannot be read: " + OneLine(e.displayText()));
    return;
  }
  const int known = vault::Migrations().empty() ? 0 : vault::Migrations().back().version;
  if (version > known) {
    r.Fail("metadata.schema_too_new",
           "vaultd.database: " + where + " has schema " + std::to_string(version) +
               ", newer than this vaultd knows (" + std::to_string(known) + ")");
    return;
  }
  r.Ok("vaultd.database " + where + " (reachable, schema " + std::to_string(version) + " of " +
       std::to_string(known) + (version < known ? "; vaultd migrates it at start)" : ")"));
}

void CheckPolicies(const std::string& dir, Report& r) {
  auto set = vault::PolicySet::Load(dir);
  if (!set.ok()) {
    r.Fail(set.status(), "vaultd.policies_dir " + (dir.empty() ? std::string("(built in)") : dir));
    return;
  }
  r.Ok("vaultd.policies_dir " + (dir.empty() ? std::string("(built in)") : dir));
  const std::string& font = (*set)->watermark().font_file();
  if (::access(font.c_str(), R_OK) != 0) {
    r.Warn("the stamp font " + font +
           " (watermark.json) is missing; exports will fail until it is installed");
  }
}

void CheckReadable(const std::string& key, const std::string& path, Report& r) {
  if (::access(path.c_str(), R_OK) != 0) {
    r.Fail("config.tls", key + " " + path + " is not readable by this user");
  } else {
    r.Ok(key + " " + path);
  }
}

void CheckTls(const Poco::Util::AbstractConfiguration& c, Report& r) {
  const std::string cert = c.getString("vaultd.tls_certificate", "");
  const std::string key = c.getString("vaultd.tls_private_key", "");
  if (cert.empty() && key.empty()) return;
  if (cert.empty() || key.empty()) {
    r.Fail("config.tls", "HTTPS needs both vaultd.tls_certificate and vaultd.tls_private_key");
    return;
  }
  CheckReadable("vaultd.tls_certificate", cert, r);
  CheckReadable("vaultd.tls_private_key", key, r);
}

void CheckWebRoot(const Poco::Util::AbstractConfiguration& c, Report& r) {
  if (!c.has("vaultd.web_root")) return;  // the default is resolved beside the binary
  const std::string root = c.getString("vaultd.web_root");
  if (root.empty()) return;
  if (::access((root + "/index.html").c_str(), R_OK) != 0) {
    r.Warn("vaultd.web_root " + root + " has no index.html; the web UI will not be served");
  } else {
    r.Ok("vaultd.web_root " + root);
  }
}

void CheckLogs(const Poco::Util::AbstractConfiguration& c, Report& r) {
  auto settings = LogSettingsFrom(c);
  if (!settings.ok()) {
    r.Fail(settings.status(), "logging");
  } else {
    r.Ok("vaultd.log_format " + std::string(LogFormatName(settings->format)) +
         ", vaultd.log_level " + LogLevelName(settings->level));
  }
}

void CheckCertificateWording(const Poco::Util::AbstractConfiguration& c, Report& r) {
  vault::CertificateWording w;
  w.organisation = c.getString("vaultd.certificate.organisation", w.organisation);
  w.performer_title = c.getString("vaultd.certificate.performer_title", w.performer_title);
  vault::Status st = w.Validate();
  if (!st.ok()) {
    r.Fail(st, "vaultd.certificate");
  } else {
    r.Ok("certificates issued by \"" + w.organisation + "\", performer title \"" +
         w.performer_title + "\"");
  }
}

}  // namespace

vault::Status ParseListenAddress(const std::string& listen, std::string* host, uint16_t* port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return vault::InvalidArgumentError("config.listen", "expected HOST:PORT, got " + listen);
  }
  std::string h = listen.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);  // [::1]
  const std::string digits = listen.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos || std::stol(digits) > 65535) {
    return vault::InvalidArgumentError("config.listen", "bad port in " + listen);
  }
  *host = h;
  *port = static_cast<uint16_t>(std::stol(digits));
  return vault::Status::Ok();
}

bool CheckConfiguration(const Poco::Util::AbstractConfiguration& c, std::ostream& out) {
  Report r(out);
  CheckListen(c, r);
  const std::string data = c.getString("vaultd.data_dir", "");
  const bool data_ok = CheckDataDir(data, r);
  CheckKeyFile(c.getString("vaultd.key_file", ""), data, r);
  if (data_ok) CheckDatabase(c.getString("vaultd.database", ""), data, r);
  CheckPolicies(c.getString("vaultd.policies_dir", ""), r);
  CheckTls(c, r);
  CheckWebRoot(c, r);
  CheckLogs(c, r);
  CheckCertificateWording(c, r);
  if (r.errors() == 0) {
    out << "configuration ok\n";
  } else {
    out << r.errors() << (r.errors() == 1 ? " problem" : " problems") << " found\n";
  }
  return r.errors() == 0;
}

}  // namespace vaultd
