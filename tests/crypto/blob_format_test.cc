#include "vault/crypto/blob_format.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "vault/base/hex.h"
#include "vault/crypto/blob_stream.h"
#include "vault/crypto/sha256.h"
#include "vault/storage/memory_blob_store.h"

namespace vault {
namespace {

using testing::StatusIs;

using testing::PseudoRandom;

BlobBinding TestBinding(uint32_t version = 1) {
  BlobBinding b;
  for (size_t i = 0; i < b.document_id.size(); ++i) b.document_id[i] = static_cast<uint8_t>(i * 7);
  b.version = version;
  return b;
}

struct Sealed {
  std::string blob;
  SealResult result;
};

Sealed SealString(const SecretKey& key, const BlobBinding& b, const std::string& plain) {
  MemoryBlobStore store;
  auto w = store.NewWriter("blob");
  EXPECT_TRUE(w.ok());
  StringSource src(plain);
  auto sealed = SealStream(BlobSealer::WithRandomNonce(key, b), src, **w);
  EXPECT_TRUE(sealed.ok()) << sealed.status().ToString();
  EXPECT_TRUE((*w)->Commit().ok());
  return Sealed{*store.MutableBlob("blob"), *sealed};
}

StatusOr<std::string> OpenString(const SecretKey& key, const BlobBinding& b, const std::string& blob) {
  MemoryBlobStore store;
  store.Put("blob", blob);
  auto r = store.Open("blob");
  StringSink sink;
  VAULT_ASSIGN_OR_RETURN(OpenResult res, OpenStream(key, b, **r, &sink, OpenOptions{}));
  (void)res;
  return sink.data();
}

class RoundTripTest : public ::testing::TestWithParam<size_t> {};

TEST_P(RoundTripTest, ReturnsIdenticalBytesAndSha256) {
  SecretKey key = SecretKey::Random();
  std::string plain = PseudoRandom(GetParam(), GetParam());
  Sealed s = SealString(key, TestBinding(), plain);
  EXPECT_EQ(s.blob.size(), blob_format::BlobSize(plain.size()));
  EXPECT_EQ(s.result.plaintext_size, plain.size());
  EXPECT_EQ(HexEncode(s.result.sha256.data(), 32), Sha256::HexOf(plain));
  auto back = OpenString(key, TestBinding(), s.blob);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, plain);
}

INSTANTIATE_TEST_SUITE_P(Sizes, RoundTripTest,
                         ::testing::Values(0, 1, 65535, 65536, 65537, 2 * 65536, 16 * 65536,
                                           16 * 65536 + 1, 40 * 65536 + 12345));

TEST(BlobFormatTest, CiphertextContainsNoPlaintext) {
  SecretKey key = SecretKey::Random();
  std::string plain(300000, 'A');
  Sealed s = SealString(key, TestBinding(), plain);
  EXPECT_EQ(s.blob.find(std::string(32, 'A')), std::string::npos);
}

TEST(BlobFormatTest, SameContentSealsDifferently) {
  SecretKey key = SecretKey::Random();
  std::string plain = PseudoRandom(1000, 1);
  EXPECT_NE(SealString(key, TestBinding(), plain).blob, SealString(key, TestBinding(), plain).blob);
}

// Every single-byte flip of a one-chunk blob is caught, and nothing leaks.
TEST(BlobFormatTest, EveryFlippedByteOfSmallBlobFailsIntegrity) {
  SecretKey key = SecretKey::Random();
  std::string plain = PseudoRandom(1000, 3);
  Sealed s = SealString(key, TestBinding(), plain);
  for (size_t i = 0; i < s.blob.size(); ++i) {
    std::string b = s.blob;
    b[i] ^= 0x80;
    auto r = OpenString(key, TestBinding(), b);
    ASSERT_FALSE(r.ok()) << "flip at " << i << " went unnoticed";
    EXPECT_THAT(r, StatusIs(StatusCode::kDataLoss)) << "flip at " << i;
  }
}

// Multi-chunk: every header byte and every tag byte, plus a stride through data.
TEST(BlobFormatTest, FlippedBytesOfMultiChunkBlobFailIntegrity) {
  SecretKey key = SecretKey::Random();
  std::string plain = PseudoRandom(3 * 65536 + 77, 4);
  Sealed s = SealString(key, TestBinding(), plain);
  std::vector<size_t> positions;
  for (size_t i = 0; i < blob_format::kHeaderSize; ++i) positions.push_back(i);
  for (size_t i = blob_format::kHeaderSize; i < s.blob.size(); i += 257) positions.push_back(i);
  positions.push_back(s.blob.size() - 1);
  for (size_t i : positions) {
    std::string b = s.blob;
    b[i] ^= 0x01;
    auto r = OpenString(key, TestBinding(), b);
    ASSERT_FALSE(r.ok()) << "flip at " << i;
    EXPECT_THAT(r, StatusIs(StatusCode::kDataLoss));
  }
}

TEST(BlobFormatTest, RejectsTruncationAtEveryChunkBoundary) {
  SecretKey key = SecretKey::Random();
  std::string plain = PseudoRandom(3 * 65536, 5);
  Sealed s = SealString(key, TestBinding(), plain);
  for (size_t keep : {size_t{0}, size_t{79}, size_t{80}, size_t{80 + 65552}, size_t{80 + 2 * 65552},
                      s.blob.size() - 1}) {
    auto r = OpenString(key, TestBinding(), s.blob.substr(0, keep));
    ASSERT_FALSE(r.ok()) << "kept " << keep;
    EXPECT_THAT(r, StatusIs(StatusCode::kDataLoss));
  }
  auto r = OpenString(key, TestBinding(), s.blob.substr(0, 80 + 2 * 65552));
  EXPECT_THAT(r, StatusIs(StatusCode::kDataLoss, "blob.missing_final_chunk"));
}

TEST(BlobFormatTest, RejectsBlobOfAnotherVersion) {
  SecretKey key = SecretKey::Random();
  Sealed s = SealString(key, TestBinding(1), "content");
  auto r = OpenString(key, TestBinding(2), s.blob);
  EXPECT_THAT(r, StatusIs(StatusCode::kDataLoss, "blob.document_mismatch"));
}

TEST(BlobFormatTest, FailedChunkOpenZeroesOutput) {
  SecretKey key = SecretKey::Random();
  Sealed s = SealString(key, TestBinding(), std::string(100, 'x'));
  std::string b = s.blob;
  b[blob_format::kHeaderSize + 5] ^= 1;
  auto opener = BlobOpener::Open(key, reinterpret_cast<const uint8_t*>(b.data()), b.size(), TestBinding());
  ASSERT_TRUE(opener.ok());
  std::vector<uint8_t> out(100, 0xee);
  Status st = opener->OpenChunk(0, true, reinterpret_cast<const uint8_t*>(b.data()) + 80, 116, out.data());
  EXPECT_THAT(st, StatusIs(StatusCode::kDataLoss, "blob.chunk_auth_failed"));
  EXPECT_EQ(std::count(out.begin(), out.end(), 0), 100);
}

}  // namespace
}  // namespace vault
