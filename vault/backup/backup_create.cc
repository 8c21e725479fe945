#include "vault/backup/backup_create.h"

#include <sys/stat.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <chrono>
#include <map>

#include "vault/backup/backup_files.h"
#include "vault/backup/pg_client.h"
#include "vault/backup/pg_dump_source.h"
#include "vault/base/byte_stream.h"
#include "vault/base/hex.h"
#include "vault/crypto/blob_stream.h"
#include "vault/db/engine.h"
#include "vault/db/sqlite_online_backup.h"
#include "vault/keys/signer.h"
#include "vault/storage/atomic_file.h"

namespace fs = boost::filesystem;

namespace vault {
namespace {

Status PrepareDir(const std::string& dir) {
  boost::system::error_code ec;
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec))) {
    return FailedPreconditionError("backup.target_not_empty",
                                   "the backup directory " + dir + " exists and is not empty");
  }
  fs::create_directories(dir, ec);
  if (ec || ::chmod(dir.c_str(), 0700) != 0) {
    return UnavailableError("backup.io_error", "cannot create the backup directory " + dir);
  }
  return Status::Ok();
}

// Seals the database copy read from `source` under a fresh backup key;
// fills the manifest's database fields. A failure removes the partial file.
Status SealDatabase(const KeyRing& ring, ByteSource& source, const std::string& dir, BackupManifest* m) {
  auto id = HexDecode(m->backup_id);
  BlobBinding binding;
  std::copy(id->begin(), id->end(), binding.document_id.begin());
  binding.version = kBackupBindingVersion;
  const SecretKey key = SecretKey::Random();
  VAULT_ASSIGN_OR_RETURN(WrappedKey wrapped, ring.Wrap(key, binding));
  m->database_kek_id = wrapped.kek_id;
  m->database_wrapped_key = HexEncode(wrapped.bytes.data(), wrapped.bytes.size());
  const BlobSealer sealer = BlobSealer::WithRandomNonce(key, binding);
  VAULT_ASSIGN_OR_RETURN(auto writer, NewFileWriter(dir + "/" + kSealedDatabaseFile));
  VAULT_ASSIGN_OR_RETURN(SealResult sealed, SealStream(sealer, source, *writer));
  VAULT_RETURN_IF_ERROR(writer->Commit());
  m->database_size = static_cast<int64_t>(sealed.plaintext_size);
  VAULT_ASSIGN_OR_RETURN(BackupFile f, HashFile(dir + "/" + kSealedDatabaseFile));
  f.path = kSealedDatabaseFile;
  m->files.push_back(f);
  return Status::Ok();
}

// The database as of one moment: SQLite's online backup API, or pg_dump's
// snapshot streamed straight into the sealer (pg_dump_source.h).
Status CopyDatabase(const KeyRing& ring, const BackupCreateOptions& options, BackupManifest* m) {
  const db::DatabaseTarget target = options.database.empty()
                                        ? db::DatabaseTarget{db::Engine::kSqlite, options.data_dir + "/metadata.db"}
                                        : *db::ParseDatabaseTarget(options.database);
  if (target.engine == db::Engine::kPostgres) {
    VAULT_ASSIGN_OR_RETURN(m->database_schema, PgCurrentSchema(target.location));
    m->engine = "postgresql";
    m->database_format = kPgDumpFormat;
    VAULT_ASSIGN_OR_RETURN(auto dump, PgDumpSource::Start(target.location, m->database_schema, options.pg_bin_dir));
    return SealDatabase(ring, *dump, options.dir, m);
  }
  VAULT_ASSIGN_OR_RETURN(std::string image, db::CopySqliteOnline(target.location));
  StringSource source(std::move(image));
  return SealDatabase(ring, source, options.dir, m);
}

}  // namespace

Status CheckBackupEngine(const std::string& database) {
  if (database.empty()) return Status::Ok();
  return db::ParseDatabaseTarget(database).status();
}

StatusOr<BackupReport> CreateBackup(LocalVault& lv, const BackupCreateOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  VAULT_RETURN_IF_ERROR(CheckBackupEngine(options.database));
  std::map<std::string, BackupFile> base;
  std::string base_id;
  if (!options.base_dir.empty()) {
    VAULT_ASSIGN_OR_RETURN(BackupManifest b, ReadVerifiedManifest(options.base_dir, lv.keys()));
    base_id = b.backup_id;
    for (BackupFile& f : b.files) {
      if (f.path.rfind("blobs/", 0) == 0) base[f.path] = std::move(f);
    }
  }
  VAULT_RETURN_IF_ERROR(PrepareDir(options.dir));

  BackupReport report;
  BackupManifest& m = report.manifest;
  m.backup_id = NewDocumentId();
  m.created_at = FormatUtc(options.clock->Now());
  m.base_backup_id = base_id;
  // 1. The database as of one commit, before any blob is listed.
  VAULT_RETURN_IF_ERROR(CopyDatabase(lv.keys(), options, &m));

  // 2. The blobs (ciphertext already), reused from the base when unchanged.
  boost::system::error_code ec;
  const fs::path blobs = fs::path(options.data_dir) / "blobs";
  for (fs::recursive_directory_iterator it(blobs, ec), end; !ec && it != end; it.increment(ec)) {
    if (!fs::is_regular_file(it->symlink_status())) continue;
    const std::string rel = "blobs/" + fs::relative(it->path(), blobs).generic_string();
    const std::string dst = options.dir + "/" + rel;
    const int64_t size = static_cast<int64_t>(fs::file_size(it->path(), ec));
    if (ec) return UnavailableError("backup.io_error", "cannot read " + it->path().string());
    auto b = base.find(rel);
    if (b != base.end() && b->second.size == size && LinkFile(options.base_dir + "/" + rel, dst)) {
      BackupFile f = b->second;
      f.from_base = true;
      m.files.push_back(f);
      ++report.files_linked;
      report.bytes_linked += size;
      continue;
    }
    VAULT_ASSIGN_OR_RETURN(BackupFile f, CopyFileHashed(it->path().string(), dst));
    f.path = rel;
    f.from_base = b != base.end();
    m.files.push_back(f);
    ++report.files_copied;
    report.bytes_copied += f.size;
  }
  if (ec) return UnavailableError("backup.io_error", "cannot list " + blobs.string() + ": " + ec.message());

  // 3. Policies and, for a passphrase vault, its (public) Argon2id parameters.
  if (!options.policies_dir.empty()) {
    for (fs::directory_iterator it(options.policies_dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (!fs::is_regular_file(it->status()) || it->path().extension() != ".json") continue;
      const std::string rel = "policies/" + it->path().filename().string();
      VAULT_ASSIGN_OR_RETURN(BackupFile f, CopyFileHashed(it->path().string(), options.dir + "/" + rel));
      f.path = rel;
      m.files.push_back(f);
      m.policies_included = true;
    }
    if (ec) return UnavailableError("backup.io_error", "cannot list " + options.policies_dir + ": " + ec.message());
  }
  if (fs::exists(fs::path(options.data_dir) / "kek-params", ec)) {
    VAULT_ASSIGN_OR_RETURN(BackupFile f, CopyFileHashed(options.data_dir + "/kek-params", options.dir + "/kek-params"));
    f.path = "kek-params";
    m.files.push_back(f);
  }
  std::sort(m.files.begin(), m.files.end(), [](const BackupFile& a, const BackupFile& b) { return a.path < b.path; });
  VAULT_RETURN_IF_ERROR(SyncTree(options.dir));

  // 4. The signed manifest last: a backup without one was never finished.
  m.signing_kek_id = lv.keys().PrimaryId();
  VAULT_ASSIGN_OR_RETURN(auto signer, Signer::FromKek(lv.keys(), m.signing_kek_id, "backup"));
  m.signing_key_name = signer->key_name();
  m.signing_public_key = HexEncode(signer->public_key().data(), signer->public_key().size());
  const std::string json = ManifestJson(m);
  const Signer::Signature sig = signer->Sign(json);
  VAULT_RETURN_IF_ERROR(WriteFileAtomically(options.dir + "/signing.pem", Ed25519PublicKeyPem(signer->public_key()), 0644));
  VAULT_RETURN_IF_ERROR(WriteFileAtomically(options.dir + "/" + kManifestSigFile,
                                            std::string(reinterpret_cast<const char*>(sig.data()), sig.size()), 0644));
  VAULT_RETURN_IF_ERROR(WriteFileAtomically(options.dir + "/" + kManifestFile, json, 0644));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace vault
