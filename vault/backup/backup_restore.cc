#include "vault/backup/backup_restore.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <chrono>

#include "vault/backup/backup_files.h"
#include "vault/backup/parallel_files.h"
#include "vault/backup/pg_client.h"
#include "vault/backup/pg_dump_source.h"
#include "vault/base/byte_stream.h"
#include "vault/base/hex.h"
#include "vault/crypto/blob_stream.h"
#include "vault/db/engine.h"
#include "vault/db/sqlite_online_backup.h"
#include "vault/keys/file_key_ring.h"
#include "vault/keys/passphrase_key_ring.h"
#include "vault/storage/atomic_file.h"
#include "vault/storage/local_blob_store.h"

namespace fs = boost::filesystem;

namespace vault {
namespace {

// The same marker LocalVault::Init writes (vault/local/local_vault.cc).
constexpr char kMarkerText[] = "sales-vault data directory v1\n";

// Removes the staged directory unless released.
class StagedDir {
 public:
  explicit StagedDir(std::string path) : path_(std::move(path)) {}
  ~StagedDir() {
    if (!path_.empty()) {
      boost::system::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  const std::string& path() const { return path_; }
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

// Decrypts the sealed database copy into `sink`, checking its size.
Status OpenSealedDatabase(const std::string& backup_dir, const BackupManifest& m, const KeyRing& ring, ByteSink& sink) {
  auto id = HexDecode(m.backup_id);
  auto wrapped_bytes = HexDecode(m.database_wrapped_key);
  if (!id || id->size() != blob_format::kDocumentIdSize || !wrapped_bytes) {
    return DataLossError("backup.database_unreadable", "the manifest's database key is malformed");
  }
  BlobBinding binding;
  std::copy(id->begin(), id->end(), binding.document_id.begin());
  binding.version = kBackupBindingVersion;
  auto key = ring.Unwrap(WrappedKey{m.database_kek_id, *wrapped_bytes}, binding);
  if (!key.ok()) {
    return DataLossError("backup.database_unreadable",
                         std::string(kSealedDatabaseFile) + ": its backup key does not unwrap with this master key (" +
                             key.status().reason() + ")");
  }
  VAULT_ASSIGN_OR_RETURN(auto reader, OpenFileReader(backup_dir + "/" + kSealedDatabaseFile));
  auto opened = OpenStream(*key, binding, *reader, &sink, OpenOptions{});
  if (!opened.ok() && opened.status().reason().rfind("backup.psql", 0) == 0) return opened.status();
  if (!opened.ok() || static_cast<int64_t>(opened->plaintext_size) != m.database_size) {
    return DataLossError("backup.database_unreadable",
                         std::string(kSealedDatabaseFile) + " does not decrypt (" +
                             (opened.ok() ? std::string("size differs") : opened.status().reason()) + ")");
  }
  return Status::Ok();
}

constexpr int kCopyThreads = 2;

// The SQLite image in memory, wiped by the caller once written.
struct ImageSink : ByteSink {
  std::string data;
  Status Write(const uint8_t* p, size_t len) override {
    data.append(reinterpret_cast<const char*>(p), len);
    return Status::Ok();
  }
};

bool IsPostgresBackup(const BackupManifest& m) { return m.engine == "postgresql"; }

// Every listed file's hash is checked as it is copied (or, when linked, read
// once): one pass over the data, and a mismatch stops the restore naming the
// file before the staged directory could ever become the vault.
Status Stage(const RestoreOptions& o, const BackupManifest& m, const KeyRing& ring, const std::string& staged) {
  auto corrupt = [](const BackupFile& f, const BackupFile& got) {
    return DataLossError("backup.file_corrupt", f.path + ": its SHA-256 differs from the manifest's (" +
                                                    got.sha256.substr(0, 16) + "... instead of " +
                                                    f.sha256.substr(0, 16) + "...)");
  };
  bool has_db = false;
  for (const BackupFile& f : m.files) {
    if (f.path != kSealedDatabaseFile) continue;
    has_db = true;
    VAULT_ASSIGN_OR_RETURN(BackupFile got, HashFile(o.backup_dir + "/" + f.path));
    if (got.sha256 != f.sha256 || got.size != f.size) return corrupt(f, got);
  }
  if (!has_db) return DataLossError("backup.file_missing", std::string(kSealedDatabaseFile) + " is not in the manifest");
  if (!IsPostgresBackup(m)) {
    ImageSink image;
    VAULT_RETURN_IF_ERROR(OpenSealedDatabase(o.backup_dir, m, ring, image));
    VAULT_RETURN_IF_ERROR(db::WriteSqliteFile(image.data, staged + "/metadata.db"));
    image.data.assign(image.data.size(), '\0');
  }
  // Two threads: one file's pages are read from the backup's disk while
  // the other's are hashed and copied (at 10 GiB, one thread left the disk
  // idle during every hash).
  VAULT_RETURN_IF_ERROR(ForEachFileInParallel(m.files.size(), kCopyThreads, [&](size_t i) -> Status {
    const BackupFile& f = m.files[i];
    if (f.path == kSealedDatabaseFile) return Status::Ok();
    const std::string src = o.backup_dir + "/" + f.path, dst = staged + "/" + f.path;
    StatusOr<BackupFile> got = o.link_blobs && f.path.rfind("blobs/", 0) == 0 && LinkFile(src, dst)
                                   ? HashFile(dst)
                                   : CopyFileHashed(src, dst);
    if (!got.ok()) {
      return got.status().reason() == "backup.file_missing"
                 ? DataLossError("backup.file_missing", f.path + " is listed in the manifest but missing")
                 : got.status();
    }
    if (got->sha256 != f.sha256 || got->size != f.size) return corrupt(f, *got);
    return Status::Ok();
  }));
  VAULT_RETURN_IF_ERROR(WriteFileAtomically(staged + "/VAULT", kMarkerText, 0600));
  VAULT_RETURN_IF_ERROR(SyncTree(staged));
  if (!IsPostgresBackup(m)) return Status::Ok();
  // Last, once every file verified: psql reads the decrypted dump from a
  // pipe, in one transaction (pg_dump_source.h); the caller drops what it
  // loaded if anything after this fails.
  return LoadPgDump(o.target.database, m.database_schema, o.pg_bin_dir,
                    [&](ByteSink& sink) { return OpenSealedDatabase(o.backup_dir, m, ring, sink); });
}

// A SQLite backup restores into DATA/metadata.db; a PostgreSQL one into the
// PostgreSQL database the target setting names.
Status CheckTargetDatabase(const RestoreOptions& o, const BackupManifest& m) {
  if (!IsPostgresBackup(m)) {
    if (o.target.database.empty()) return Status::Ok();
    return InvalidArgumentError("backup.unsupported_engine",
                                "this backup is of a SQLite vault: a restore writes DATA/metadata.db and takes no "
                                "target database (move it to PostgreSQL afterwards with `vaultctl db migrate`)");
  }
  auto target = o.target.database.empty() ? StatusOr<db::DatabaseTarget>(InvalidArgumentError("", ""))
                                          : db::ParseDatabaseTarget(o.target.database);
  if (!target.ok() || target->engine != db::Engine::kPostgres) {
    return InvalidArgumentError("backup.target_database_required",
                                "this backup is of a PostgreSQL vault (schema " + m.database_schema +
                                    "): give the empty PostgreSQL database to restore into (--to-database CONN)");
  }
  if (m.database_format != kPgDumpFormat || !PlainSchemaName(m.database_schema)) {
    return DataLossError("backup.manifest_malformed", std::string(kManifestFile) + ": unknown database format " +
                                                          m.database_format.substr(0, 40) + " or schema");
  }
  return Status::Ok();
}

// Drops what a failed PostgreSQL restore loaded, unless released.
class LoadedSchema {
 public:
  explicit LoadedSchema(std::string schema) : schema_(std::move(schema)) {}
  ~LoadedSchema() {
    if (!setting_.empty()) (void)DropPgSchemaContents(setting_, schema_);
  }
  void Arm(const std::string& setting) { setting_ = setting; }
  void Release() { setting_.clear(); }

 private:
  std::string setting_, schema_;
};

}  // namespace

StatusOr<std::unique_ptr<KeyRing>> OpenBackupKeyRing(const LocalVaultConfig& c, const std::string& backup_dir) {
  if (!c.passphrase.empty()) {
    VAULT_ASSIGN_OR_RETURN(auto ring, PassphraseKeyRing::Open(backup_dir + "/kek-params", c.passphrase, c.clock));
    return std::unique_ptr<KeyRing>(std::move(ring));
  }
  if (c.key_file.empty()) return InvalidArgumentError("config.key_file", "no key file given (--key or VAULT_KEY_FILE)");
  VAULT_ASSIGN_OR_RETURN(auto ring, FileKeyRing::Open(c.key_file, c.clock));
  return std::unique_ptr<KeyRing>(std::move(ring));
}

StatusOr<RestoreReport> RestoreBackup(const RestoreOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  if (o.target.data_dir.empty()) return InvalidArgumentError("config.data_dir", "no target directory (--to DATA)");
  RestoreReport report;
  {
    VAULT_ASSIGN_OR_RETURN(auto ring, OpenBackupKeyRing(o.target, o.backup_dir));
    // The signature now; each file's hash while it is staged (Stage).
    VAULT_ASSIGN_OR_RETURN(report.manifest, ReadVerifiedManifest(o.backup_dir, *ring));
  }
  VAULT_RETURN_IF_ERROR(CheckTargetDatabase(o, report.manifest));
  for (const BackupFile& f : report.manifest.files) report.bytes_verified += f.size;
  report.files_verified = static_cast<int64_t>(report.manifest.files.size());

  std::vector<ChainCertificate> chain;
  if (!o.certificates.empty()) {
    VAULT_ASSIGN_OR_RETURN(chain, LoadCertificates(o.certificates));
  } else if (!o.force_without_certificates) {
    return FailedPreconditionError(
        "backup.certificates_required",
        "this backup was taken at " + report.manifest.created_at +
            "; without the live vault's certificate chain a restore would undo every destruction made since "
            "then (the destroyed records would be readable again). Give --certificates LIVE_DATA_DIR_OR_BUNDLE, "
            "or --force-without-certificates (recorded in the restored vault's audit log)");
  }
  report.certificates_read = static_cast<int64_t>(chain.size());
  report.forced_without_certificates = o.certificates.empty();

  boost::system::error_code ec;
  const fs::path data = fs::absolute(o.target.data_dir);
  if (fs::exists(data, ec) && !(fs::is_directory(data, ec) && fs::is_empty(data, ec))) {
    return FailedPreconditionError("backup.target_not_empty", data.string() + " exists and is not empty");
  }
  fs::create_directories(data.parent_path(), ec);
  std::string tmpl = data.string() + ".restoring-XXXXXX";
  if (!::mkdtemp(tmpl.data())) return UnavailableError("backup.io_error", "cannot create a directory beside " + data.string());
  StagedDir staged(tmpl);
  if (IsPostgresBackup(report.manifest)) {
    VAULT_RETURN_IF_ERROR(CheckPgSchemaEmpty(o.target.database, report.manifest.database_schema));
  }
  // Whatever a later failure leaves loaded in a PostgreSQL target is dropped.
  LoadedSchema loaded(report.manifest.database_schema);
  {
    VAULT_ASSIGN_OR_RETURN(auto ring, OpenBackupKeyRing(o.target, o.backup_dir));
    VAULT_RETURN_IF_ERROR(Stage(o, report.manifest, *ring, staged.path()));
    if (IsPostgresBackup(report.manifest)) loaded.Arm(o.target.database);
  }
  {
    LocalVaultConfig c = o.target;
    c.data_dir = staged.path();
    VAULT_ASSIGN_OR_RETURN(std::unique_ptr<LocalVault> lv, LocalVault::Open(c));
    VAULT_ASSIGN_OR_RETURN(std::vector<ChainCertificate> later, CertificatesAfterBackup(chain, *lv));
    VAULT_ASSIGN_OR_RETURN(report.replayed, ReplayDestructions(*lv, later));
    std::vector<AuditRecord> events;
    AuditRecord r;
    r.actor = o.actor;
    r.role = "-";
    r.client = "backup";
    r.outcome = "ok";
    r.action = "backup.restore";
    r.object = report.manifest.backup_id;
    r.detail = "backup taken " + report.manifest.created_at + ", " + std::to_string(report.files_verified) +
               " files verified, " + std::to_string(later.size()) + " later certificates replayed";
    events.push_back(r);
    for (const ChainCertificate& c2 : later) {
      report.certificates_replayed.push_back(c2.cert.id);
      r.action = "backup.destruction_replayed";
      r.object = c2.cert.id;
      r.detail = "destruction " + c2.cert.destruction_id + ", " + std::to_string(c2.document_ids.size()) +
                 " records: keys erased, blobs overwritten";
      events.push_back(r);
    }
    if (report.forced_without_certificates) {
      r.action = "backup.restore_forced_without_certificates";
      r.object = report.manifest.backup_id;
      r.detail = "restored without the certificate chain: destructions after " + report.manifest.created_at +
                 " may be undone in this copy";
      events.push_back(r);
    }
    VAULT_RETURN_IF_ERROR(lv->audit().AppendAll(events));
  }
  if (::rename(staged.path().c_str(), data.c_str()) != 0) {
    // An empty DATA directory (allowed above) is replaced: rename(2) takes
    // an empty directory as its target.
    return UnavailableError("backup.io_error", "cannot move the restored vault to " + data.string());
  }
  staged.Release();
  loaded.Release();
  VAULT_RETURN_IF_ERROR(SyncDirectory(data.parent_path().string()));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace vault
