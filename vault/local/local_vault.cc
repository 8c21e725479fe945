#include "vault/local/local_vault.h"

#include <sys/stat.h>

#include <boost/filesystem.hpp>

#include "vault/keys/file_key_ring.h"
#include "vault/keys/passphrase_key_ring.h"
#include "vault/storage/atomic_file.h"

namespace fs = boost::filesystem;

namespace vault {
namespace {

constexpr char kMarker[] = "VAULT";
constexpr char kMarkerText[] = "sales-vault data directory v1\n";

Status CheckConfig(const LocalVaultConfig& c) {
  if (c.data_dir.empty()) {
    return InvalidArgumentError("config.data_dir", "no data directory given (--data or VAULT_DATA)");
  }
  if (c.passphrase.empty()) {
    if (c.key_file.empty()) {
      return InvalidArgumentError("config.key_file", "no key file given (--key or VAULT_KEY_FILE)");
    }
    if (IsInside(c.key_file, c.data_dir)) {
      return InvalidArgumentError("config.key_inside_data",
                                  "the master key file must not be inside the data directory");
    }
  }
  return Status::Ok();
}

}  // namespace

bool IsInside(const std::string& path, const std::string& dir) {
  boost::system::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path), ec);
  if (ec) return true;  // fail closed: an unresolvable path counts as inside
  fs::path d = fs::weakly_canonical(fs::absolute(dir), ec);
  if (ec) return true;
  auto pi = p.begin();
  for (auto di = d.begin(); di != d.end(); ++di, ++pi) {
    if (pi == p.end() || *pi != *di) return false;
  }
  return true;
}

StatusOr<InitReport> LocalVault::Init(const LocalVaultConfig& config) {
  VAULT_RETURN_IF_ERROR(CheckConfig(config));
  InitReport report;
  boost::system::error_code ec;
  fs::path data(config.data_dir);
  if (!fs::exists(data / kMarker, ec)) {
    if (fs::exists(data, ec) && !fs::is_empty(data, ec)) {
      return FailedPreconditionError("vault.dir_not_empty",
                                     "data directory exists, is not empty and is not a vault");
    }
    fs::create_directories(data, ec);
    if (ec) return UnavailableError("vault.io_error", "cannot create data directory: " + ec.message());
    VAULT_RETURN_IF_ERROR(WriteFileAtomically((data / kMarker).string(), kMarkerText, 0600));
    report.created_data_dir = true;
  } else if (config.passphrase.empty() ? !fs::exists(config.key_file, ec)
                                        : !fs::exists(data / "kek-params", ec)) {
    // A new key for an existing vault would silently split it in two.
    return FailedPreconditionError(
        "vault.key_missing",
        config.passphrase.empty()
            ? "the vault exists but the key file " + config.key_file +
                  " does not; refusing to create a different master key"
            : "the vault exists and has no passphrase parameters; refusing to create a "
              "different master key");
  }
  if (::chmod(data.c_str(), 0700) != 0) {
    return UnavailableError("vault.io_error", "cannot restrict the data directory to mode 0700");
  }
  if (config.passphrase.empty()) {
    if (!fs::exists(config.key_file, ec)) {
      fs::path parent = fs::path(config.key_file).parent_path();
      if (!parent.empty()) fs::create_directories(parent, ec);
      VAULT_RETURN_IF_ERROR(FileKeyRing::Create(config.key_file, config.clock).status());
      report.created_key = true;
    }
  } else if (!fs::exists(data / "kek-params", ec)) {
    VAULT_RETURN_IF_ERROR(PassphraseKeyRing::Create((data / "kek-params").string(),
                                                    config.passphrase, Argon2Params{},
                                                    config.clock)
                              .status());
    report.created_key = true;
  }
  // Opening creates blob directories and applies schema migrations.
  VAULT_RETURN_IF_ERROR(Open(config).status());
  return report;
}

StatusOr<std::unique_ptr<LocalVault>> LocalVault::Open(const LocalVaultConfig& config) {
  VAULT_RETURN_IF_ERROR(CheckConfig(config));
  boost::system::error_code ec;
  fs::path data(config.data_dir);
  if (!fs::exists(data / kMarker, ec)) {
    return NotFoundError("vault.not_initialized",
                         "no vault at " + config.data_dir + " (run `vaultctl init` first)");
  }
  std::unique_ptr<LocalVault> v(new LocalVault());
  v->data_dir_ = config.data_dir;
  if (config.passphrase.empty()) {
    VAULT_ASSIGN_OR_RETURN(v->keys_, FileKeyRing::Open(config.key_file, config.clock));
  } else {
    VAULT_ASSIGN_OR_RETURN(v->keys_, PassphraseKeyRing::Open((data / "kek-params").string(),
                                                             config.passphrase, config.clock));
  }
  VAULT_ASSIGN_OR_RETURN(v->blobs_, LocalBlobStore::OpenAt(data.string()));
  db::DatabaseOptions db_options;
  db_options.readers = config.db_readers;
  const std::string database = config.database.empty() ? (data / "metadata.db").string() : config.database;
  VAULT_ASSIGN_OR_RETURN(v->db_, db::Database::Open(database, db_options));
  VAULT_ASSIGN_OR_RETURN(v->metadata_, SqliteMetadataStore::Open(v->db_));
  VAULT_ASSIGN_OR_RETURN(v->audit_, AuditLog::Open(v->db_, config.clock));
  VAULT_ASSIGN_OR_RETURN(v->identity_, IdentityStore::Open(v->db_, config.clock, config.login_policy));
  VAULT_ASSIGN_OR_RETURN(v->role_grants_, RoleGrants::Open(v->db_, config.clock));
  VAULT_ASSIGN_OR_RETURN(v->exports_, ExportLedger::Open(v->db_));
  VAULT_ASSIGN_OR_RETURN(v->borrows_, BorrowStore::Open(v->db_));
  VAULT_ASSIGN_OR_RETURN(v->alerts_, AlertStore::Open(v->db_));
  VAULT_ASSIGN_OR_RETURN(v->destructions_, DestructionStore::Open(v->db_));
  VaultOptions opt;
  opt.blobs = v->blobs_.get();
  opt.metadata = v->metadata_.get();
  opt.keys = v->keys_.get();
  opt.clock = config.clock;
  opt.dictionary = config.dictionary;
  opt.crash_point = config.crash_point;
  VAULT_ASSIGN_OR_RETURN(v->vault_, Vault::Open(std::move(opt)));
  return v;
}

}  // namespace vault
