// Vault: the facade of the core library. vaultctl and vaultd call only this.
//
// Ingest path: validate metadata -> fresh DEK, wrapped under the primary KEK
// (so a missing key fails before any I/O) -> seal the content stream into a
// new blob (SHA-256 of the plaintext computed on the way) -> commit the blob
// -> commit metadata and wrapped key in one transaction. A failure before the last step removes the
// blob; a crash leaves at most an untracked blob that Verify() reports and
// RemoveUntracked() deletes. No document is ever visible half-written.
//
// Every disk, time and key access goes through VaultOptions.
//
// Thread-safety: all methods are safe for concurrent use.
#pragma once

#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/byte_stream.h"
#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/crypto/blob_random_reader.h"
#include "vault/documents/document.h"
#include "vault/documents/field_dictionary.h"
#include "vault/keys/key_ring.h"
#include "vault/metadata/metadata_store.h"
#include "vault/storage/blob_store.h"

namespace vault {

struct VaultOptions {
  // Required: where ciphertext lives. Not owned.
  BlobStore* blobs = nullptr;
  // Required: documents, versions, wrapped keys. Not owned.
  MetadataStore* metadata = nullptr;
  // Required: the KEKs. Not owned.
  KeyRing* keys = nullptr;
  // Time source for every timestamp.
  const Clock* clock = SystemClock();
  // What metadata is valid.
  const FieldDictionary* dictionary = &FieldDictionary::Default();
  // Test hook, called at named points ("after_blob_commit", "after_wrap").
  // Fault-injection tests end the process there to simulate a crash, or run
  // a racing operation. Empty in production.
  std::function<void(const char* point)> crash_point;
};

struct IngestRequest {
  DocumentMetadata meta;
  std::string filename;  // original name, informational
  std::string actor;     // who ingests
};

struct FixityEntry {
  enum class State { kOk, kChanged, kMissing, kUntracked };
  State state = State::kOk;
  std::string document_id;
  std::string archive_number;
  uint32_t version = 0;
  std::string blob_name;  // for untracked temporaries: "tmp/<name>"
  std::string detail;     // the error reason for changed/missing
};

struct FixityReport {
  std::vector<FixityEntry> entries;
  int64_t ok = 0, changed = 0, missing = 0, untracked = 0;
  bool intact() const { return changed == 0 && missing == 0; }
};

struct RotationReport {
  std::string new_kek_id;
  int64_t rewrapped = 0;
  std::vector<std::string> retired_kek_ids;  // still present; destroy when ready
};

const char* FixityStateName(FixityEntry::State s);

class Vault {
 public:
  static StatusOr<std::unique_ptr<Vault>> Open(VaultOptions options);

  StatusOr<DocumentRecord> Ingest(IngestRequest request, ByteSource& content);
  StatusOr<VersionRecord> AddVersion(const std::string& id_or_number, const std::string& reason,
                                     const std::string& actor, const std::string& filename,
                                     ByteSource& content);

  // What metadata Ingest accepts (the dictionary it validates with).
  const FieldDictionary& dictionary() const { return *opt_.dictionary; }

  // Accepts a document id (32 hex digits) or an archive number.
  StatusOr<DocumentRecord> Get(const std::string& id_or_number);
  StatusOr<std::vector<VersionRecord>> Versions(const std::string& id_or_number);
  StatusOr<SearchPage> Search(DocumentFilter filter);

  // Streams a version's plaintext (0 = current) into `sink`, chunk by
  // authenticated chunk. On failure the sink's bytes must be discarded.
  StatusOr<VersionRecord> ReadContent(const std::string& id_or_number, uint32_t version,
                                      ByteSink& sink);
  // The same for a version record the caller already holds (from Versions),
  // sparing the lookups.
  Status ReadVersion(const VersionRecord& version, ByteSink& sink);
  // A version's plaintext for random access, decrypted chunk by chunk as it
  // is read (the PDF exporter reads this way). Fails up front on a damaged
  // header or a truncated blob; later damage fails the read that meets it.
  StatusOr<std::unique_ptr<BlobRandomReader>> OpenVersion(const VersionRecord& version);

  // Artifacts: sealed copies the vault keeps beside the documents (a loan's
  // issued copy, a returned copy kept as evidence). Each gets its own data
  // key, wrapped like a version's; nothing is stored unless both the blob
  // and its row are. `document_id` names the record it was made from, so
  // that record's destruction finds it even if nothing else links to it.
  StatusOr<ArtifactRecord> SealArtifact(const std::string& kind, const std::string& document_id,
                                        ByteSource& content);
  StatusOr<ArtifactRecord> GetArtifact(const std::string& id);
  // Streams an artifact's plaintext; the SHA-256 is checked against the
  // recorded one at the end (blob.hash_mismatch).
  Status ReadArtifact(const ArtifactRecord& artifact, ByteSink& sink);

  // Re-reads and authenticates every blob (or one document's) and compares
  // the SHA-256 with the recorded one. Untracked blobs and temporaries are
  // listed only when checking everything. `before_each`, when set, is called
  // before each version is read (the scheduled fixity paces itself there);
  // an error from it ends the check with that error.
  StatusOr<FixityReport> Verify(const std::string& id_or_number = "",
                                const std::function<Status(const VersionRecord&)>& before_each = nullptr);
  // Removes untracked blobs and leftover temporaries. Run it when no ingest
  // is in flight: a blob between its commit and its metadata commit looks
  // untracked too.
  StatusOr<int64_t> RemoveUntracked();

  // New primary KEK, every DEK rewrapped under it, no blob touched.
  StatusOr<RotationReport> RotateKeys();
  // Rewraps every DEK not yet under the primary KEK (finishes an interrupted
  // rotation without creating another KEK). Returns how many were rewrapped.
  // `on_batch`, when set, is told the running total after each committed
  // batch (vaultd's rewrap progress).
  StatusOr<int64_t> RewrapToPrimary(const std::function<void(int64_t rewrapped)>& on_batch = nullptr);
  // Destroys a retired KEK; key.still_in_use while any DEK is wrapped by it.
  Status DestroyKek(const std::string& kek_id);
  std::vector<KekInfo> ListKeys() const;

 private:
  explicit Vault(VaultOptions options) : opt_(std::move(options)) {}
  StatusOr<DocumentRecord> Resolve(const std::string& id_or_number);
  struct SealedVersion {
    VersionRecord record;
    WrappedKey key;
    std::optional<SecretKey> dek;  // kept to rewrap if the KEK is destroyed before commit
    BlobBinding binding;
  };
  // Runs `commit` with the wrapped key; when the KEK it used was destroyed
  // meanwhile (key.kek_destroyed), rewraps under the new primary and retries.
  Status CommitWithCurrentKek(SealedVersion& sealed, const std::function<Status()>& commit);
  StatusOr<SealedVersion> SealVersion(const std::string& document_id, uint32_t version,
                                      ByteSource& content);
  StatusOr<FixityEntry> CheckVersion(const VersionRecord& v, const std::string& archive_number);
  void CrashPoint(const char* name) const {
    if (opt_.crash_point) opt_.crash_point(name);
  }

  VaultOptions opt_;
};

// Parses a 32-hex-digit document id.
StatusOr<BlobBinding> BindingFor(const std::string& document_id, uint32_t version);
std::string NewDocumentId();

}  // namespace vault
