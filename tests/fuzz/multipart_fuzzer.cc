// libFuzzer target for the upload parser (api/vaultd/multipart_upload.h):
// the input's first line is the Content-Type the client sent (with its
// boundary), the rest the body, announced with its exact length. The file
// part is read to its end as an ingest would, the metadata part through
// ParseDocumentMetadata. An upload or a Status, never a crash.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "api/vaultd/document_metadata.h"
#include "api/vaultd/multipart_upload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t eol = input.find('\n');
  if (eol == std::string::npos || eol > 512) return 0;
  const std::string body = input.substr(eol + 1);
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, "/api/v1/documents", Poco::Net::HTTPMessage::HTTP_1_1);
  try {
    req.setContentType(input.substr(0, eol));
  } catch (const Poco::Exception&) {
    return 0;
  }
  req.setContentLength64(static_cast<Poco::Int64>(body.size()));
  const bool metadata_required = size % 2 == 0;
  vaultd::MultipartUpload upload(metadata_required, /*max_upload_bytes=*/1 << 20,
                                 [](const std::string& json, const std::string&, vault::ByteSource& content) {
    if (!json.empty()) {
      vault::DocumentMetadata meta;
      (void)vaultd::ParseDocumentMetadata(json, &meta);
    }
    uint8_t buf[4096];
    for (;;) {
      auto n = content.Read(buf, sizeof buf);
      if (!n.ok()) return n.status();
      if (*n == 0) return vault::Status::Ok();
    }
  });
  if (!upload.CheckHead(req).ok()) return 0;
  std::istringstream in(body);
  (void)upload.Read(req, in);
  return 0;
}
