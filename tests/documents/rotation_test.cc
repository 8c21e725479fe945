// Key rotation over 1,000 documents: everything stays readable, no blob is
// touched, and once the old KEK is destroyed a DEK wrapped under it (as in
// an old backup of the metadata) opens nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>

#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/local/local_vault.h"

namespace vault {
namespace {

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
  auto saved = lv->metadata().GetWrappedKey(ids[0], 1);  // as an old backup would hold it
  ASSERT_TRUE(saved.ok());

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
  // Restore the old wrapped key, as restoring an old metadata backup would.
  ASSERT_TRUE(lv->metadata().UpdateWrappedKeys({KeyRow{ids[0], 1, *saved}}).ok());
  StringSink sink;
  auto r = lv->vault().ReadContent(ids[0], 0, sink);
  EXPECT_EQ(r.status().reason(), "key.unknown_kek");
  EXPECT_TRUE(sink.data().empty());
  // Everything else is still readable after reopening.
  lv.reset();
  lv = std::move(LocalVault::Open(config)).value();
  StringSink other;
  EXPECT_TRUE(lv->vault().ReadContent(ids[1], 0, other).ok());
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
  EXPECT_EQ(s.reason(), "key.still_in_use");
  // Finishing the interrupted rotation creates no further KEK and allows it.
  auto rewrapped = lv->vault().RewrapToPrimary();
  ASSERT_TRUE(rewrapped.ok());
  EXPECT_EQ(*rewrapped, 1);
  EXPECT_EQ(lv->vault().ListKeys().size(), 2u);
  EXPECT_TRUE(lv->vault().DestroyKek(old_kek).ok());
  EXPECT_EQ(lv->vault().ListKeys().size(), 1u);
}

}  // namespace
}  // namespace vault
