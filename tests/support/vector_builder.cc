#include "tests/support/vector_builder.h"

#include <algorithm>

#include "tests/support/temp_dir.h"
#include "vault/base/hex.h"
#include "vault/crypto/blob_format.h"
#include "vault/crypto/sha256.h"

namespace vault::testing {
namespace {

using blob_format::kHeaderSize;
using blob_format::kSealedChunkSize;

std::string Seal(const SecretKey& key, const BlobBinding& b, const std::string& plain) {
  std::array<uint8_t, 16> nonce{};
  for (size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<uint8_t>(0xa0 + i);
  BlobSealer sealer(key, b, nonce);
  std::string out(reinterpret_cast<const char*>(sealer.header().data()), kHeaderSize);
  uint64_t chunks = blob_format::ChunkCount(plain.size());
  for (uint64_t i = 0; i < chunks; ++i) {
    size_t off = i * blob_format::kChunkSize;
    size_t n = std::min(blob_format::kChunkSize, plain.size() - off);
    std::string sealed(n + blob_format::kTagSize, '\0');
    sealer.SealChunk(i, i + 1 == chunks, reinterpret_cast<const uint8_t*>(plain.data()) + off, n,
                     reinterpret_cast<uint8_t*>(sealed.data()));
    out += sealed;
  }
  return out;
}

}  // namespace

std::vector<TestVector> BuildVectors() {
  uint8_t key_bytes[32], other_key_bytes[32];
  for (int i = 0; i < 32; ++i) {
    key_bytes[i] = static_cast<uint8_t>(i);
    other_key_bytes[i] = static_cast<uint8_t>(0xff - i);
  }
  SecretKey key = SecretKey::FromBytes(key_bytes);
  BlobBinding binding;
  for (size_t i = 0; i < binding.document_id.size(); ++i) binding.document_id[i] = static_cast<uint8_t>(0x10 + i);
  binding.version = 1;
  const std::string key_hex = HexEncode(key_bytes, 32);
  const std::string doc_hex = HexEncode(binding.document_id.data(), binding.document_id.size());

  // Three chunks: two full, one partial final.
  const std::string plain = PseudoRandom(2 * blob_format::kChunkSize + 1000, 7);
  const std::string blob = Seal(key, binding, plain);
  // Exactly two full chunks, so the final chunk is full-sized.
  const std::string plain2 = PseudoRandom(2 * blob_format::kChunkSize, 8);
  const std::string blob2 = Seal(key, binding, plain2);

  auto make = [&](std::string name, std::string bytes, std::string expect) {
    TestVector v;
    v.name = std::move(name);
    v.key_hex = key_hex;
    v.document_id_hex = doc_hex;
    v.version = 1;
    v.expect = std::move(expect);
    v.blob = std::move(bytes);
    return v;
  };
  std::vector<TestVector> out;
  TestVector valid = make("valid", blob, "ok");
  valid.plaintext_sha256 = Sha256::HexOf(plain);
  out.push_back(valid);
  TestVector valid_empty = make("valid_empty", Seal(key, binding, ""), "ok");
  valid_empty.plaintext_sha256 = Sha256::HexOf("");
  out.push_back(valid_empty);
  out.push_back(make("truncated_header", blob.substr(0, 40), "blob.truncated_header"));
  out.push_back(make("header_only", blob.substr(0, kHeaderSize), "blob.missing_final_chunk"));
  {
    std::string b = blob;
    b[0] ^= 0x01;
    out.push_back(make("bad_magic", b, "blob.bad_magic"));
  }
  {
    std::string b = blob;
    b[4] = 0x02;
    out.push_back(make("unsupported_version", b, "blob.unsupported_version"));
  }
  {
    std::string b = blob;
    b[5] = 0x02;
    out.push_back(make("unsupported_algorithm", b, "blob.unsupported_algorithm"));
  }
  out.push_back(make("truncated_chunk", blob.substr(0, kHeaderSize + 2 * kSealedChunkSize + 10),
                     "blob.truncated_chunk"));
  {
    // Two full non-final chunks followed by an empty final chunk: a writer
    // never produces this (the second chunk would have been final).
    std::array<uint8_t, 16> nonce{};
    for (size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<uint8_t>(0xa0 + i);
    BlobSealer sealer(key, binding, nonce);
    std::string b(reinterpret_cast<const char*>(sealer.header().data()), kHeaderSize);
    for (uint64_t i = 0; i < 3; ++i) {
      size_t n = i < 2 ? blob_format::kChunkSize : 0;
      std::string sealed(n + blob_format::kTagSize, '\0');
      sealer.SealChunk(i, i == 2, reinterpret_cast<const uint8_t*>(plain2.data()) + i * n, n,
                       reinterpret_cast<uint8_t*>(sealed.data()));
      b += sealed;
    }
    out.push_back(make("empty_final_chunk", b, "blob.empty_final_chunk"));
  }
  {
    std::string b = blob;
    b[40] ^= 0x01;  // inside the nonce: only the header MAC catches it
    out.push_back(make("flipped_header_byte", b, "blob.header_auth_failed"));
  }
  {
    std::string b = blob;
    b[kHeaderSize + 100] ^= 0x01;
    out.push_back(make("flipped_chunk_byte", b, "blob.chunk_auth_failed"));
  }
  {
    std::string b = blob;
    std::string c0 = b.substr(kHeaderSize, kSealedChunkSize);
    std::string c1 = b.substr(kHeaderSize + kSealedChunkSize, kSealedChunkSize);
    b.replace(kHeaderSize, kSealedChunkSize, c1);
    b.replace(kHeaderSize + kSealedChunkSize, kSealedChunkSize, c0);
    out.push_back(make("chunks_swapped", b, "blob.chunk_auth_failed"));
  }
  out.push_back(make("missing_final_chunk", blob.substr(0, kHeaderSize + 2 * kSealedChunkSize),
                     "blob.missing_final_chunk"));
  out.push_back(make("data_after_final_chunk", blob2 + std::string(1, '\x00'), "blob.trailing_data"));
  {
    TestVector v = make("wrong_key", blob, "blob.header_auth_failed");
    v.key_hex = HexEncode(other_key_bytes, 32);
    out.push_back(v);
  }
  {
    TestVector v = make("wrong_document_id", blob, "blob.document_mismatch");
    v.document_id_hex[0] = v.document_id_hex[0] == '0' ? '1' : '0';
    out.push_back(v);
  }
  {
    TestVector v = make("wrong_version", blob, "blob.document_mismatch");
    v.version = 2;
    out.push_back(v);
  }
  return out;
}

std::string Manifest(const std::vector<TestVector>& vectors) {
  std::string m =
      "# blob format v1 test vectors: name key_hex document_id_hex version expect plaintext_sha256\n"
      "# generated by tests/vectors/generate_vectors; see docs/format-v1.md\n";
  for (const auto& v : vectors) {
    m += v.name + " " + v.key_hex + " " + v.document_id_hex + " " + std::to_string(v.version) + " " +
         v.expect + " " + (v.plaintext_sha256.empty() ? "-" : v.plaintext_sha256) + "\n";
  }
  return m;
}

}  // namespace vault::testing
