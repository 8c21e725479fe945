#include "vault/crypto/blob_random_reader.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "vault/crypto/blob_stream.h"
#include "vault/storage/memory_blob_store.h"

namespace vault {
namespace {

using testing::StatusIs;

using testing::PseudoRandom;

constexpr size_t kChunk = blob_format::kChunkSize;
constexpr size_t kSealed = blob_format::kSealedChunkSize;
constexpr size_t kHeader = blob_format::kHeaderSize;

BlobBinding Binding() {
  BlobBinding b;
  for (size_t i = 0; i < b.document_id.size(); ++i) b.document_id[i] = static_cast<uint8_t>(0x40 + i);
  b.version = 3;
  return b;
}

std::string Seal(const SecretKey& key, const std::string& plain) {
  MemoryBlobStore store;
  auto w = store.NewWriter("b");
  StringSource src(plain);
  EXPECT_TRUE(SealStream(BlobSealer::WithRandomNonce(key, Binding()), src, **w).ok());
  EXPECT_TRUE((*w)->Commit().ok());
  return *store.MutableBlob("b");
}

StatusOr<std::unique_ptr<BlobRandomReader>> OpenBlob(const SecretKey& key, const std::string& blob) {
  auto store = std::make_shared<MemoryBlobStore>();
  store->Put("b", blob);
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<BlobReader> r, store->Open("b"));
  return BlobRandomReader::Open(key, Binding(), std::move(r));
}

std::string ReadRange(BlobRandomReader& r, uint64_t off, size_t len) {
  std::string out(len, '\0');
  Status s = r.ReadAt(off, reinterpret_cast<uint8_t*>(out.data()), len);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

TEST(BlobRandomReaderTest, AnyRangeReadsTheSameBytesAsThePlaintext) {
  SecretKey key = SecretKey::Random();
  for (size_t size : {size_t{0}, size_t{1}, kChunk - 1, kChunk, kChunk + 1, 5 * kChunk + 777}) {
    const std::string plain = PseudoRandom(size, 11);
    auto reader = OpenBlob(key, Seal(key, plain));
    ASSERT_TRUE(reader.ok()) << size << ": " << reader.status().ToString();
    ASSERT_EQ((*reader)->Size(), size);
    // Backwards from the end (as a PDF reader starts), across chunk
    // boundaries, and single bytes.
    std::vector<std::pair<uint64_t, size_t>> ranges = {{0, size}};
    if (size > 10) ranges.push_back({size - 10, 10});
    if (size > kChunk + 5) ranges.push_back({kChunk - 5, 10});
    if (size > 3 * kChunk) ranges.push_back({kChunk / 2, 2 * kChunk});
    for (uint64_t off = 0; off < size; off += 9973) ranges.push_back({off, 1});
    for (auto [off, len] : ranges) {
      EXPECT_EQ(ReadRange(**reader, off, len), plain.substr(off, len)) << size << " @" << off << "+" << len;
    }
    EXPECT_TRUE((*reader)->error().ok());
  }
}

TEST(BlobRandomReaderTest, NearbyReadsDoNotDecryptTwice) {
  SecretKey key = SecretKey::Random();
  const std::string plain = PseudoRandom(8 * kChunk, 5);
  auto reader = OpenBlob(key, Seal(key, plain));
  ASSERT_TRUE(reader.ok());
  const uint64_t after_open = (*reader)->chunks_opened();  // the final chunk
  EXPECT_EQ(after_open, 1u);
  for (uint64_t off = 0; off < 2 * kChunk; off += 128) ReadRange(**reader, off, 128);
  EXPECT_EQ((*reader)->chunks_opened(), after_open + 2);
}

TEST(BlobRandomReaderTest, ReadingPastTheEndIsRefused) {
  SecretKey key = SecretKey::Random();
  auto reader = OpenBlob(key, Seal(key, PseudoRandom(100, 1)));
  ASSERT_TRUE(reader.ok());
  uint8_t buf[8];
  EXPECT_THAT((*reader)->ReadAt(96, buf, 8), StatusIs(StatusCode::kInvalidArgument, "io.out_of_range"));
  EXPECT_THAT((*reader)->ReadAt(UINT64_MAX - 2, buf, 8), StatusIs(StatusCode::kInvalidArgument, "io.out_of_range"));
  EXPECT_TRUE((*reader)->ReadAt(92, buf, 8).ok());
}

TEST(BlobRandomReaderTest, TruncationIsCaughtWhenOpening) {
  SecretKey key = SecretKey::Random();
  const std::string blob = Seal(key, PseudoRandom(3 * kChunk + 100, 2));
  // Cut at a chunk boundary: the last remaining chunk is not final.
  auto cut = OpenBlob(key, blob.substr(0, kHeader + 2 * kSealed));
  EXPECT_THAT(cut, StatusIs(StatusCode::kDataLoss, "blob.missing_final_chunk"));
  // Cut inside the final chunk.
  auto inside = OpenBlob(key, blob.substr(0, blob.size() - 30));
  EXPECT_THAT(inside, StatusIs(StatusCode::kDataLoss, "blob.chunk_auth_failed"));
  EXPECT_THAT(OpenBlob(key, blob.substr(0, 40)), StatusIs(StatusCode::kDataLoss, "blob.truncated_header"));
  EXPECT_THAT(OpenBlob(key, blob + std::string(kSealed, 'x')),
              StatusIs(StatusCode::kDataLoss, "blob.chunk_auth_failed"));
  EXPECT_THAT(OpenBlob(SecretKey::Random(), blob), StatusIs(StatusCode::kDataLoss, "blob.header_auth_failed"));
}

TEST(BlobRandomReaderTest, ADamagedChunkFailsItsReadAndEveryLaterOne) {
  SecretKey key = SecretKey::Random();
  const std::string plain = PseudoRandom(4 * kChunk, 3);
  std::string blob = Seal(key, plain);
  blob[kHeader + kSealed + 1000] ^= 0x01;  // inside chunk 1
  auto reader = OpenBlob(key, blob);
  ASSERT_TRUE(reader.ok()) << "only the final chunk is checked when opening";
  EXPECT_EQ(ReadRange(**reader, 10, 100), plain.substr(10, 100));  // chunk 0 is fine
  std::string out(100, '\0');
  Status s = (*reader)->ReadAt(kChunk + 5, reinterpret_cast<uint8_t*>(out.data()), out.size());
  EXPECT_THAT(s, StatusIs(StatusCode::kDataLoss, "blob.chunk_auth_failed"));
  EXPECT_EQ(out, std::string(100, '\0')) << "no plaintext of a failed chunk is released";
  // Sticky: even chunk 0, which is cached and intact, is refused now.
  EXPECT_THAT((*reader)->ReadAt(10, reinterpret_cast<uint8_t*>(out.data()), 10),
              StatusIs(StatusCode::kDataLoss, "blob.chunk_auth_failed"));
  EXPECT_THAT((*reader)->error(), StatusIs(StatusCode::kDataLoss, "blob.chunk_auth_failed"));
}

TEST(BlobRandomReaderTest, SwappedChunksAreRejected) {
  SecretKey key = SecretKey::Random();
  const std::string plain = PseudoRandom(4 * kChunk, 4);
  std::string blob = Seal(key, plain);
  std::string c1 = blob.substr(kHeader + kSealed, kSealed), c2 = blob.substr(kHeader + 2 * kSealed, kSealed);
  blob.replace(kHeader + kSealed, kSealed, c2);
  blob.replace(kHeader + 2 * kSealed, kSealed, c1);
  auto reader = OpenBlob(key, blob);
  ASSERT_TRUE(reader.ok());
  uint8_t b[4];
  EXPECT_THAT((*reader)->ReadAt(2 * kChunk, b, 4), StatusIs(StatusCode::kDataLoss, "blob.chunk_auth_failed"));
}

}  // namespace
}  // namespace vault
