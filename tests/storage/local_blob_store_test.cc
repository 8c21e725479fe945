#include "vault/storage/local_blob_store.h"

#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include "tests/support/fault_blob_store.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace vault {
namespace {

using testing::StatusIs;

using testing::TempDir;

std::unique_ptr<LocalBlobStore> OpenStore(const TempDir& dir) {
  auto s = LocalBlobStore::OpenAt(dir.path());
  EXPECT_TRUE(s.ok());
  return std::move(s).value();
}

Status WriteBlob(BlobStore& store, const std::string& name, const std::string& data) {
  VAULT_ASSIGN_OR_RETURN(auto w, store.NewWriter(name));
  VAULT_RETURN_IF_ERROR(w->Append(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
  return w->Commit();
}

TEST(LocalBlobStoreTest, BlobVisibleOnlyAfterCommit) {
  TempDir dir;
  auto store = OpenStore(dir);
  auto w = store->NewWriter("abcdef-1");
  ASSERT_TRUE(w.ok());
  std::string data = "ciphertext";
  ASSERT_TRUE((*w)->Append(reinterpret_cast<const uint8_t*>(data.data()), data.size()).ok());
  EXPECT_THAT(store->Open("abcdef-1"), StatusIs(StatusCode::kNotFound, "blob.not_found"));
  EXPECT_EQ(store->ListTemporaries()->size(), 1u);
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(store->ListTemporaries()->size(), 0u);
  auto r = store->Open("abcdef-1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->Size(), data.size());
  EXPECT_EQ(testing::ReadFile(store->PathOf("abcdef-1")), data);
  EXPECT_NE(store->PathOf("abcdef-1").find("/blobs/ab/cd/abcdef-1"), std::string::npos);
}

TEST(LocalBlobStoreTest, AbandonedWriterRemovesItsTemporary) {
  TempDir dir;
  auto store = OpenStore(dir);
  {
    auto w = store->NewWriter("abandoned");
    std::string data(1000, 'x');
    ASSERT_TRUE((*w)->Append(reinterpret_cast<const uint8_t*>(data.data()), data.size()).ok());
  }
  EXPECT_TRUE(store->ListTemporaries()->empty());
  EXPECT_TRUE(store->List()->empty());
}

TEST(LocalBlobStoreTest, RefusesDuplicateAndBadNames) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_TRUE(WriteBlob(*store, "dup1", "a").ok());
  EXPECT_THAT(WriteBlob(*store, "dup1", "b"), StatusIs(StatusCode::kAlreadyExists, "storage.blob_exists"));
  EXPECT_EQ(testing::ReadFile(store->PathOf("dup1")), "a");
  EXPECT_THAT(store->NewWriter("../etc"), StatusIs(StatusCode::kInvalidArgument, "storage.bad_name"));
  EXPECT_THAT(store->NewWriter("UPPER"), StatusIs(StatusCode::kInvalidArgument, "storage.bad_name"));
  EXPECT_TRUE(store->ListTemporaries()->empty());
}

TEST(LocalBlobStoreTest, ListAndRemove) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_TRUE(WriteBlob(*store, "aaaa1", "1").ok());
  ASSERT_TRUE(WriteBlob(*store, "bbbb2", "2").ok());
  EXPECT_EQ(store->List()->size(), 2u);
  ASSERT_TRUE(store->Remove("aaaa1").ok());
  EXPECT_EQ(store->List()->size(), 1u);
  EXPECT_THAT(store->Remove("aaaa1"), StatusIs(StatusCode::kNotFound, "blob.not_found"));
}

TEST(LocalBlobStoreTest, ReadPastEndIsAnError) {
  TempDir dir;
  auto store = OpenStore(dir);
  ASSERT_TRUE(WriteBlob(*store, "short1", "12345").ok());
  auto r = store->Open("short1");
  uint8_t buf[10];
  EXPECT_THAT((*r)->ReadAt(2, buf, 10), StatusIs(StatusCode::kDataLoss, "storage.short_read"));
  EXPECT_TRUE((*r)->ReadAt(0, buf, 5).ok());
}

TEST(FaultInjectingBlobStoreTest, NoSpaceMidWriteLeavesNothing) {
  TempDir dir;
  auto store = OpenStore(dir);
  testing::FaultInjectingBlobStore faulty(store.get());
  faulty.FailWritesAfter(100);
  Status s = WriteBlob(faulty, "nospace", std::string(1000, 'z'));
  EXPECT_THAT(s, StatusIs(StatusCode::kResourceExhausted, "storage.no_space"));
  EXPECT_TRUE(store->List()->empty());
  EXPECT_TRUE(store->ListTemporaries()->empty());
}

TEST(FaultInjectingBlobStoreTest, FailedSyncLeavesNothing) {
  TempDir dir;
  auto store = OpenStore(dir);
  testing::FaultInjectingBlobStore faulty(store.get());
  faulty.FailSync(true);
  EXPECT_THAT(WriteBlob(faulty, "nosync", "data"), StatusIs(StatusCode::kUnavailable, "storage.io_error"));
  EXPECT_TRUE(store->List()->empty());
  EXPECT_TRUE(store->ListTemporaries()->empty());
}

}  // namespace
}  // namespace vault
