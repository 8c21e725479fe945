// SqliteMetadataStore: the embedded default MetadataStore (Poco::Data SQLite).
//
// Opens the database in WAL mode with foreign keys on, secure_delete on (so
// deleted rows such as destroyed keys are overwritten in the file) and
// synchronous=FULL, then applies pending migrations. Writers take
// BEGIN IMMEDIATE, so several processes (vaultd and vaultctl) can share the
// file; a busy database is retried for up to 5 seconds.
//
// Thread-safety: safe for concurrent use (one connection, serialized).
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "vault/metadata/metadata_store.h"

namespace Poco {
namespace Data {
class Session;
}
}  // namespace Poco

namespace vault {
namespace sqlite {
class PreparedCache;
}

class SqliteMetadataStore : public MetadataStore {
 public:
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
  StatusOr<int64_t> CountKeysWrappedBy(const std::string& kek_id) override;
  Status MarkKekDestroyed(const std::string& kek_id, const std::string& at) override;
  StatusOr<int> SchemaVersion() override;

  // Folds the WAL back into the main file and truncates it.
  Status Checkpoint() override;

 private:
  explicit SqliteMetadataStore(std::unique_ptr<Poco::Data::Session> session);
  Status Migrate();
  StatusOr<DocumentRecord> GetWhere(const std::string& column, const std::string& value);

  std::mutex mu_;
  std::unique_ptr<Poco::Data::Session> session_;
  std::unique_ptr<sqlite::PreparedCache> prepared_;  // over session_; destroyed first
};

}  // namespace vault
