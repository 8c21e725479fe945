// Key rotation over 1,000 documents: everything stays readable, no blob is
// touched, and once the old KEK is destroyed a DEK wrapped under it (as in
// an old backup of the metadata) opens nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <map>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/local/local_vault.h"
#include "tests/support/test_database.h"

namespace vault {
namespace {

using testing::StatusIs;

using testing::TempDir;

struct FileState {
  std::string bytes;
  int64_t mtime_ns = 0;
};

std::map<std::string, FileState> Snapshot(LocalVault& lv) {
  std::map<std::string, FileState> out;
  auto names = lv.blobs().List();
  for (const std::string& name : *names) {
    std::string path = lv.blobs().PathOf(name);
    struct stat st {};
    ::stat(path.c_str(), &st);
    out[name] = FileState{testing::ReadFile(path),
                          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
  }
  return out;
}

TEST(RotationTest, ThousandDocumentsStayReadableAndBlobsUntouched) {
  if (testing::TestOnPostgres()) GTEST_SKIP() << "inspects the SQLite file itself";
  TempDir dir;
  LocalVaultConfig config = testing::InitTestVault(dir);
  auto lv = std::move(LocalVault::Open(config)).value();
  Vault& v = lv->vault();
  constexpr int kDocs = 1000;
  std::vector<std::string> ids;
  for (int i = 0; i < kDocs; ++i) {
    IngestRequest r;
    r.meta.customer_number = "C" + std::to_string(i % 10);
    r.meta.doc_type = "contract";
    r.meta.title = "doc " + std::to_string(i);
    StringSource src("content of document " + std::to_string(i));
    auto d = v.Ingest(r, src);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    ids.push_back(d->id);
  }
  std::string old_kek = lv->keys().PrimaryId();
  auto before = Snapshot(*lv);
  ASSERT_EQ(before.size(), static_cast<size_t>(kDocs));
  // A backup of the metadata taken before rotation holds DEKs wrapped by
  // the old KEK.
  ASSERT_TRUE(lv->metadata().Checkpoint().ok());
  const std::string db = config.data_dir + "/metadata.db";
  const std::string backup = dir.Join("metadata-backup.db");
  boost::filesystem::copy_file(db, backup);

  auto report = v.RotateKeys();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->rewrapped, kDocs);
  EXPECT_EQ(report->retired_kek_ids, std::vector<std::string>{old_kek});
  EXPECT_EQ(*lv->metadata().CountKeysWrappedBy(old_kek), 0);
  EXPECT_EQ(*lv->metadata().CountKeysWrappedBy(report->new_kek_id), kDocs);

  auto after = Snapshot(*lv);
  ASSERT_EQ(after.size(), before.size());
  for (const auto& kv : before) {
    EXPECT_EQ(after[kv.first].bytes, kv.second.bytes) << kv.first;
    EXPECT_EQ(after[kv.first].mtime_ns, kv.second.mtime_ns) << kv.first;
  }

  // Reopen from disk: the key file holds both KEKs, the new one primary.
  lv.reset();
  lv = std::move(LocalVault::Open(config)).value();
  for (int i = 0; i < kDocs; ++i) {
    StringSink sink;
    ASSERT_TRUE(lv->vault().ReadContent(ids[i], 0, sink).ok()) << i;
    ASSERT_EQ(sink.data(), "content of document " + std::to_string(i));
  }

  ASSERT_TRUE(lv->vault().DestroyKek(old_kek).ok());
  EXPECT_EQ(lv->vault().ListKeys().size(), 1u);
  // The live vault stays readable.
  StringSink other;
  EXPECT_TRUE(lv->vault().ReadContent(ids[1], 0, other).ok());
  // Restoring the old backup: its DEKs are wrapped by the destroyed KEK.
  lv.reset();
  boost::filesystem::remove(db + "-wal");
  boost::filesystem::remove(db + "-shm");
  boost::filesystem::copy_file(backup, db, boost::filesystem::copy_options::overwrite_existing);
  lv = std::move(LocalVault::Open(config)).value();
  for (int i : {0, 1, kDocs - 1}) {
    StringSink sink;
    auto r = lv->vault().ReadContent(ids[i], 0, sink);
    EXPECT_THAT(r, StatusIs(StatusCode::kFailedPrecondition, "key.unknown_kek")) << i;
    EXPECT_TRUE(sink.data().empty());
  }
}

// An ingest wraps its DEK, then (at the crash point between blob commit and
// metadata commit) the KEK is rotated away and destroyed. The ingest must
// not commit a document wrapped by the destroyed KEK: it rewraps under the
// new primary, and the document stays readable.
TEST(RotationTest, IngestRacingKekDestructionStaysReadable) {
  TempDir dir;
  LocalVaultConfig config = testing::InitTestVault(dir);
  LocalVault* handle = nullptr;
  bool armed = false, raced = false;
  config.crash_point = [&](const char* point) {
    if (std::string(point) != "after_wrap" || !armed || raced) return;
    raced = true;
    std::string old_kek = handle->keys().PrimaryId();
    ASSERT_TRUE(handle->vault().RotateKeys().ok());
    ASSERT_TRUE(handle->vault().DestroyKek(old_kek).ok());
  };
  auto lv = std::move(LocalVault::Open(config)).value();
  handle = lv.get();
  IngestRequest r;
  r.meta.customer_number = "C1";
  r.meta.doc_type = "HT";
  r.meta.title = "race";
  StringSource first("first");  // the old KEK wraps something before the race
  ASSERT_TRUE(lv->vault().Ingest(r, first).ok());
  armed = true;
  StringSource src("raced content");
  auto doc = lv->vault().Ingest(r, src);
  ASSERT_TRUE(raced);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  StringSink sink;
  ASSERT_TRUE(lv->vault().ReadContent(doc->id, 0, sink).ok());
  EXPECT_EQ(sink.data(), "raced content");
  EXPECT_EQ(lv->metadata().GetWrappedKey(doc->id, 1)->kek_id, lv->keys().PrimaryId());
}

TEST(RotationTest, DestroyRefusedWhileKeysStillWrapped) {
  TempDir dir;
  LocalVaultConfig config = testing::InitTestVault(dir);
  auto lv = std::move(LocalVault::Open(config)).value();
  IngestRequest r;
  r.meta.customer_number = "C1";
  r.meta.doc_type = "HT";
  r.meta.title = "t";
  StringSource src("x");
  ASSERT_TRUE(lv->vault().Ingest(r, src).ok());
  std::string old_kek = lv->keys().PrimaryId();
  ASSERT_TRUE(lv->keys().Rotate().ok());  // a new primary, DEKs not yet rewrapped
  Status s = lv->vault().DestroyKek(old_kek);
  EXPECT_THAT(s, StatusIs(StatusCode::kFailedPrecondition, "key.still_in_use"));
  // Finishing the interrupted rotation creates no further KEK and allows it.
  auto rewrapped = lv->vault().RewrapToPrimary();
  ASSERT_TRUE(rewrapped.ok());
  EXPECT_EQ(*rewrapped, 1);
  EXPECT_EQ(lv->vault().ListKeys().size(), 2u);
  EXPECT_TRUE(lv->vault().DestroyKek(old_kek).ok());
  EXPECT_EQ(lv->vault().ListKeys().size(), 1u);
}

// Artifacts (loan copies, returned evidence) are rewrapped with the
// documents, block the old KEK's destruction until they are, stay
// readable afterwards, and count as tracked blobs for verify and cleanup.
TEST(RotationTest, ArtifactsRotateWithTheDocumentsAndAreTracked) {
  TempDir dir;
  LocalVaultConfig config = testing::InitTestVault(dir);
  auto lv = std::move(LocalVault::Open(config)).value();
  const std::string content = testing::PseudoRandom(200000, 9);
  StringSource src(content);
  auto artifact = lv->vault().SealArtifact("return_evidence", "", src);
  ASSERT_TRUE(artifact.ok()) << artifact.status().ToString();
  EXPECT_EQ(artifact->size, content.size());
  std::string old_kek = lv->keys().PrimaryId();
  ASSERT_TRUE(lv->keys().Rotate().ok());
  EXPECT_THAT(lv->vault().DestroyKek(old_kek), StatusIs(StatusCode::kFailedPrecondition, "key.still_in_use"));
  auto rewrapped = lv->vault().RewrapToPrimary();
  ASSERT_TRUE(rewrapped.ok());
  EXPECT_EQ(*rewrapped, 1);
  ASSERT_TRUE(lv->vault().DestroyKek(old_kek).ok());
  auto again = lv->vault().GetArtifact(artifact->id);
  ASSERT_TRUE(again.ok());
  StringSink sink;
  ASSERT_TRUE(lv->vault().ReadArtifact(*again, sink).ok());
  EXPECT_EQ(sink.data(), content);
  auto report = lv->vault().Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->untracked, 0);
  EXPECT_EQ(*lv->vault().RemoveUntracked(), 0);
  StringSink after;
  EXPECT_TRUE(lv->vault().ReadArtifact(*again, after).ok());
  // A flipped byte in the artifact's blob is caught.
  std::string path = lv->blobs().PathOf(again->blob_name);
  std::string bytes = testing::ReadFile(path);
  bytes[bytes.size() / 2] ^= 1;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  StringSink damaged;
  EXPECT_THAT(lv->vault().ReadArtifact(*again, damaged), StatusIs(StatusCode::kDataLoss, "blob.chunk_auth_failed"));
}

}  // namespace
}  // namespace vault
