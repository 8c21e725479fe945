#include "vault/metadata/sqlite_metadata_store.h"

#include <gtest/gtest.h>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>

#include "tests/support/test_database.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "vault/db/migrations.h"

namespace vault {
namespace {

using testing::StatusIs;

using testing::TempDir;

NewDocument Doc(const std::string& id, const std::string& customer, const std::string& title) {
  NewDocument d;
  d.id = id;
  d.type_code = "HT";
  d.meta.customer_number = customer;
  d.meta.doc_type = "contract";
  d.meta.title = title;
  d.meta.department = "华南销售部";
  d.meta.classification = "internal";
  d.meta.tags = {"vip"};
  d.meta.fields["contact_phone"] = "0755-86013388";
  d.created_at = "2026-11-22T10:00:00Z";
  d.created_by = "tester";
  return d;
}

VersionRecord V1(const std::string& id) {
  VersionRecord v;
  v.document_id = id;
  v.version = 1;
  v.size = 5;
  v.sha256 = std::string(64, 'a');
  v.blob_name = id + "-v1";
  v.blob_size = 101;
  v.created_at = "2026-11-22T10:00:00Z";
  v.created_by = "tester";
  v.reason = "initial version";
  return v;
}

WrappedKey Key() { return WrappedKey{"kek-1", std::vector<uint8_t>(72, 7)}; }

std::string Id(int n) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%032x", n);
  return buf;
}

TEST(SqliteMetadataStoreTest, MigratesOnceAndReopens) {
  TempDir dir;
  std::string path = testing::TestDatabase(dir);
  {
    auto s = SqliteMetadataStore::Open(path);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(*(*s)->SchemaVersion(), Migrations().back().version);
  }
  auto again = SqliteMetadataStore::Open(path);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*(*again)->SchemaVersion(), Migrations().back().version);
}

TEST(SqliteMetadataStoreTest, RefusesNewerSchema) {
  TempDir dir;
  std::string path = testing::TestDatabase(dir);
  ASSERT_TRUE(SqliteMetadataStore::Open(path).ok());
  testing::ExecSql(path, "INSERT INTO schema_migrations (version, description) VALUES (999, 'future')");
  auto r = SqliteMetadataStore::Open(path);
  EXPECT_THAT(r, StatusIs(StatusCode::kFailedPrecondition, "metadata.schema_too_new"));
}

TEST(SqliteMetadataStoreTest, AssignsSequentialArchiveNumbersPerCustomerAndType) {
  TempDir dir;
  auto s = std::move(SqliteMetadataStore::Open(testing::TestDatabase(dir, "m.db"))).value();
  auto a = s->InsertDocument(Doc(Id(1), "C001", "一号合同"), V1(Id(1)), Key());
  auto b = s->InsertDocument(Doc(Id(2), "C001", "二号合同"), V1(Id(2)), Key());
  auto c = s->InsertDocument(Doc(Id(3), "C002", "other"), V1(Id(3)), Key());
  ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status().ToString();
  EXPECT_EQ(a->archive_number, "C001_HT_0001");
  EXPECT_EQ(b->archive_number, "C001_HT_0002");
  EXPECT_EQ(c->archive_number, "C002_HT_0001");
  auto got = s->GetByArchiveNumber("C001_HT_0002");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->meta.title, "二号合同");
  EXPECT_EQ(got->meta.tags, std::vector<std::string>{"vip"});
  EXPECT_EQ(got->meta.fields.at("contact_phone"), "0755-86013388");
  EXPECT_THAT(s->GetDocument(Id(9)), StatusIs(StatusCode::kNotFound, "document.not_found"));
}

TEST(SqliteMetadataStoreTest, FailedInsertLeavesNothing) {
  TempDir dir;
  auto s = std::move(SqliteMetadataStore::Open(testing::TestDatabase(dir, "m.db"))).value();
  ASSERT_TRUE(s->InsertDocument(Doc(Id(1), "C001", "t"), V1(Id(1)), Key()).ok());
  // Same blob name violates a UNIQUE constraint after the document row went in.
  VersionRecord clash = V1(Id(1));
  clash.document_id = Id(2);
  auto r = s->InsertDocument(Doc(Id(2), "C001", "t2"), clash, Key());
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(s->GetDocument(Id(2)), StatusIs(StatusCode::kNotFound, "document.not_found"));
  EXPECT_EQ(s->Search(DocumentFilter{})->total, 1);
}

TEST(SqliteMetadataStoreTest, VersionsMustBeConsecutive) {
  TempDir dir;
  auto s = std::move(SqliteMetadataStore::Open(testing::TestDatabase(dir, "m.db"))).value();
  ASSERT_TRUE(s->InsertDocument(Doc(Id(1), "C001", "t"), V1(Id(1)), Key()).ok());
  VersionRecord v3 = V1(Id(1));
  v3.version = 3;
  v3.blob_name = "x3";
  EXPECT_THAT(s->InsertVersion(v3, Key()), StatusIs(StatusCode::kAlreadyExists, "document.version_conflict"));
  VersionRecord v2 = v3;
  v2.version = 2;
  ASSERT_TRUE(s->InsertVersion(v2, Key()).ok());
  EXPECT_EQ(s->GetDocument(Id(1))->current_version, 2u);
  EXPECT_EQ(s->ListVersions(Id(1))->size(), 2u);
}

TEST(SqliteMetadataStoreTest, SearchFilters) {
  TempDir dir;
  auto s = std::move(SqliteMetadataStore::Open(testing::TestDatabase(dir, "m.db"))).value();
  auto d1 = Doc(Id(1), "C001", "年度 框架 合同");
  auto d2 = Doc(Id(2), "C002", "报价 100%");
  d2.meta.doc_type = "quotation";
  d2.type_code = "BJ";
  d2.meta.classification = "confidential";
  d2.meta.tags = {"urgent"};
  d2.created_at = "2026-12-01T00:00:00Z";
  ASSERT_TRUE(s->InsertDocument(d1, V1(Id(1)), Key()).ok());
  VersionRecord v2 = V1(Id(2));
  ASSERT_TRUE(s->InsertDocument(d2, v2, Key()).ok());
  auto count = [&](DocumentFilter f) { return s->Search(f)->total; };
  DocumentFilter f;
  EXPECT_EQ(count(f), 2);
  f.customer_number = "C002";
  EXPECT_EQ(count(f), 1);
  f = {};
  f.doc_type = "contract";
  EXPECT_EQ(count(f), 1);
  f = {};
  f.classification = "confidential";
  EXPECT_EQ(count(f), 1);
  f = {};
  f.tag = "urgent";
  EXPECT_EQ(count(f), 1);
  f = {};
  f.from_date = "2026-11-23";
  EXPECT_EQ(count(f), 1);
  f.to_date = "2026-11-30";
  EXPECT_EQ(count(f), 0);
  f = {};
  f.title_words = "框架 合同";
  EXPECT_EQ(count(f), 1);
  f.title_words = "100%";
  EXPECT_EQ(count(f), 1);
  f.title_words = "%";
  EXPECT_EQ(count(f), 2);  // punctuation is no search term (search_terms.h): no constraint, not a wildcard
  f = {};
  f.department = "华南销售部";
  f.limit = 1;
  auto page = s->Search(f);
  EXPECT_EQ(page->total, 2);
  EXPECT_EQ(page->documents.size(), 1u);
}

TEST(SqliteMetadataStoreTest, DestroyedKekTombstoneBlocksNewWrappedKeys) {
  TempDir dir;
  auto s = std::move(SqliteMetadataStore::Open(testing::TestDatabase(dir, "m.db"))).value();
  ASSERT_TRUE(s->InsertDocument(Doc(Id(1), "C001", "t"), V1(Id(1)), Key()).ok());
  EXPECT_THAT(s->MarkKekDestroyed("kek-1", "2026-11-22T00:00:00Z"),
              StatusIs(StatusCode::kFailedPrecondition, "key.still_in_use"));
  ASSERT_TRUE(s->MarkKekDestroyed("kek-9", "2026-11-22T00:00:00Z").ok());
  ASSERT_TRUE(s->MarkKekDestroyed("kek-9", "2026-11-22T00:00:00Z").ok());  // idempotent
  WrappedKey dead{"kek-9", std::vector<uint8_t>(72, 1)};
  EXPECT_THAT(s->InsertDocument(
                  Doc(Id(2), "C001", "t2"),
                  [] {
                    VersionRecord v = V1(Id(2));
                    return v;
                  }(),
                  dead),
              StatusIs(StatusCode::kFailedPrecondition, "key.kek_destroyed"));
  EXPECT_THAT(s->GetDocument(Id(2)), StatusIs(StatusCode::kNotFound, "document.not_found"));
  EXPECT_THAT(s->UpdateWrappedKeys({KeyRow{Id(1), 1, dead}}),
              StatusIs(StatusCode::kFailedPrecondition, "key.kek_destroyed"));
  EXPECT_EQ(s->GetWrappedKey(Id(1), 1)->kek_id, "kek-1");
}

TEST(SqliteMetadataStoreTest, KeyRowsForRotation) {
  TempDir dir;
  auto s = std::move(SqliteMetadataStore::Open(testing::TestDatabase(dir, "m.db"))).value();
  ASSERT_TRUE(s->InsertDocument(Doc(Id(1), "C001", "t"), V1(Id(1)), Key()).ok());
  EXPECT_EQ(*s->CountKeysWrappedBy("kek-1"), 1);
  auto rows = s->KeysNotWrappedBy("kek-2", 10);
  ASSERT_EQ(rows->size(), 1u);
  (*rows)[0].key.kek_id = "kek-2";
  ASSERT_TRUE(s->UpdateWrappedKeys(*rows).ok());
  EXPECT_EQ(*s->CountKeysWrappedBy("kek-1"), 0);
  EXPECT_EQ(s->GetWrappedKey(Id(1), 1)->kek_id, "kek-2");
  EXPECT_TRUE(s->KeysNotWrappedBy("kek-2", 10)->empty());
}

}  // namespace
}  // namespace vault
