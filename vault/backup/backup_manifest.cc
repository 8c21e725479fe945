#include "vault/backup/backup_manifest.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "vault/base/canonical_json.h"
#include "vault/base/hex.h"
#include "vault/crypto/sha256.h"
#include "vault/keys/signer.h"

namespace vault {
namespace {

constexpr char kFormat[] = "sales-vault backup v1";

Status Malformed(const std::string& what) {
  return DataLossError("backup.manifest_malformed", std::string(kManifestFile) + ": " + what);
}

bool ReadWhole(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

// A path a manifest may name: relative, no "..", no empty part, and under
// the parts of a backup (so a forged entry cannot point a restore elsewhere).
bool SafePath(const std::string& p) {
  if (p.empty() || p.size() > 300 || p[0] == '/') return false;
  if (p != kSealedDatabaseFile && p != "kek-params" && p.rfind("blobs/", 0) != 0 && p.rfind("policies/", 0) != 0) {
    return false;
  }
  std::stringstream parts(p);
  std::string part;
  while (std::getline(parts, part, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  return p.back() != '/';
}

}  // namespace

std::string ManifestJson(const BackupManifest& m) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("format", kFormat);
  o->set("backup_id", m.backup_id);
  o->set("created_at", m.created_at);
  o->set("engine", m.engine);
  Poco::JSON::Object::Ptr key = new Poco::JSON::Object;
  key->set("kek_id", m.signing_kek_id);
  key->set("name", m.signing_key_name);
  key->set("ed25519_public_key", m.signing_public_key);
  o->set("signing_key", key);
  Poco::JSON::Object::Ptr db = new Poco::JSON::Object;
  db->set("path", kSealedDatabaseFile);
  db->set("kek_id", m.database_kek_id);
  db->set("wrapped_key", m.database_wrapped_key);
  db->set("size", static_cast<Poco::Int64>(m.database_size));
  if (m.engine == "postgresql") {
    db->set("format", m.database_format);
    db->set("schema", m.database_schema);
  }
  o->set("database", db);
  o->set("base_backup_id", m.base_backup_id);
  o->set("policies_included", m.policies_included);
  Poco::JSON::Array::Ptr files = new Poco::JSON::Array;
  for (const BackupFile& f : m.files) {
    Poco::JSON::Object::Ptr e = new Poco::JSON::Object;
    e->set("path", f.path);
    e->set("sha256", f.sha256);
    e->set("size", static_cast<Poco::Int64>(f.size));
    e->set("from_base", f.from_base);
    files->add(e);
  }
  o->set("files", files);
  std::ostringstream raw;
  o->stringify(raw);
  return CanonicalJsonOf(raw.str());
}

StatusOr<BackupManifest> ParseManifest(const std::string& json) {
  BackupManifest m;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    if (!o || o->optValue<std::string>("format", "") != kFormat) return Malformed("not a " + std::string(kFormat));
    m.backup_id = o->getValue<std::string>("backup_id");
    m.created_at = o->getValue<std::string>("created_at");
    m.engine = o->getValue<std::string>("engine");
    auto key = o->getObject("signing_key");
    auto db = o->getObject("database");
    auto files = o->getArray("files");
    if (!key || !db || !files) return Malformed("a section is missing");
    m.signing_kek_id = key->getValue<std::string>("kek_id");
    m.signing_key_name = key->getValue<std::string>("name");
    m.signing_public_key = key->getValue<std::string>("ed25519_public_key");
    m.database_kek_id = db->getValue<std::string>("kek_id");
    m.database_wrapped_key = db->getValue<std::string>("wrapped_key");
    m.database_size = db->getValue<Poco::Int64>("size");
    m.database_format = db->optValue<std::string>("format", "");
    m.database_schema = db->optValue<std::string>("schema", "");
    m.base_backup_id = o->getValue<std::string>("base_backup_id");
    m.policies_included = o->getValue<bool>("policies_included");
    for (size_t i = 0; i < files->size(); ++i) {
      auto e = files->getObject(static_cast<unsigned>(i));
      if (!e) return Malformed("files[" + std::to_string(i) + "] is not an object");
      BackupFile f;
      f.path = e->getValue<std::string>("path");
      f.sha256 = e->getValue<std::string>("sha256");
      f.size = e->getValue<Poco::Int64>("size");
      f.from_base = e->getValue<bool>("from_base");
      if (!SafePath(f.path)) {
        return DataLossError("backup.bad_path", std::string(kManifestFile) + " names the unsafe path " + f.path);
      }
      if (f.size < 0 || f.sha256.size() != 64) return Malformed("files[" + std::to_string(i) + "] is malformed");
      m.files.push_back(std::move(f));
    }
  } catch (const Poco::Exception& e) {
    return Malformed(e.displayText());
  } catch (const std::exception& e) {
    return Malformed(e.what());
  }
  if (m.backup_id.size() != 32 || m.database_size < 0) return Malformed("backup_id or database size is malformed");
  if (m.engine != "sqlite" && m.engine != "postgresql") return Malformed("unknown engine " + m.engine.substr(0, 40));
  return m;
}

StatusOr<BackupManifest> ReadVerifiedManifest(const std::string& dir, const KeyRing& ring) {
  std::string json, sig;
  if (!ReadWhole(dir + "/" + kManifestFile, &json)) {
    return NotFoundError("backup.manifest_missing", "no " + std::string(kManifestFile) + " in " + dir);
  }
  if (!ReadWhole(dir + "/" + kManifestSigFile, &sig)) {
    return NotFoundError("backup.manifest_missing", "no " + std::string(kManifestSigFile) + " in " + dir);
  }
  auto bad_signature = [&] {
    return DataLossError("backup.manifest_signature",
                         std::string(kManifestFile) + " does not verify with the vault's backup signing key "
                                                      "(manifest.json or manifest.json.sig was altered)");
  };
  // Parsing before the signature check only reads which key to check with;
  // an altered manifest that no longer parses is named all the same.
  auto parsed = ParseManifest(json);
  if (!parsed.ok()) return parsed.status().reason() == "backup.bad_path" ? parsed.status() : bad_signature();
  VAULT_ASSIGN_OR_RETURN(auto signer, Signer::FromKek(ring, parsed->signing_kek_id, "backup"));
  const auto& pk = signer->public_key();
  if (HexEncode(pk.data(), pk.size()) != parsed->signing_public_key ||
      !VerifyEd25519(pk, json, reinterpret_cast<const uint8_t*>(sig.data()), sig.size()) ||
      ManifestJson(*parsed) != json) {
    return bad_signature();
  }
  return parsed;
}

StatusOr<BackupFile> HashFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFoundError("backup.file_missing", path + ": " + std::strerror(errno));
  Sha256 sha;
  std::vector<uint8_t> buf(1 << 20);
  BackupFile f;
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return UnavailableError("backup.io_error", "cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    sha.Update(buf.data(), static_cast<size_t>(n));
    f.size += n;
  }
  ::close(fd);
  auto d = sha.Final();
  f.sha256 = HexEncode(d.data(), d.size());
  return f;
}

}  // namespace vault
