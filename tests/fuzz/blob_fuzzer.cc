// libFuzzer target for the blob format reader (docs/format-v1.md): arbitrary
// bytes as a stored blob, opened with the test vectors' key and binding
// (tests/vectors seed the corpus), both as a stream (OpenStream: header,
// every chunk, the final flag, trailing data) and at random offsets
// (BlobRandomReader, which the export reads through). A plaintext or a
// blob.* Status, never a crash.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "vault/crypto/blob_random_reader.h"
#include "vault/crypto/blob_stream.h"
#include "vault/crypto/secret_key.h"

namespace {

class BytesBlob : public vault::BlobReader {
 public:
  explicit BytesBlob(std::string bytes) : bytes_(std::move(bytes)) {}
  uint64_t Size() const override { return bytes_.size(); }
  vault::Status ReadAt(uint64_t offset, uint8_t* buf, size_t len) override {
    if (offset > bytes_.size() || len > bytes_.size() - offset) {
      return vault::DataLossError("blob.short_read", "read past the end");
    }
    std::memcpy(buf, bytes_.data() + offset, len);
    return vault::Status::Ok();
  }

 private:
  std::string bytes_;
};

class DiscardSink : public vault::ByteSink {
 public:
  vault::Status Write(const uint8_t*, size_t) override { return vault::Status::Ok(); }
};

// The key and binding of tests/vectors/vectors.txt.
const vault::SecretKey& Key() {
  static const vault::SecretKey key = [] {
    std::vector<uint8_t> k(32);
    for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(i);
    return vault::SecretKey::FromBytes(k.data());
  }();
  return key;
}

vault::BlobBinding Binding() {
  vault::BlobBinding b;
  for (size_t i = 0; i < b.document_id.size(); ++i) b.document_id[i] = static_cast<uint8_t>(0x10 + i);
  b.version = 1;
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  BytesBlob stream_blob(bytes);
  DiscardSink sink;
  vault::OpenOptions options;
  options.compute_sha256 = true;
  (void)vault::OpenStream(Key(), Binding(), stream_blob, &sink, options);
  auto reader = vault::BlobRandomReader::Open(Key(), Binding(), std::make_unique<BytesBlob>(bytes));
  if (!reader.ok()) return 0;
  const uint64_t plain = (*reader)->Size();
  uint8_t buf[512];
  for (uint64_t at : {uint64_t{0}, plain / 2, plain > 100 ? plain - 100 : 0}) {
    const size_t len = static_cast<size_t>(std::min<uint64_t>(sizeof buf, plain - std::min(plain, at)));
    (void)(*reader)->ReadAt(at, buf, len);
  }
  (void)(*reader)->ReadAt(plain, buf, 1);  // past the end: a Status
  return 0;
}
