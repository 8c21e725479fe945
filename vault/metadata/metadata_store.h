// MetadataStore: documents, versions and wrapped data keys.
//
// The wrapped DEKs live here, never beside the blobs. Every method is one
// transaction: a document and its first version appear together or not at
// all. Archive numbers are assigned inside the inserting transaction, so
// concurrent ingests never share one.
//
// Thread-safety: implementations are safe for concurrent use.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/documents/document.h"
#include "vault/keys/key_ring.h"

namespace vault {

struct NewDocument {
  std::string id;
  std::string type_code;
  DocumentMetadata meta;
  std::string created_at;
  std::string created_by;
};

struct KeyRow {
  std::string document_id;
  uint32_t version = 0;
  WrappedKey key;
};

// A sealed copy the vault keeps that is not a document version: a loan's
// issued copy, or a returned copy kept as evidence. Its blob is bound to
// (id, version 0) and its data key is wrapped like a version's, so key
// rotation, verify and cleanup treat it like any other blob.
struct ArtifactRecord {
  std::string id;    // 32 hex digits
  std::string kind;  // e.g. "borrow_copy", "return_evidence"
  std::string document_id;  // the record it was made from ("" for artifacts older than migration 10)
  std::string blob_name;
  uint64_t size = 0;
  uint64_t blob_size = 0;
  std::string sha256;  // of the plaintext
  std::string created_at;
};

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  virtual StatusOr<DocumentRecord> InsertDocument(const NewDocument& doc, const VersionRecord& v1,
                                                  const WrappedKey& key) = 0;
  // document.version_conflict unless v.version is the current version + 1.
  virtual Status InsertVersion(const VersionRecord& v, const WrappedKey& key) = 0;
  // document.not_found when absent.
  virtual StatusOr<DocumentRecord> GetDocument(const std::string& id) = 0;
  virtual StatusOr<DocumentRecord> GetByArchiveNumber(const std::string& archive_number) = 0;
  virtual StatusOr<std::vector<VersionRecord>> ListVersions(const std::string& id) = 0;
  virtual StatusOr<std::vector<VersionRecord>> AllVersions() = 0;
  virtual StatusOr<WrappedKey> GetWrappedKey(const std::string& id, uint32_t version) = 0;
  virtual StatusOr<SearchPage> Search(const DocumentFilter& filter) = 0;

  virtual Status InsertArtifact(const ArtifactRecord& artifact, const WrappedKey& key) = 0;
  virtual StatusOr<ArtifactRecord> GetArtifact(const std::string& id) = 0;
  virtual StatusOr<WrappedKey> GetArtifactKey(const std::string& id) = 0;
  virtual StatusOr<std::vector<ArtifactRecord>> AllArtifacts() = 0;
  // Documents destroyed (ghosts): their versions have neither keys nor blobs.
  virtual StatusOr<std::set<std::string>> DestroyedDocumentIds() = 0;

  // Key rotation support. Artifacts' keys appear as rows with version 0.
  virtual StatusOr<std::vector<KeyRow>> KeysNotWrappedBy(const std::string& kek_id, size_t limit) = 0;
  virtual Status UpdateWrappedKeys(const std::vector<KeyRow>& rows) = 0;
  virtual StatusOr<int64_t> CountKeysWrappedBy(const std::string& kek_id) = 0;
  // In one transaction: refuses (key.still_in_use) while any DEK is wrapped
  // by `kek_id`, else records a tombstone. From then on every write of a
  // wrapped key naming that KEK fails with key.kek_destroyed, so an ingest
  // that wrapped its DEK before the KEK was destroyed cannot commit a
  // document nobody can read. Idempotent.
  virtual Status MarkKekDestroyed(const std::string& kek_id, const std::string& at) = 0;

  virtual StatusOr<int> SchemaVersion() = 0;
  // Moves committed changes out of any journal into the main store, so that
  // overwritten or deleted rows (old wrapped keys) do not linger there.
  virtual Status Checkpoint() = 0;
};

}  // namespace vault
