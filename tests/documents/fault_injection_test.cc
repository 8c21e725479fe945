// Failure paths of ingest: full disk, failed fsync, failed metadata commit,
// and a crash between the blob commit and the metadata commit.
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/test_database.h"
#include "tests/support/fault_blob_store.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/local/local_vault.h"
#include "vault/metadata/sqlite_metadata_store.h"
#include "vault/storage/local_blob_store.h"

namespace vault {
namespace {

using testing::StatusIs;

using testing::TempDir;

// Delegates to a real store but fails every InsertDocument, as a database
// that cannot commit would.
class CommitFailingStore : public MetadataStore {
 public:
  explicit CommitFailingStore(MetadataStore* inner) : inner_(inner) {}
  StatusOr<DocumentRecord> InsertDocument(const NewDocument&, const VersionRecord&, const WrappedKey&) override {
    return UnavailableError("metadata.db_error", "metadata database: disk I/O error");
  }
  Status InsertVersion(const VersionRecord& v, const WrappedKey& k) override { return inner_->InsertVersion(v, k); }
  StatusOr<DocumentRecord> GetDocument(const std::string& id) override { return inner_->GetDocument(id); }
  StatusOr<DocumentRecord> GetByArchiveNumber(const std::string& n) override { return inner_->GetByArchiveNumber(n); }
  StatusOr<std::vector<VersionRecord>> ListVersions(const std::string& id) override { return inner_->ListVersions(id); }
  StatusOr<std::vector<VersionRecord>> AllVersions() override { return inner_->AllVersions(); }
  StatusOr<WrappedKey> GetWrappedKey(const std::string& id, uint32_t v) override { return inner_->GetWrappedKey(id, v); }
  StatusOr<SearchPage> Search(const DocumentFilter& f) override { return inner_->Search(f); }
  StatusOr<std::vector<KeyRow>> KeysNotWrappedBy(const std::string& k, size_t n) override { return inner_->KeysNotWrappedBy(k, n); }
  Status UpdateWrappedKeys(const std::vector<KeyRow>& rows) override { return inner_->UpdateWrappedKeys(rows); }
  StatusOr<int64_t> CountKeysWrappedBy(const std::string& k) override { return inner_->CountKeysWrappedBy(k); }
  Status MarkKekDestroyed(const std::string& k, const std::string& at) override { return inner_->MarkKekDestroyed(k, at); }
  StatusOr<int> SchemaVersion() override { return inner_->SchemaVersion(); }
  Status Checkpoint() override { return inner_->Checkpoint(); }
  Status InsertArtifact(const ArtifactRecord&, const WrappedKey&) override {
    return UnavailableError("metadata.db_error", "metadata database: disk I/O error");
  }
  StatusOr<ArtifactRecord> GetArtifact(const std::string& id) override { return inner_->GetArtifact(id); }
  StatusOr<WrappedKey> GetArtifactKey(const std::string& id) override { return inner_->GetArtifactKey(id); }
  StatusOr<std::vector<ArtifactRecord>> AllArtifacts() override { return inner_->AllArtifacts(); }
  StatusOr<std::set<std::string>> DestroyedDocumentIds() override { return inner_->DestroyedDocumentIds(); }

 private:
  MetadataStore* inner_;
};

class FaultInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    blobs_ = std::move(LocalBlobStore::OpenAt(dir_.Join("data"))).value();
    metadata_ = std::move(SqliteMetadataStore::Open(testing::TestDatabase(dir_, "data/metadata.db"))).value();
    keys_ = std::make_unique<MemoryKeyRing>(SystemClock());
    faulty_ = std::make_unique<testing::FaultInjectingBlobStore>(blobs_.get());
  }

  std::unique_ptr<Vault> MakeVault(MetadataStore* metadata) {
    VaultOptions opt;
    opt.blobs = faulty_.get();
    opt.metadata = metadata;
    opt.keys = keys_.get();
    return std::move(Vault::Open(opt)).value();
  }

  IngestRequest Request() {
    IngestRequest r;
    r.meta.customer_number = "C001";
    r.meta.doc_type = "contract";
    r.meta.title = "fault test";
    return r;
  }

  void ExpectNothingStored(Vault& v) {
    EXPECT_EQ(v.Search({})->total, 0);
    EXPECT_TRUE(blobs_->List()->empty());
    EXPECT_TRUE(blobs_->ListTemporaries()->empty());
    auto report = v.Verify();
    EXPECT_TRUE(report->intact());
    EXPECT_EQ(report->untracked, 0);
  }

  TempDir dir_;
  std::unique_ptr<LocalBlobStore> blobs_;
  std::unique_ptr<SqliteMetadataStore> metadata_;
  std::unique_ptr<MemoryKeyRing> keys_;
  std::unique_ptr<testing::FaultInjectingBlobStore> faulty_;
};

TEST_F(FaultInjectionTest, NoSpaceDuringWriteLeavesNoHalfDocument) {
  auto v = MakeVault(metadata_.get());
  faulty_->FailWritesAfter(3 << 20);
  StringSource src(testing::PseudoRandom(8 << 20, 1));
  auto doc = v->Ingest(Request(), src);
  EXPECT_THAT(doc, StatusIs(StatusCode::kResourceExhausted, "storage.no_space"));
  ExpectNothingStored(*v);
}

TEST_F(FaultInjectionTest, FailedFsyncLeavesNoHalfDocument) {
  auto v = MakeVault(metadata_.get());
  faulty_->FailSync(true);
  StringSource src("content");
  EXPECT_THAT(v->Ingest(Request(), src), StatusIs(StatusCode::kUnavailable, "storage.io_error"));
  ExpectNothingStored(*v);
}

TEST_F(FaultInjectionTest, FailedMetadataCommitRemovesTheBlob) {
  CommitFailingStore failing(metadata_.get());
  auto v = MakeVault(&failing);
  StringSource src("content");
  EXPECT_THAT(v->Ingest(Request(), src), StatusIs(StatusCode::kUnavailable, "metadata.db_error"));
  ExpectNothingStored(*v);
}

TEST_F(FaultInjectionTest, FailedArtifactCommitRemovesTheBlob) {
  CommitFailingStore failing(metadata_.get());
  auto v = MakeVault(&failing);
  StringSource src("a returned copy");
  EXPECT_THAT(v->SealArtifact("return_evidence", "", src), StatusIs(StatusCode::kUnavailable, "metadata.db_error"));
  ExpectNothingStored(*v);
}

TEST_F(FaultInjectionTest, UnreadableBlobIsAnErrorNotGarbage) {
  auto v = MakeVault(metadata_.get());
  StringSource src("content");
  auto doc = v->Ingest(Request(), src);
  ASSERT_TRUE(doc.ok());
  faulty_->FailOpen(true);
  StringSink sink;
  EXPECT_THAT(v->ReadContent(doc->id, 0, sink), StatusIs(StatusCode::kUnavailable, "storage.io_error"));
  EXPECT_TRUE(sink.data().empty());
}

// The process dies after the blob is durable and before the metadata
// commit. Afterwards no document is visible; verify reports the orphan as
// untracked and cleanup removes it.
TEST(CrashTest, CrashBetweenBlobAndMetadataLeavesOnlyAnUntrackedBlob) {
  TempDir dir;
  LocalVaultConfig config = testing::InitTestVault(dir);
  EXPECT_EXIT(
      {
        LocalVaultConfig crashing = config;
        crashing.crash_point = [](const char* point) {
          if (std::string(point) == "after_blob_commit") ::_exit(42);
        };
        auto lv = LocalVault::Open(crashing);
        if (!lv.ok()) ::_exit(1);
        IngestRequest r;
        r.meta.customer_number = "C001";
        r.meta.doc_type = "contract";
        r.meta.title = "crash";
        StringSource src(testing::PseudoRandom(200000, 5));
        (void)(*lv)->vault().Ingest(r, src);
        ::_exit(0);
      },
      ::testing::ExitedWithCode(42), "");
  auto lv = LocalVault::Open(config);
  ASSERT_TRUE(lv.ok());
  Vault& v = (*lv)->vault();
  EXPECT_EQ(v.Search({})->total, 0);
  auto report = v.Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->untracked, 1);
  EXPECT_EQ(*v.RemoveUntracked(), 1);
  report = v.Verify();
  EXPECT_EQ(report->untracked, 0);
  EXPECT_TRUE((*lv)->blobs().List()->empty());
}

}  // namespace
}  // namespace vault
