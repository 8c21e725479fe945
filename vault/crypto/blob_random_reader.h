// BlobRandomReader: a blob's plaintext, readable at any offset.
//
// Opening checks the header (format checks 1 to 7, docs/format-v1.md) and
// authenticates the final chunk, which fixes the plaintext size and detects
// truncation before any byte is released. After that, each read
// authenticates and decrypts only the chunks it touches (format v1 chunks
// open independently); a few recently used chunks are kept, so sequential
// and nearby reads do not decrypt twice. Memory stays at a few chunks
// whatever the content size, and nothing is written anywhere.
//
// A failed chunk makes the reader fail every later read with the same
// error (sticky), so a consumer that swallows one error (a PDF parser
// trying to recover a damaged file) cannot carry on with partial content:
// callers check error() when they are done.
//
// Plaintext in the cache is wiped when evicted and when the reader is
// destroyed. Not thread-safe: one consumer at a time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "vault/base/random_access.h"
#include "vault/crypto/blob_format.h"
#include "vault/storage/blob_store.h"

namespace vault {

class BlobRandomReader : public RandomAccessSource {
 public:
  // The blob.* errors of the format's checks, or the store's read errors.
  static StatusOr<std::unique_ptr<BlobRandomReader>> Open(const SecretKey& data_key, const BlobBinding& expected,
                                                          std::unique_ptr<BlobReader> blob);
  ~BlobRandomReader() override;
  BlobRandomReader(const BlobRandomReader&) = delete;
  BlobRandomReader& operator=(const BlobRandomReader&) = delete;

  uint64_t Size() const override { return plaintext_size_; }
  Status ReadAt(uint64_t offset, uint8_t* buf, size_t len) override;

  // The first failure of any read (Ok if none).
  const Status& error() const { return error_; }
  // How many chunk decryptions reads have cost (for tests and benchmarks).
  uint64_t chunks_opened() const { return chunks_opened_; }

 private:
  static constexpr size_t kCacheSlots = 4;
  struct Slot {
    uint64_t index = UINT64_MAX;
    size_t len = 0;
    uint64_t used = 0;  // last-use tick, for eviction
    std::unique_ptr<uint8_t[]> plain;
  };
  BlobRandomReader(BlobOpener opener, std::unique_ptr<BlobReader> blob, BlobLayout layout);
  // The slot holding chunk `index`, authenticated and decrypted.
  StatusOr<Slot*> Chunk(uint64_t index);
  Status OpenInto(uint64_t index, Slot& slot);

  BlobOpener opener_;
  std::unique_ptr<BlobReader> blob_;
  BlobLayout layout_;
  uint64_t plaintext_size_ = 0;
  std::array<Slot, kCacheSlots> slots_;
  std::vector<uint8_t> sealed_;
  uint64_t tick_ = 0;
  uint64_t chunks_opened_ = 0;
  Status error_;
};

}  // namespace vault
