// The chunk AEAD runs on OpenSSL's ChaCha20-Poly1305 for speed; the format
// is defined as RFC 8439 ChaCha20-Poly1305, which libsodium's _ietf
// functions also implement. Sealing with one must open with the other, so
// the implementation choice can never change the format.
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>

#include "tests/support/temp_dir.h"
#include "vault/crypto/blob_format.h"

namespace vault {
namespace {

// Derives the same payload key the format uses, independently of the code
// under test, from the spec in docs/format-v1.md.
SecretKey SpecPayloadKey(const SecretKey& dek, const uint8_t* header) {
  static const char kLabel[] = "sales-vault blob v1 payload key";
  crypto_generichash_state st;
  crypto_generichash_init(&st, dek.secret_bytes(), 32, 32);
  crypto_generichash_update(&st, reinterpret_cast<const uint8_t*>(kLabel), sizeof kLabel - 1);
  crypto_generichash_update(&st, header, blob_format::kHeaderBodySize);
  uint8_t k[32];
  crypto_generichash_final(&st, k, 32);
  return SecretKey::FromBytes(k);
}

void SpecNonce(uint64_t index, bool final, uint8_t nonce[12]) {
  std::memset(nonce, 0, 12);
  for (int i = 0; i < 8; ++i) nonce[10 - i] = static_cast<uint8_t>(index >> (8 * i));
  nonce[11] = final ? 1 : 0;
}

TEST(ChunkAeadInteropTest, SealedChunksOpenWithLibsodiumAndBack) {
  ASSERT_GE(sodium_init(), 0);
  SecretKey dek = SecretKey::Random();
  BlobBinding binding;
  binding.document_id.fill(0x42);
  binding.version = 3;
  BlobSealer sealer = BlobSealer::WithRandomNonce(dek, binding);
  SecretKey pk = SpecPayloadKey(dek, sealer.header().data());
  auto opener = BlobOpener::Open(dek, sealer.header().data(), blob_format::kHeaderSize, binding);
  ASSERT_TRUE(opener.ok());
  for (size_t len : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{1000}, blob_format::kChunkSize}) {
    for (bool final : {false, true}) {
      uint64_t index = len * 7 + (final ? 1 : 0) + (uint64_t{1} << 40);
      std::string plain = testing::PseudoRandom(len, len + 1);
      std::vector<uint8_t> ours(len + 16), theirs(len + 16);
      sealer.SealChunk(index, final, reinterpret_cast<const uint8_t*>(plain.data()), len, ours.data());
      uint8_t nonce[12];
      SpecNonce(index, final, nonce);
      unsigned long long clen = 0;
      crypto_aead_chacha20poly1305_ietf_encrypt(theirs.data(), &clen,
                                                reinterpret_cast<const uint8_t*>(plain.data()), len,
                                                nullptr, 0, nullptr, nonce, pk.secret_bytes());
      ASSERT_EQ(ours, theirs) << "len " << len << " final " << final;
      std::vector<uint8_t> back(len + 1);
      ASSERT_TRUE(opener->OpenChunk(index, final, theirs.data(), theirs.size(), back.data()).ok());
      EXPECT_EQ(std::string(back.begin(), back.begin() + len), plain);
      theirs[len / 2] ^= 1;
      EXPECT_FALSE(opener->OpenChunk(index, final, theirs.data(), theirs.size(), back.data()).ok());
    }
  }
}

}  // namespace
}  // namespace vault
