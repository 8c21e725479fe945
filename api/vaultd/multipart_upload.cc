#include "api/vaultd/multipart_upload.h"

#include <Poco/Net/NameValueCollection.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <streambuf>
#include <utility>

#include "vault/base/hex.h"
#include "vault/crypto/sha256.h"
#include "vault/documents/field_dictionary.h"

namespace vaultd {

using vault::Status;

// Counts the bytes read from the request body under the multipart reader,
// so a part that ends because the body ended early (fewer bytes than
// Content-Length) can be told from a part that ended at its boundary.
class CountingBuf : public std::streambuf {
 public:
  explicit CountingBuf(std::istream& in) : in_(in) {}
  int64_t count() const { return count_; }
  bool ended() const { return ended_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    in_.read(buf_, sizeof buf_);
    std::streamsize n = in_.gcount();
    if (n <= 0) {
      ended_ = true;
      return traits_type::eof();
    }
    count_ += n;
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::istream& in_;
  char buf_[64 * 1024];
  int64_t count_ = 0;
  bool ended_ = false;
};

namespace {

// A ByteSource over the file part that enforces the size limit and turns
// stream errors (a body shorter than announced, a broken multipart) into a
// Status, so the ingest aborts and removes its blob.
class LimitedStreamSource : public vault::ByteSource {
 public:
  // `ended_early`, asked when the part ends, says whether it ended because
  // the request body ran out rather than at a boundary (then the content is
  // incomplete): its error, or Ok.
  LimitedStreamSource(std::istream& in, std::string first, int64_t limit, std::function<Status()> ended_early)
      : in_(in), pending_(std::move(first)), limit_(limit), ended_early_(std::move(ended_early)) {}
  vault::StatusOr<size_t> Read(uint8_t* buf, size_t max) override {
    size_t n = 0;
    if (!pending_.empty()) {
      n = std::min(max, pending_.size());
      std::memcpy(buf, pending_.data(), n);
      pending_.erase(0, n);
    } else {
      try {
        in_.read(reinterpret_cast<char*>(buf), static_cast<std::streamsize>(max));
        n = static_cast<size_t>(in_.gcount());
        if (n == 0 && in_.bad()) {
          return vault::InvalidArgumentError("request.truncated", "the body is shorter than its Content-Length");
        }
        if (n == 0) VAULT_RETURN_IF_ERROR(ended_early_());
      } catch (const std::exception&) {
        return vault::InvalidArgumentError("request.truncated", "the upload ended early or is malformed");
      }
    }
    total_ += static_cast<int64_t>(n);
    if (total_ > limit_) return vault::ResourceExhaustedError("upload.too_large", "the upload exceeds the size limit");
    sha_.Update(buf, n);
    return n;
  }
  // SHA-256 of everything read (call once, after the ingest).
  std::string HexDigest() {
    auto d = sha_.Final();
    return vault::HexEncode(d.data(), d.size());
  }

 private:
  vault::Sha256 sha_;
  std::istream& in_;
  std::string pending_;
  int64_t limit_;
  std::function<Status()> ended_early_;
  int64_t total_ = 0;
};

}  // namespace

MultipartUpload::MultipartUpload(bool metadata_required, int64_t max_upload_bytes, StoreFile store)
    : metadata_required_(metadata_required), max_upload_bytes_(max_upload_bytes), store_(std::move(store)) {}

Status MultipartUpload::CheckHead(const Poco::Net::HTTPRequest& req) const {
  if (req.getContentType().rfind("multipart/form-data", 0) != 0) {
    return vault::InvalidArgumentError("request.bad_content_type",
                                       "send multipart/form-data with parts 'metadata' and 'file'");
  }
  if (!req.hasContentLength() || req.getChunkedTransferEncoding()) {
    // Without a length a truncated body cannot be told from a complete one.
    return vault::InvalidArgumentError("upload.length_required", "uploads need a Content-Length");
  }
  if (req.getContentLength64() > max_upload_bytes_ + 65536) {
    return vault::ResourceExhaustedError("upload.too_large", "the upload exceeds the size limit");
  }
  return Status::Ok();
}

Status MultipartUpload::Read(const Poco::Net::HTTPRequest& req, std::istream& in) {
  CountingBuf counter(in);
  std::istream body(&counter);
  counter_ = &counter;
  announced_ = req.getContentLength64();
  try {
    form_.load(req, body, *this);
  } catch (const std::exception&) {
    // A malformed tail after a complete, stored file part does not undo it.
    if (outcome_.ok() && !stored_) {
      outcome_ = vault::InvalidArgumentError("request.bad_multipart", "the multipart body is malformed or incomplete");
    }
  }
  counter_ = nullptr;
  if (outcome_.ok() && !seen_file_) outcome_ = vault::InvalidArgumentError("upload.missing_file", "no 'file' part");
  return outcome_;
}

void MultipartUpload::handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) {
  if (stored_) {
    // The file is stored: a later part neither undoes nor duplicates it.
    ++ignored_parts_;
    return;
  }
  if (!outcome_.ok()) return;
  outcome_ = HandleFile(header, stream);
}

Status MultipartUpload::HandleFile(const Poco::Net::MessageHeader& header, std::istream& stream) {
  std::string disposition;
  Poco::Net::NameValueCollection params;
  Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, params);
  if (params.get("name", "") != "file") {
    return vault::InvalidArgumentError("upload.unknown_part", "unexpected file part");
  }
  if (seen_file_) return vault::InvalidArgumentError("upload.multiple_files", "send exactly one 'file' part");
  seen_file_ = true;
  if (metadata_required_ && !form_.has("metadata")) {
    return vault::InvalidArgumentError("upload.missing_metadata",
                                       "the 'metadata' part must come before the 'file' part");
  }
  std::string filename = params.get("filename", "");
  size_t slash = filename.find_last_of("/\\");
  if (slash != std::string::npos) filename = filename.substr(slash + 1);
  bool bad_name = filename.size() > 255 || !vault::FieldDictionary::IsValidUtf8(filename) ||
                  std::any_of(filename.begin(), filename.end(),
                              [](unsigned char c) { return c < 0x20 || c == 0x7f; });
  if (bad_name) {
    return vault::InvalidArgumentError("request.bad_filename",
                                       "the file name must be UTF-8 without control characters");
  }
  std::string first(64 * 1024, '\0');
  try {
    stream.read(first.data(), static_cast<std::streamsize>(first.size()));
    first.resize(static_cast<size_t>(stream.gcount()));
  } catch (const std::exception&) {
    return vault::InvalidArgumentError("request.truncated", "the upload ended early");
  }
  if (first.empty()) return vault::InvalidArgumentError("upload.empty", "the file is empty");
  const int64_t announced = announced_;
  const CountingBuf* counter = counter_;
  // Poco's multipart reader ends a part both at its boundary and at the end
  // of the body; only the boundary proves the file complete. A body cut
  // just before its closing boundary has its full Content-Length, so the
  // length alone once let a truncated file be stored as complete.
  auto ended_early = [counter, announced]() -> Status {
    if (!counter || !counter->ended()) return Status::Ok();
    if (counter->count() < announced) {
      return vault::InvalidArgumentError("request.truncated", "the body is shorter than its Content-Length");
    }
    return vault::InvalidArgumentError("upload.truncated",
                                       "the multipart body ended before the closing boundary of the file part");
  };
  LimitedStreamSource source(stream, std::move(first), max_upload_bytes_, ended_early);
  Status s = store_(form_.get("metadata", ""), filename, source);
  if (s.ok()) {
    stored_ = true;
    sha256_ = source.HexDigest();
  }
  return s;
}

}  // namespace vaultd
