#include "vault/crypto/blob_random_reader.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace vault {

using blob_format::kChunkSize;
using blob_format::kHeaderSize;
using blob_format::kTagSize;

StatusOr<std::unique_ptr<BlobRandomReader>> BlobRandomReader::Open(const SecretKey& data_key,
                                                                   const BlobBinding& expected,
                                                                   std::unique_ptr<BlobReader> blob) {
  const uint64_t size = blob->Size();
  if (size < kHeaderSize) {
    return DataLossError("blob.truncated_header", "blob is shorter than its 80-byte header");
  }
  uint8_t header[kHeaderSize];
  VAULT_RETURN_IF_ERROR(blob->ReadAt(0, header, sizeof header));
  VAULT_ASSIGN_OR_RETURN(BlobOpener opener, BlobOpener::Open(data_key, header, sizeof header, expected));
  VAULT_ASSIGN_OR_RETURN(BlobLayout layout, LayoutForBlobSize(size));
  std::unique_ptr<BlobRandomReader> reader(new BlobRandomReader(std::move(opener), std::move(blob), layout));
  // The final chunk settles the size and catches truncation up front.
  const uint64_t last = layout.chunk_count - 1;
  VAULT_ASSIGN_OR_RETURN(Slot * slot, reader->Chunk(last));
  reader->plaintext_size_ = last * kChunkSize + slot->len;
  return reader;
}

BlobRandomReader::BlobRandomReader(BlobOpener opener, std::unique_ptr<BlobReader> blob, BlobLayout layout)
    : opener_(std::move(opener)), blob_(std::move(blob)), layout_(layout), sealed_(blob_format::kSealedChunkSize) {
  for (Slot& s : slots_) s.plain.reset(new uint8_t[kChunkSize]);
}

BlobRandomReader::~BlobRandomReader() {
  for (Slot& s : slots_) sodium_memzero(s.plain.get(), kChunkSize);
}

Status BlobRandomReader::OpenInto(uint64_t index, Slot& slot) {
  const size_t n = static_cast<size_t>(layout_.SealedSize(index));
  const bool last = index + 1 == layout_.chunk_count;
  // The same checks, in the same order, as the sequential reader (8a-8c).
  if (n < kTagSize) return DataLossError("blob.truncated_chunk", "last chunk is shorter than its tag");
  if (last && n == kTagSize && index > 0) {
    return DataLossError("blob.empty_final_chunk", "an empty final chunk is only allowed for empty content");
  }
  VAULT_RETURN_IF_ERROR(blob_->ReadAt(layout_.Offset(index), sealed_.data(), n));
  ++chunks_opened_;
  Status s = opener_.OpenChunk(index, last, sealed_.data(), n, slot.plain.get());
  if (s.ok()) {
    slot.index = index;
    slot.len = n - kTagSize;
    return s;
  }
  slot.index = UINT64_MAX;
  if (last && opener_.OpensAsNonFinal(index, sealed_.data(), n)) {
    return DataLossError("blob.missing_final_chunk", "blob ends without its final chunk (truncated)");
  }
  if (!last && opener_.OpensAsFinal(index, sealed_.data(), n)) {
    return DataLossError("blob.trailing_data", "data follows the final chunk");
  }
  return s;
}

StatusOr<BlobRandomReader::Slot*> BlobRandomReader::Chunk(uint64_t index) {
  if (!error_.ok()) return error_;
  Slot* victim = &slots_[0];
  for (Slot& s : slots_) {
    if (s.index == index) {
      s.used = ++tick_;
      return &s;
    }
    if (s.used < victim->used) victim = &s;
  }
  sodium_memzero(victim->plain.get(), victim->len);
  victim->len = 0;
  Status s = OpenInto(index, *victim);
  if (!s.ok()) {
    error_ = s;
    return s;
  }
  victim->used = ++tick_;
  return victim;
}

Status BlobRandomReader::ReadAt(uint64_t offset, uint8_t* buf, size_t len) {
  if (!error_.ok()) return error_;
  if (offset > plaintext_size_ || len > plaintext_size_ - offset) {
    return InvalidArgumentError("io.out_of_range", "read past the end of the content");
  }
  while (len > 0) {
    const uint64_t index = offset / kChunkSize;
    const size_t within = static_cast<size_t>(offset % kChunkSize);
    VAULT_ASSIGN_OR_RETURN(Slot * slot, Chunk(index));
    if (within >= slot->len) {
      error_ = DataLossError("blob.size_mismatch", "a chunk is shorter than the layout says");
      return error_;
    }
    const size_t n = std::min(len, slot->len - within);
    std::memcpy(buf, slot->plain.get() + within, n);
    buf += n;
    offset += n;
    len -= n;
  }
  return Status::Ok();
}

}  // namespace vault
