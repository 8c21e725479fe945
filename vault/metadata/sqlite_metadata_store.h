// SqliteMetadataStore: the embedded default MetadataStore, over the shared
// metadata database (vault/db/database.h: WAL, foreign keys, secure_delete
// so deleted rows such as destroyed keys are overwritten in the file,
// synchronous=FULL, migrations applied on open).
//
// Owns the tables documents, document_tags, versions, wrapped_keys,
// artifacts, destroyed_keks, destroyed_documents and the title index
// search_terms with its search_index_state (document_search.h keeps the
// index and runs searches; see search_terms.h for what a title query
// matches); other stores ask it
// through the static functions at the end, which run inside their caller's
// read or transaction.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "vault/db/client.h"
#include "vault/metadata/document_search.h"
#include "vault/metadata/metadata_store.h"

namespace vault {

class SqliteMetadataStore : public MetadataStore {
 public:
  static StatusOr<std::unique_ptr<SqliteMetadataStore>> Open(std::shared_ptr<db::Database> db);
  // Opens a Database of its own (for tools and tests that need only this).
  static StatusOr<std::unique_ptr<SqliteMetadataStore>> Open(const std::string& path);
  ~SqliteMetadataStore() override;

  StatusOr<DocumentRecord> InsertDocument(const NewDocument& doc, const VersionRecord& v1,
                                          const WrappedKey& key) override;
  Status InsertVersion(const VersionRecord& v, const WrappedKey& key) override;
  StatusOr<DocumentRecord> GetDocument(const std::string& id) override;
  StatusOr<DocumentRecord> GetByArchiveNumber(const std::string& archive_number) override;
  StatusOr<std::vector<VersionRecord>> ListVersions(const std::string& id) override;
  StatusOr<std::vector<VersionRecord>> AllVersions() override;
  StatusOr<WrappedKey> GetWrappedKey(const std::string& id, uint32_t version) override;
  StatusOr<SearchPage> Search(const DocumentFilter& filter) override;
  Status InsertArtifact(const ArtifactRecord& artifact, const WrappedKey& key) override;
  StatusOr<ArtifactRecord> GetArtifact(const std::string& id) override;
  StatusOr<WrappedKey> GetArtifactKey(const std::string& id) override;
  StatusOr<std::vector<ArtifactRecord>> AllArtifacts() override;
  StatusOr<std::set<std::string>> DestroyedDocumentIds() override;
  StatusOr<std::vector<KeyRow>> KeysNotWrappedBy(const std::string& kek_id, size_t limit) override;
  Status UpdateWrappedKeys(const std::vector<KeyRow>& rows) override;
  // Every stored wrapped key (versions', and artifacts' as version 0; an
  // erased artifact key is left out) after (after_id, after_version) in
  // (id, version) order, at most `limit`: a cursor over all of them for a
  // check that unwraps each (vault/local/migrate_vault.cc).
  StatusOr<std::vector<KeyRow>> KeysAfter(const std::string& after_id, uint32_t after_version, size_t limit);
  StatusOr<int64_t> CountKeysWrappedBy(const std::string& kek_id) override;
  Status MarkKekDestroyed(const std::string& kek_id, const std::string& at) override;
  StatusOr<int> SchemaVersion() override;

  // Empties the title index and indexes every document again, in one
  // transaction (after a restore, a migration or a bulk import that wrote
  // rows without it). vaultctl index rebuild.
  StatusOr<document_search::IndexCounts> RebuildSearchIndex();

  // Folds the WAL back into the main file and truncates it.
  Status Checkpoint() override;

  // For other stores, inside their Read or Write on `c`; they throw.
  // The destruction that destroyed a document, or "" if none.
  static std::string DestroyedBy(db::Connection& c, const std::string& document_id);
  static void MarkDestroyed(db::Connection& c, const std::string& document_id, const std::string& destruction_id,
                            const std::string& at);
  // Artifacts sealed with `document_id`.
  static std::vector<std::string> ArtifactsMadeFrom(db::Connection& c, const std::string& document_id);
  // Crypto-erase: deletes the wrapped data keys of every version of the
  // documents and the keys of the artifacts (the artifact rows stay: their
  // blob names and hashes are history).
  static void EraseKeys(db::Connection& c, const std::vector<std::string>& document_ids,
                        const std::vector<std::string>& artifact_ids);

 private:
  explicit SqliteMetadataStore(std::shared_ptr<db::Database> db);
  StatusOr<DocumentRecord> GetWhere(const std::string& column, const std::string& value);
  // Migration 13 created the index empty and left a marker: fill it once.
  Status BackfillSearchIndexIfPending();

  db::Client db_;
};

}  // namespace vault
