// LocalVault: a Vault over a local data directory, as vaultctl and vaultd use it.
//
// Data directory layout (mode 0700):
//   VAULT            marker with the layout version
//   metadata.db      SQLite metadata (+ -wal, -shm), one db::Database per
//                    LocalVault shared by all its stores; absent when
//                    `database` names a PostgreSQL server instead
//   blobs/, tmp/     LocalBlobStore
//   kek-params       only in passphrase mode: Argon2id salt and parameters
// The master key file must live outside the data directory: Init() and
// Open() refuse a key file inside it, so a copy of the data directory (a
// backup, a stolen disk image) never carries the key that opens it.
//
// Thread-safety: as Vault.
#pragma once

#include <memory>
#include <string>

#include "vault/alerts/alert_store.h"
#include "vault/audit/audit_log.h"
#include "vault/borrow/borrow_store.h"
#include "vault/db/database.h"
#include "vault/destruction/destruction_store.h"
#include "vault/export/export_ledger.h"
#include "vault/identity/identity_store.h"
#include "vault/identity/role_grants.h"
#include "vault/vault.h"
#include "vault/metadata/sqlite_metadata_store.h"
#include "vault/storage/local_blob_store.h"

namespace vault {

struct LocalVaultConfig {
  std::string data_dir;
  // The metadata database (vault/db/engine.h): empty for the SQLite file
  // DATA/metadata.db, or a PostgreSQL URI / conninfo shared by several nodes
  // (which then share the blob directory too).
  std::string database;
  std::string key_file;    // key-file mode
  std::string passphrase;  // passphrase mode when non-empty (key_file ignored)
  const Clock* clock = SystemClock();
  const FieldDictionary* dictionary = &FieldDictionary::Default();
  std::function<void(const char*)> crash_point;
  LoginPolicy login_policy;
  int db_readers = db::DatabaseOptions().readers;  // read connections (vault/db/database.h)
};

struct InitReport {
  bool created_data_dir = false;
  bool created_key = false;
};

class LocalVault {
 public:
  // Creates the data directory and, if the key file does not exist, a new
  // master key (mode 0600). Safe to run again on an existing vault.
  static StatusOr<InitReport> Init(const LocalVaultConfig& config);
  static StatusOr<std::unique_ptr<LocalVault>> Open(const LocalVaultConfig& config);

  Vault& vault() { return *vault_; }
  LocalBlobStore& blobs() { return *blobs_; }
  SqliteMetadataStore& metadata() { return *metadata_; }
  KeyRing& keys() { return *keys_; }
  AuditLog& audit() { return *audit_; }
  IdentityStore& identity() { return *identity_; }
  RoleGrants& role_grants() { return *role_grants_; }
  ExportLedger& exports() { return *exports_; }
  BorrowStore& borrows() { return *borrows_; }
  AlertStore& alerts() { return *alerts_; }
  DestructionStore& destructions() { return *destructions_; }
  db::Database& database() { return *db_; }
  // The same database, for stores built outside LocalVault (vaultd's
  // operations: key destruction requests, fixity reports, quality samples).
  std::shared_ptr<db::Database> shared_database() { return db_; }
  const std::string& data_dir() const { return data_dir_; }

 private:
  LocalVault() = default;
  std::string data_dir_;
  std::shared_ptr<db::Database> db_;
  std::unique_ptr<LocalBlobStore> blobs_;
  std::unique_ptr<SqliteMetadataStore> metadata_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<Vault> vault_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<IdentityStore> identity_;
  std::unique_ptr<RoleGrants> role_grants_;
  std::unique_ptr<ExportLedger> exports_;
  std::unique_ptr<BorrowStore> borrows_;
  std::unique_ptr<AlertStore> alerts_;
  std::unique_ptr<DestructionStore> destructions_;
};

// True when `path` is `dir` or inside it (after resolving symlinks and ..).
bool IsInside(const std::string& path, const std::string& dir);

}  // namespace vault
