// The manifest of a backup directory (docs/operations.md, "Backups"): what
// the backup holds, each file's SHA-256, and the wrapped key of the
// encrypted database copy, as canonical JSON signed with the vault's backup
// signing key (Ed25519 derived from the master key that was primary when the
// backup was made, purpose "backup").
//
// A backup directory:
//   manifest.json        this manifest (canonical JSON)
//   manifest.json.sig    the raw 64-byte Ed25519 signature over manifest.json
//   signing.pem          the public key, for `openssl pkeyutl -verify -pubin -rawin`
//   metadata.db.sealed   the metadata database, blob format v1 under a fresh
//                        backup key wrapped by the master key: the SQLite
//                        file, or for engine "postgresql" the pg_dump of the
//                        vault's schema (plain SQL, pg_dump_source.h)
//   blobs/aa/bb/NAME     the blobs as stored (already ciphertext)
//   policies/*.json      the policy files, when the vault has its own
//   kek-params           passphrase vaults only: the Argon2id salt (not secret)
// Never the master key.
//
// Thread-safety: value types and functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/keys/key_ring.h"

namespace vault {

inline constexpr char kManifestFile[] = "manifest.json";
inline constexpr char kManifestSigFile[] = "manifest.json.sig";
inline constexpr char kSealedDatabaseFile[] = "metadata.db.sealed";
// The binding version of the sealed database copy ("BAK1"), so a wrapped
// backup key can never be taken for a document version's key.
inline constexpr uint32_t kBackupBindingVersion = 0x42414B31;

struct BackupFile {
  std::string path;  // relative to the backup directory
  std::string sha256;
  int64_t size = 0;
  bool from_base = false;  // hard-linked or copied from the base backup
};

struct BackupManifest {
  std::string backup_id;  // 32 hex digits
  std::string created_at;
  std::string engine = "sqlite";
  std::string signing_kek_id, signing_key_name, signing_public_key;  // hex
  std::string database_kek_id, database_wrapped_key;                 // hex
  int64_t database_size = 0;                                         // plaintext bytes
  // PostgreSQL only (in the JSON only when engine is "postgresql", so a
  // SQLite manifest keeps its exact bytes): the dump's format
  // (pg_dump_source.h, kPgDumpFormat) and the schema it holds.
  std::string database_format, database_schema;
  std::string base_backup_id;                                        // "" for a full backup
  bool policies_included = false;
  std::vector<BackupFile> files;  // sorted by path
};

// The canonical JSON of `m`.
std::string ManifestJson(const BackupManifest& m);
// backup.manifest_malformed (DATA_LOSS) naming manifest.json.
StatusOr<BackupManifest> ParseManifest(const std::string& json);

// Reads DIR/manifest.json and its signature and verifies the signature with
// the backup signer derived from the KEK the manifest names, which must be
// in `ring` (and must be the key the manifest says). Errors name the file:
// backup.manifest_missing (NOT_FOUND), backup.manifest_malformed,
// backup.manifest_signature (DATA_LOSS), key.unknown_kek.
StatusOr<BackupManifest> ReadVerifiedManifest(const std::string& dir, const KeyRing& ring);

// SHA-256 (hex) and size of a file, streamed.
StatusOr<BackupFile> HashFile(const std::string& path);

}  // namespace vault
