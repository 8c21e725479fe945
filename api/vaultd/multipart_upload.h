// MultipartUpload: reads an upload (multipart/form-data with an optional
// "metadata" part first and one "file" part) and hands the file part to a
// callback as a ByteSource while it arrives, so the file streams straight
// into the vault's sealing pipeline and nothing is buffered on disk.
//
// A body that ends early (fewer bytes than Content-Length, or before the
// file part's closing boundary), breaks the multipart framing or exceeds
// the size limit makes the callback's source fail, so the ingest aborts and
// removes its blob: nothing partial is stored. Errors are stable codes:
// request.bad_content_type, upload.length_required, upload.too_large,
// request.bad_multipart, request.bad_filename, request.truncated,
// upload.truncated, upload.empty, upload.unknown_part,
// upload.multiple_files, upload.missing_metadata, upload.missing_file.
//
// Needs no connection: the handlers (handlers_upload.cc) pass the request
// head and its body stream, tests/fuzz/multipart_fuzzer.cc a string.
// Thread-compatible: one upload per object.
#pragma once

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>

#include <cstdint>
#include <functional>
#include <istream>
#include <string>

#include "vault/base/byte_stream.h"
#include "vault/base/status.h"

namespace vaultd {

// What the caller does with the file part, once the metadata part is read:
// store it. `metadata_json` is "" when no metadata part came.
using StoreFile = std::function<vault::Status(const std::string& metadata_json, const std::string& filename,
                                              vault::ByteSource& content)>;

class CountingBuf;

class MultipartUpload : public Poco::Net::PartHandler {
 public:
  // `max_upload_bytes` bounds the file part (ServerOptions::max_upload_bytes).
  MultipartUpload(bool metadata_required, int64_t max_upload_bytes, StoreFile store);

  // What the head must say before any of the body is read: multipart/
  // form-data, a Content-Length, not chunked, not over the limit.
  vault::Status CheckHead(const Poco::Net::HTTPRequest& req) const;
  // Reads `body` (after CheckHead passed); the outcome is what to answer.
  vault::Status Read(const Poco::Net::HTTPRequest& req, std::istream& body);

  // SHA-256 of the stored file part (after a successful Read).
  const std::string& sha256() const { return sha256_; }
  // Parts after the stored file that were ignored (for the audit detail).
  int ignored_parts() const { return ignored_parts_; }

  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override;

 private:
  vault::Status HandleFile(const Poco::Net::MessageHeader& header, std::istream& stream);

  bool metadata_required_;
  int64_t max_upload_bytes_;
  StoreFile store_;
  Poco::Net::HTMLForm form_;
  const CountingBuf* counter_ = nullptr;
  int64_t announced_ = 0;
  vault::Status outcome_;
  bool seen_file_ = false;
  bool stored_ = false;
  int ignored_parts_ = 0;
  std::string sha256_;
};

}  // namespace vaultd
