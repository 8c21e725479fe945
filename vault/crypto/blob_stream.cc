#include "vault/crypto/blob_stream.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "vault/base/channel.h"

namespace vault {
namespace {

using blob_format::kChunkSize;
using blob_format::kSealedChunkSize;
using blob_format::kTagSize;

constexpr size_t kChunksPerBatch = 16;  // 1 MiB of plaintext per batch when sealing
// Opening uses small batches: the sink (usually a write() into the page
// cache) copies from buffers that are still hot in L2, which halves the
// kernel's copy time here (docs/benchmarks.md).
constexpr size_t kOpenChunksPerBatch = 2;
constexpr size_t kBatchPlain = kChunksPerBatch * kChunkSize;
constexpr size_t kBatchSealed = kChunksPerBatch * kSealedChunkSize;
constexpr size_t kBuffers = 4;

// A buffer allocated without zero-filling: small documents should not pay
// for clearing megabytes they never use.
struct RawBuffer {
  explicit RawBuffer(size_t n) : ptr(new uint8_t[n]), cap(n) {}
  uint8_t* data() { return ptr.get(); }
  size_t size() const { return cap; }
  std::unique_ptr<uint8_t[]> ptr;
  size_t cap;
};

// Plaintext buffers: everything ever written into them is wiped before
// they are freed (callers raise `used` to the high-water mark).
struct WipedBuffer {
  explicit WipedBuffer(size_t n) : bytes(n) {}
  ~WipedBuffer() { sodium_memzero(bytes.data(), used); }
  void Touch(size_t n) { used = std::max(used, n); }
  RawBuffer bytes;
  size_t len = 0;
  size_t used = 0;
};

// Fills `buf` from `source` until full or end of input.
StatusOr<size_t> ReadFull(ByteSource& source, uint8_t* buf, size_t cap) {
  size_t got = 0;
  while (got < cap) {
    VAULT_ASSIGN_OR_RETURN(size_t n, source.Read(buf + got, cap - got));
    if (n == 0) break;
    got += n;
  }
  return got;
}

}  // namespace

StatusOr<SealResult> SealStream(const BlobSealer& sealer, ByteSource& source, BlobWriter& writer) {
  SealResult result;
  VAULT_RETURN_IF_ERROR(writer.Append(sealer.header().data(), sealer.header().size()));
  result.blob_size = sealer.header().size();

  std::vector<std::unique_ptr<WipedBuffer>> plain;
  std::vector<RawBuffer> sealed;
  std::vector<std::atomic<int>> plain_refs(kBuffers);
  Channel<size_t> free_plain, free_sealed, to_hash, to_write_idx;
  Channel<size_t> write_len;
  for (size_t i = 0; i < kBuffers; ++i) {
    plain.push_back(std::make_unique<WipedBuffer>(kBatchPlain));
    sealed.emplace_back(kBatchSealed);
    free_plain.Push(i);
    free_sealed.Push(i);
  }
  auto release_plain = [&](size_t i) {
    if (plain_refs[i].fetch_sub(1) == 1) free_plain.Push(i);
  };

  Sha256 sha;
  std::thread hasher([&] {
    while (auto i = to_hash.Pop()) {
      sha.Update(plain[*i]->bytes.data(), plain[*i]->len);
      release_plain(*i);
    }
  });
  Status write_status;
  std::atomic<bool> write_failed{false};
  std::thread writer_thread([&] {
    while (auto i = to_write_idx.Pop()) {
      auto len = write_len.Pop();
      if (!write_failed.load()) {
        Status s = writer.Append(sealed[*i].data(), *len);
        if (!s.ok()) {
          write_status = s;
          write_failed.store(true);
        }
      }
      free_sealed.Push(*i);
    }
  });

  Status status;
  uint64_t chunk_index = 0;
  // Read one batch ahead so the last chunk can be flagged final.
  size_t cur = *free_plain.Pop();
  plain[cur]->Touch(kBatchPlain);  // the source may have written anywhere
  auto got = ReadFull(source, plain[cur]->bytes.data(), kBatchPlain);
  if (!got.ok()) status = got.status();
  plain[cur]->len = got.ok() ? *got : 0;
  while (status.ok() && !write_failed.load()) {
    size_t next = *free_plain.Pop();
    plain[next]->len = 0;
    if (plain[cur]->len == kBatchPlain) {
      plain[next]->Touch(kBatchPlain);
      auto n = ReadFull(source, plain[next]->bytes.data(), kBatchPlain);
      if (!n.ok()) {
        status = n.status();
        free_plain.Push(next);
        free_plain.Push(cur);
        break;
      }
      plain[next]->len = *n;
    }
    bool last_batch = plain[next]->len == 0;
    plain_refs[cur].store(2);
    to_hash.Push(cur);

    size_t s_idx = *free_sealed.Pop();
    const uint8_t* in = plain[cur]->bytes.data();
    size_t remaining = plain[cur]->len;
    uint8_t* out = sealed[s_idx].data();
    size_t out_len = 0;
    do {
      size_t n = remaining < kChunkSize ? remaining : kChunkSize;
      bool final = last_batch && n == remaining;
      sealer.SealChunk(chunk_index++, final, in, n, out + out_len);
      in += n;
      remaining -= n;
      out_len += n + kTagSize;
    } while (remaining > 0);
    result.plaintext_size += plain[cur]->len;
    result.blob_size += out_len;
    to_write_idx.Push(s_idx);
    write_len.Push(out_len);
    release_plain(cur);
    if (last_batch) {
      free_plain.Push(next);
      break;
    }
    cur = next;
  }
  to_hash.Close();
  to_write_idx.Close();
  write_len.Close();
  hasher.join();
  writer_thread.join();
  if (!status.ok()) return status;
  if (!write_status.ok()) return write_status;
  result.sha256 = sha.Final();
  return result;
}

StatusOr<OpenResult> OpenStream(const SecretKey& data_key, const BlobBinding& expected,
                                BlobReader& reader, ByteSink* sink, const OpenOptions& options) {
  uint8_t header[blob_format::kHeaderSize];
  uint64_t size = reader.Size();
  if (size < sizeof header) {
    return DataLossError("blob.truncated_header", "blob is shorter than its 80-byte header");
  }
  VAULT_RETURN_IF_ERROR(reader.ReadAt(0, header, sizeof header));
  VAULT_ASSIGN_OR_RETURN(BlobOpener opener,
                         BlobOpener::Open(data_key, header, sizeof header, expected));
  VAULT_ASSIGN_OR_RETURN(BlobLayout layout, LayoutForBlobSize(size));

  // One thread, small buffers: read, authenticate and hand over a couple of
  // chunks at a time while they are hot in this core's cache. With the
  // chunk AEAD at ~4 GB/s a second thread buys nothing and the cross-core
  // copies it causes cost more (docs/benchmarks.md).
  const uint64_t per_batch = std::min<uint64_t>(kOpenChunksPerBatch, layout.chunk_count);
  WipedBuffer plain(static_cast<size_t>(per_batch) * kChunkSize);
  plain.Touch(plain.bytes.size());
  RawBuffer sealed(static_cast<size_t>(per_batch) * kSealedChunkSize);
  OpenResult result;
  Sha256 sha;
  for (uint64_t index = 0; index < layout.chunk_count;) {
    uint64_t count = std::min<uint64_t>(per_batch, layout.chunk_count - index);
    uint64_t sealed_len = 0;
    for (uint64_t i = index; i < index + count; ++i) sealed_len += layout.SealedSize(i);
    VAULT_RETURN_IF_ERROR(reader.ReadAt(layout.Offset(index), sealed.data(), sealed_len));
    size_t in_off = 0, out_off = 0;
    for (uint64_t i = index; i < index + count; ++i) {
      size_t n = layout.SealedSize(i);
      const uint8_t* in = sealed.data() + in_off;
      bool last = i + 1 == layout.chunk_count;
      Status s;
      if (n < kTagSize) {
        s = DataLossError("blob.truncated_chunk", "last chunk is shorter than its tag");
      } else if (last && n == kTagSize && i > 0) {
        s = DataLossError("blob.empty_final_chunk",
                          "an empty final chunk is only allowed for empty content");
      } else {
        s = opener.OpenChunk(i, last, in, n, plain.bytes.data() + out_off);
        if (!s.ok() && last && opener.OpensAsNonFinal(i, in, n)) {
          s = DataLossError("blob.missing_final_chunk",
                            "blob ends without its final chunk (truncated)");
        } else if (!s.ok() && !last && opener.OpensAsFinal(i, in, n)) {
          s = DataLossError("blob.trailing_data", "data follows the final chunk");
        }
      }
      if (!s.ok()) {
        sodium_memzero(plain.bytes.data(), plain.bytes.size());
        return s;
      }
      in_off += n;
      out_off += n - kTagSize;
    }
    if (options.compute_sha256) sha.Update(plain.bytes.data(), out_off);
    if (sink != nullptr) VAULT_RETURN_IF_ERROR(sink->Write(plain.bytes.data(), out_off));
    result.plaintext_size += out_off;
    index += count;
  }
  if (options.compute_sha256) result.sha256 = sha.Final();
  return result;
}

}  // namespace vault
