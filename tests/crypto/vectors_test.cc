// Runs every committed blob-format test vector (tests/vectors/) and checks
// that the committed files still equal what the implementation generates.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/vector_builder.h"
#include "vault/base/hex.h"
#include "vault/crypto/blob_stream.h"
#include "vault/storage/memory_blob_store.h"

#ifndef VAULT_VECTORS_DIR
#error "VAULT_VECTORS_DIR must point at tests/vectors"
#endif

namespace vault {
namespace {

using testing::IsOk;
using testing::StatusIs;

struct ManifestLine {
  std::string name, key_hex, doc_hex, expect, sha;
  uint32_t version = 0;
};

std::vector<ManifestLine> ReadManifest() {
  std::ifstream in(std::string(VAULT_VECTORS_DIR) + "/vectors.txt");
  std::vector<ManifestLine> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    ManifestLine m;
    f >> m.name >> m.key_hex >> m.doc_hex >> m.version >> m.expect >> m.sha;
    out.push_back(m);
  }
  return out;
}

TEST(VectorsTest, ManifestCoversEveryRequiredFailureMode) {
  std::set<std::string> names;
  for (const auto& m : ReadManifest()) names.insert(m.name);
  for (const char* required : {"valid", "truncated_header", "flipped_header_byte", "flipped_chunk_byte",
                               "chunks_swapped", "missing_final_chunk", "data_after_final_chunk",
                               "wrong_key", "wrong_document_id", "bad_magic", "unsupported_version",
                               "unsupported_algorithm", "truncated_chunk", "empty_final_chunk"}) {
    EXPECT_TRUE(names.count(required)) << "missing vector " << required;
  }
}

TEST(VectorsTest, EveryVectorFailsWithTheErrorItNames) {
  auto manifest = ReadManifest();
  ASSERT_GE(manifest.size(), 9u);
  for (const auto& m : manifest) {
    SCOPED_TRACE(m.name);
    std::string blob = testing::ReadFile(std::string(VAULT_VECTORS_DIR) + "/" + m.name + ".blob");
    auto key_bytes = HexDecode(m.key_hex);
    auto doc_bytes = HexDecode(m.doc_hex);
    ASSERT_TRUE(key_bytes && key_bytes->size() == 32);
    ASSERT_TRUE(doc_bytes && doc_bytes->size() == 16);
    SecretKey key = SecretKey::FromBytes(key_bytes->data());
    BlobBinding b;
    std::copy(doc_bytes->begin(), doc_bytes->end(), b.document_id.begin());
    b.version = m.version;
    MemoryBlobStore store;
    store.Put("v", blob);
    auto reader = store.Open("v");
    StringSink sink;
    OpenOptions opts;
    opts.compute_sha256 = true;
    auto r = OpenStream(key, b, **reader, &sink, opts);
    if (m.expect == "ok") {
      ASSERT_THAT(r, IsOk());
      EXPECT_EQ(HexEncode(r->sha256.data(), 32), m.sha);
    } else {
      EXPECT_THAT(r, StatusIs(StatusCode::kDataLoss, m.expect));
    }
  }
}

TEST(VectorsTest, CommittedVectorsMatchTheGenerator) {
  auto vectors = testing::BuildVectors();
  EXPECT_EQ(testing::ReadFile(std::string(VAULT_VECTORS_DIR) + "/vectors.txt"), testing::Manifest(vectors));
  for (const auto& v : vectors) {
    EXPECT_EQ(testing::ReadFile(std::string(VAULT_VECTORS_DIR) + "/" + v.name + ".blob"), v.blob)
        << v.name << ": regenerate with build/generate_vectors tests/vectors";
  }
}

}  // namespace
}  // namespace vault
