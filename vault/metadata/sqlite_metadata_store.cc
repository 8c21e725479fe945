#include "vault/metadata/sqlite_metadata_store.h"

#include <cstdio>
#include <optional>
#include <set>
#include <sstream>

#include "vault/base/hex.h"
#include "vault/db/rows.h"
#include "vault/metadata/document_rows.h"
#include "vault/metadata/document_search.h"

using namespace vault::db::sql;

namespace vault {
namespace {

constexpr char kVersionColumns[] =
    "document_id, version, size, sha256, blob_name, blob_size, created_at, created_by, reason, "
    "filename";

using db::Int;
using metadata_rows::DocumentFromRow;
using metadata_rows::FieldsToJson;
using metadata_rows::kDocumentColumns;

template <typename Row>
std::string Str(Row& rs, const char* col) {
  return db::Text(rs, col);
}

VersionRecord VersionFromRow(RecordSet& rs) {
  VersionRecord v;
  db::Row(rs)("document_id", &v.document_id)("version", &v.version)("size", &v.size)("sha256", &v.sha256)
      ("blob_name", &v.blob_name)("blob_size", &v.blob_size)("created_at", &v.created_at)
      ("created_by", &v.created_by)("reason", &v.reason)("filename", &v.filename);
  return v;
}

// Inside a transaction: key.kek_destroyed when `kek_id` has a tombstone.
Status CheckKekAlive(db::Connection& s, const std::string& kek_id) {
  Poco::Int64 dead = 0;
  s << "SELECT COUNT(*) FROM destroyed_keks WHERE kek_id = ?", bind(kek_id), into(dead), now;
  if (dead) {
    return FailedPreconditionError("key.kek_destroyed",
                                   "master key " + kek_id + " was destroyed; rewrap under the primary");
  }
  return Status::Ok();
}

void InsertVersionRow(db::Connection& s, const VersionRecord& v, const WrappedKey& key) {
  s << "INSERT INTO versions (" << kVersionColumns << ") VALUES (?,?,?,?,?,?,?,?,?,?)",
      bind(v.document_id), bind(static_cast<Poco::Int64>(v.version)),
      bind(static_cast<Poco::Int64>(v.size)), bind(v.sha256), bind(v.blob_name),
      bind(static_cast<Poco::Int64>(v.blob_size)), bind(v.created_at), bind(v.created_by),
      bind(v.reason), bind(v.filename), now;
  s << "INSERT INTO wrapped_keys (document_id, version, kek_id, wrapped) VALUES (?,?,?,?)",
      bind(v.document_id), bind(static_cast<Poco::Int64>(v.version)), bind(key.kek_id),
      bind(HexEncode(key.bytes.data(), key.bytes.size())), now;
}

}  // namespace

SqliteMetadataStore::SqliteMetadataStore(std::shared_ptr<db::Database> db)
    : db_(std::move(db), "metadata.db_error", "metadata") {}

SqliteMetadataStore::~SqliteMetadataStore() = default;

StatusOr<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::Open(std::shared_ptr<db::Database> db) {
  std::unique_ptr<SqliteMetadataStore> store(new SqliteMetadataStore(std::move(db)));
  VAULT_RETURN_IF_ERROR(store->BackfillSearchIndexIfPending());
  return store;
}

StatusOr<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::Open(const std::string& path) {
  VAULT_ASSIGN_OR_RETURN(std::shared_ptr<db::Database> db, db::Database::Open(path));
  return Open(std::move(db));
}

StatusOr<int> SqliteMetadataStore::SchemaVersion() {
  return db_.SchemaVersion();
}

StatusOr<DocumentRecord> SqliteMetadataStore::InsertDocument(const NewDocument& doc,
                                                             const VersionRecord& v1,
                                                             const WrappedKey& key) {
  DocumentRecord rec;
  Status st = db_.Write([&](db::Connection& s) -> Status {
    VAULT_RETURN_IF_ERROR(CheckKekAlive(s, key.kek_id));
    Poco::Int64 seq = 0;
    s << "SELECT COALESCE(MAX(sequence), 0) + 1 FROM documents WHERE customer_number = ? AND "
         "doc_type = ?",
        bind(doc.meta.customer_number), bind(doc.meta.doc_type), into(seq), now;
    char num[32];
    std::snprintf(num, sizeof num, "%04lld", static_cast<long long>(seq));
    rec.id = doc.id;
    rec.archive_number = doc.meta.customer_number + "_" + doc.type_code + "_" + num;
    rec.type_code = doc.type_code;
    rec.sequence = seq;
    rec.meta = doc.meta;
    rec.current_version = 1;
    rec.created_at = rec.updated_at = doc.created_at;
    rec.created_by = doc.created_by;
    const DocumentMetadata& m = doc.meta;
    s << "INSERT INTO documents (" << kDocumentColumns
      << ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        bind(rec.id), bind(rec.archive_number), bind(m.customer_number), bind(m.customer_name),
        bind(m.doc_type), bind(rec.type_code), bind(seq), bind(m.title), bind(m.department),
        bind(m.product_line), bind(m.region), bind(m.business_stage), bind(m.classification),
        bind(m.retention_class), bind(FieldsToJson(m.fields)), bind(Poco::Int64{1}),
        bind(rec.created_at), bind(rec.updated_at), bind(rec.created_by), now;
    for (const std::string& tag : m.tags) {
      s << "INSERT INTO document_tags (document_id, tag) VALUES (?, ?)", bind(rec.id), bind(tag),
          now;
    }
    InsertVersionRow(s, v1, key);
    // In the same transaction: a document is never visible unindexed.
    document_search::IndexTitle(s, rec.id, m.title);
    return Status::Ok();
  });
  VAULT_RETURN_IF_ERROR(st);
  return rec;
}

Status SqliteMetadataStore::InsertVersion(const VersionRecord& v, const WrappedKey& key) {
  return db_.Write([&](db::Connection& s) -> Status {
    VAULT_RETURN_IF_ERROR(CheckKekAlive(s, key.kek_id));
    Poco::Int64 current = -1;
    Statement q(s);
    q << "SELECT current_version FROM documents WHERE id = ?", bind(v.document_id), into(current);
    if (q.execute() == 0) return NotFoundError("document.not_found", "no such document");
    if (current + 1 != static_cast<Poco::Int64>(v.version)) {
      return AlreadyExistsError("document.version_conflict",
                                "another version was added concurrently; retry");
    }
    InsertVersionRow(s, v, key);
    s << "UPDATE documents SET current_version = ?, updated_at = ? WHERE id = ?",
        bind(static_cast<Poco::Int64>(v.version)), bind(v.created_at), bind(v.document_id), now;
    return Status::Ok();
  });
}

StatusOr<DocumentRecord> SqliteMetadataStore::GetWhere(const std::string& column,
                                                       const std::string& value) {
  return db_.Read([&](db::Connection& c) -> StatusOr<DocumentRecord> {
    // One cached statement per lookup (tags folded in): this runs on every
    // API call.
    db::PreparedQuery q = c.Prepared(
        std::string("SELECT ") + kDocumentColumns +
        ", (SELECT group_concat(tag, char(31)) FROM document_tags WHERE document_id = documents.id)"
        " AS tags_joined FROM documents WHERE " + column + " = ?");
    q.Bind(1, value);
    if (!q.Step()) return NotFoundError("document.not_found", "no such document");
    DocumentRecord d = DocumentFromRow(q);
    d.meta.tags = db::SplitList(q.Text("tags_joined"));
    return d;
  });
}

StatusOr<DocumentRecord> SqliteMetadataStore::GetDocument(const std::string& id) {
  return GetWhere("id", id);
}

StatusOr<DocumentRecord> SqliteMetadataStore::GetByArchiveNumber(const std::string& number) {
  return GetWhere("archive_number", number);
}

StatusOr<std::vector<VersionRecord>> SqliteMetadataStore::ListVersions(const std::string& id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<VersionRecord>> {
    Statement st(c);
    st << "SELECT " << kVersionColumns << " FROM versions WHERE document_id = ? ORDER BY version",
        bind(id);
    return db::AllRows(st, VersionFromRow);
  });
}

StatusOr<std::vector<VersionRecord>> SqliteMetadataStore::AllVersions() {
  return db_.ReadAll(std::string("SELECT ") + kVersionColumns + " FROM versions ORDER BY document_id, version", VersionFromRow);
}

StatusOr<WrappedKey> SqliteMetadataStore::GetWrappedKey(const std::string& id, uint32_t version) {
  return db_.Read([&](db::Connection& c) -> StatusOr<WrappedKey> {
    std::string kek, wrapped;
    Statement st(c);
    st << "SELECT kek_id, wrapped FROM wrapped_keys WHERE document_id = ? AND version = ?",
        bind(id), bind(static_cast<Poco::Int64>(version)), into(kek), into(wrapped);
    if (st.execute() == 0) {
      return NotFoundError("key.dek_missing", "no data key for this version (destroyed?)");
    }
    auto bytes = HexDecode(wrapped);
    if (!bytes) return DataLossError("key.unwrap_failed", "stored wrapped key is malformed");
    return WrappedKey{kek, std::move(*bytes)};
  });
}

StatusOr<SearchPage> SqliteMetadataStore::Search(const DocumentFilter& f) {
  VAULT_ASSIGN_OR_RETURN(std::vector<TitleQueryPart> parts, ParseTitleQuery(f.title_words));
  std::optional<SearchCursor> after;
  if (!f.cursor.empty()) {
    if (f.offset > 0) return InvalidArgumentError("request.bad_parameter", "give a cursor or an offset, not both");
    VAULT_ASSIGN_OR_RETURN(after, SearchCursor::Decode(f.cursor, f.oldest_first));
  }
  return db_.Read([&](db::Connection& c) -> StatusOr<SearchPage> {
    return document_search::Run(c, f, parts, after ? &*after : nullptr);
  });
}

StatusOr<document_search::IndexCounts> SqliteMetadataStore::RebuildSearchIndex() {
  return db_.Write([&](db::Connection& c) -> StatusOr<document_search::IndexCounts> {
    document_search::ClaimBackfillMarker(c);  // a pending backfill is this rebuild
    return document_search::Rebuild(c);
  });
}

Status SqliteMetadataStore::BackfillSearchIndexIfPending() {
  VAULT_ASSIGN_OR_RETURN(bool pending, db_.Read([](db::Connection& c) -> StatusOr<bool> {
    return document_search::BackfillPending(c);
  }));
  if (!pending) return Status::Ok();
  // Claimed inside the rebuilding transaction: another process may have
  // done it meanwhile.
  return db_.Write([](db::Connection& c) -> Status {
    if (document_search::ClaimBackfillMarker(c)) document_search::Rebuild(c);
    return Status::Ok();
  });
}

namespace {
constexpr char kArtifactColumns[] = "id, kind, document_id, blob_name, size, blob_size, sha256, created_at";
ArtifactRecord ArtifactFromRow(RecordSet& rs) {
  ArtifactRecord a;
  db::Row(rs)("id", &a.id)("kind", &a.kind)("document_id", &a.document_id)("blob_name", &a.blob_name)
      ("size", &a.size)("blob_size", &a.blob_size)("sha256", &a.sha256)("created_at", &a.created_at);
  return a;
}
}  // namespace

Status SqliteMetadataStore::InsertArtifact(const ArtifactRecord& a, const WrappedKey& key) {
  return db_.Write([&](db::Connection& s) -> Status {
    VAULT_RETURN_IF_ERROR(CheckKekAlive(s, key.kek_id));
    s << "INSERT INTO artifacts (id, kind, document_id, blob_name, size, blob_size, sha256, kek_id, wrapped, "
         "created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        bind(a.id), bind(a.kind), bind(a.document_id), bind(a.blob_name), bind(static_cast<Poco::Int64>(a.size)),
        bind(static_cast<Poco::Int64>(a.blob_size)), bind(a.sha256), bind(key.kek_id),
        bind(HexEncode(key.bytes.data(), key.bytes.size())), bind(a.created_at), now;
    return Status::Ok();
  });
}

StatusOr<ArtifactRecord> SqliteMetadataStore::GetArtifact(const std::string& id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<ArtifactRecord> {
    Statement st(c);
    st << "SELECT " << kArtifactColumns << " FROM artifacts WHERE id = ?", bind(id);
    auto row = db::FirstRow(st, ArtifactFromRow);
    if (!row) return NotFoundError("artifact.not_found", "no such artifact");
    return *row;
  });
}

StatusOr<WrappedKey> SqliteMetadataStore::GetArtifactKey(const std::string& id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<WrappedKey> {
    std::string kek, wrapped;
    Statement st(c);
    st << "SELECT kek_id, wrapped FROM artifacts WHERE id = ?", bind(id), into(kek), into(wrapped);
    if (st.execute() == 0) return NotFoundError("artifact.not_found", "no such artifact");
    auto bytes = HexDecode(wrapped);
    if (!bytes) return DataLossError("key.unwrap_failed", "stored wrapped key is malformed");
    return WrappedKey{kek, std::move(*bytes)};
  });
}

StatusOr<std::vector<ArtifactRecord>> SqliteMetadataStore::AllArtifacts() {
  return db_.ReadAll(std::string("SELECT ") + kArtifactColumns + " FROM artifacts ORDER BY id", ArtifactFromRow);
}

StatusOr<std::set<std::string>> SqliteMetadataStore::DestroyedDocumentIds() {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::set<std::string>> {
    std::vector<std::string> ids;
    c << "SELECT document_id FROM destroyed_documents", into(ids), now;
    return std::set<std::string>(ids.begin(), ids.end());
  });
}

StatusOr<std::vector<KeyRow>> SqliteMetadataStore::KeysNotWrappedBy(const std::string& kek_id,
                                                                    size_t limit) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<KeyRow>> {
    Statement st(c);
    st << "SELECT document_id, version, kek_id, wrapped FROM wrapped_keys WHERE kek_id <> ? "
          "UNION ALL SELECT id AS document_id, 0 AS version, kek_id, wrapped FROM artifacts WHERE kek_id <> ? "
          "AND wrapped <> '' "
          "ORDER BY document_id, version LIMIT "
       << limit,
        bind(kek_id), bind(kek_id);
    st.execute();
    RecordSet rs(st);
    std::vector<KeyRow> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
      KeyRow row;
      row.document_id = Str(rs, "document_id");
      row.version = static_cast<uint32_t>(Int(rs, "version"));
      row.key.kek_id = Str(rs, "kek_id");
      auto bytes = HexDecode(Str(rs, "wrapped"));
      if (!bytes) return DataLossError("key.unwrap_failed", "stored wrapped key is malformed");
      row.key.bytes = std::move(*bytes);
      out.push_back(std::move(row));
    }
    return out;
  });
}

StatusOr<std::vector<KeyRow>> SqliteMetadataStore::KeysAfter(const std::string& after_id, uint32_t after_version,
                                                             size_t limit) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<KeyRow>> {
    Statement st(c);
    // Artifact ids and document ids are both random 128-bit ids: an
    // artifact's (id, 0) is after the cursor exactly when its id is.
    st << "SELECT document_id, version, kek_id, wrapped FROM wrapped_keys "
          "WHERE document_id > ? OR (document_id = ? AND version > ?) "
          "UNION ALL SELECT id AS document_id, 0 AS version, kek_id, wrapped FROM artifacts "
          "WHERE wrapped <> '' AND id > ? "
          "ORDER BY document_id, version LIMIT "
       << limit,
        bind(after_id), bind(after_id), bind(Poco::Int64{after_version}), bind(after_id);
    st.execute();
    RecordSet rs(st);
    std::vector<KeyRow> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
      KeyRow row;
      row.document_id = Str(rs, "document_id");
      row.version = static_cast<uint32_t>(Int(rs, "version"));
      row.key.kek_id = Str(rs, "kek_id");
      auto bytes = HexDecode(Str(rs, "wrapped"));
      if (!bytes) return DataLossError("key.unwrap_failed", "stored wrapped key of " + row.document_id + " is malformed");
      row.key.bytes = std::move(*bytes);
      out.push_back(std::move(row));
    }
    return out;
  });
}

Status SqliteMetadataStore::UpdateWrappedKeys(const std::vector<KeyRow>& rows) {
  return db_.Write([&](db::Connection& s) -> Status {
    for (const KeyRow& r : rows) {
      VAULT_RETURN_IF_ERROR(CheckKekAlive(s, r.key.kek_id));
      if (r.version == 0) {
        // Never brings back a key a destruction erased meanwhile.
        s << "UPDATE artifacts SET kek_id = ?, wrapped = ? WHERE id = ? AND wrapped <> ''", bind(r.key.kek_id),
            bind(HexEncode(r.key.bytes.data(), r.key.bytes.size())), bind(r.document_id), now;
        continue;
      }
      s << "UPDATE wrapped_keys SET kek_id = ?, wrapped = ? WHERE document_id = ? AND version = ?",
          bind(r.key.kek_id), bind(HexEncode(r.key.bytes.data(), r.key.bytes.size())),
          bind(r.document_id), bind(static_cast<Poco::Int64>(r.version)), now;
    }
    return Status::Ok();
  });
}

StatusOr<int64_t> SqliteMetadataStore::CountKeysWrappedBy(const std::string& kek_id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<int64_t> {
    Poco::Int64 n = 0;
    c << "SELECT (SELECT COUNT(*) FROM wrapped_keys WHERE kek_id = ?) + "
                 "(SELECT COUNT(*) FROM artifacts WHERE kek_id = ? AND wrapped <> '')",
        bind(kek_id), bind(kek_id), into(n), now;
    return static_cast<int64_t>(n);
  });
}

Status SqliteMetadataStore::MarkKekDestroyed(const std::string& kek_id, const std::string& at) {
  return db_.Write([&](db::Connection& s) -> Status {
    Poco::Int64 in_use = 0;
    s << "SELECT (SELECT COUNT(*) FROM wrapped_keys WHERE kek_id = ?) + "
         "(SELECT COUNT(*) FROM artifacts WHERE kek_id = ? AND wrapped <> '')",
        bind(kek_id), bind(kek_id), into(in_use), now;
    if (in_use > 0) {
      return FailedPreconditionError("key.still_in_use",
                                     std::to_string(in_use) + " data keys are still wrapped by " +
                                         kek_id + "; finish the rotation first (vaultctl keys rewrap)");
    }
    s << "INSERT OR IGNORE INTO destroyed_keks (kek_id, destroyed_at) VALUES (?, ?)", bind(kek_id),
        bind(at), now;
    return Status::Ok();
  });
}

Status SqliteMetadataStore::Checkpoint() {
  return db_.CheckpointTruncate("metadata.checkpoint_busy",
                                "the write-ahead log could not be checkpointed (database busy); retry");
}

std::string SqliteMetadataStore::DestroyedBy(db::Connection& c, const std::string& document_id) {
  std::vector<std::string> ids;
  c << "SELECT destruction_id FROM destroyed_documents WHERE document_id = ?", bind(document_id), into(ids), now;
  return ids.empty() ? std::string() : ids.front();
}

void SqliteMetadataStore::MarkDestroyed(db::Connection& c, const std::string& document_id,
                                        const std::string& destruction_id, const std::string& at) {
  c << "INSERT OR IGNORE INTO destroyed_documents (document_id, destruction_id, destroyed_at) VALUES (?,?,?)",
      bind(document_id), bind(destruction_id), bind(at), now;
}

std::vector<std::string> SqliteMetadataStore::ArtifactsMadeFrom(db::Connection& c, const std::string& document_id) {
  std::vector<std::string> ids;
  c << "SELECT id FROM artifacts WHERE document_id = ? ORDER BY id", bind(document_id), into(ids), now;
  return ids;
}

void SqliteMetadataStore::EraseKeys(db::Connection& c, const std::vector<std::string>& document_ids,
                                    const std::vector<std::string>& artifact_ids) {
  for (std::string id : document_ids) c << "DELETE FROM wrapped_keys WHERE document_id = ?", bind(id), now;
  for (std::string id : artifact_ids) {
    c << "UPDATE artifacts SET wrapped = '', kek_id = 'erased' WHERE id = ?", bind(id), now;
  }
}

}  // namespace vault
