// Builds the blob-format test vectors (tests/vectors/) deterministically.
//
// Shared by the generator program and by the test that checks the committed
// vectors still match what the implementation produces.
#pragma once

#include <string>
#include <vector>

namespace vault::testing {

struct TestVector {
  std::string name;             // file name without .blob
  std::string key_hex;          // data key the reader uses
  std::string document_id_hex;  // what the reader expects
  uint32_t version = 1;
  std::string expect;           // "ok" or the error reason
  std::string plaintext_sha256; // for "ok"
  std::string blob;             // bytes
};

std::vector<TestVector> BuildVectors();
// One manifest line per vector: name key doc version expect sha256
std::string Manifest(const std::vector<TestVector>& vectors);

}  // namespace vault::testing
