// Uploads: POST /api/v1/documents (a new document) and
// POST /api/v1/documents/{id}/versions (a new version of one).
//
// multipart/form-data with a "metadata" part (JSON) first and a "file" part.
// The file streams straight into the vault's sealing pipeline; nothing is
// buffered on disk in clear. A body that ends early, breaks the multipart
// framing or exceeds the size limit aborts the ingest, which removes its
// blob: nothing partial is stored.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <streambuf>

#include "api/common/json_output.h"
#include "api/vaultd/document_metadata.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "vault/base/hex.h"
#include "vault/crypto/sha256.h"
#include "vault/documents/field_dictionary.h"

namespace vaultd {

using vault::Status;
using vault::StatusCode;

namespace {

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

// What the caller does with the file part, once the metadata part is read:
// store it.
using StoreFile = std::function<Status(const std::string& metadata_json, const std::string& filename,
                                       vault::ByteSource& content)>;

// Reads a multipart upload and hands its one "file" part to `store`.
class MultipartUpload : public Poco::Net::PartHandler {
 public:
  MultipartUpload(Exchange& ex, bool metadata_required, StoreFile store)
      : ex_(ex), metadata_required_(metadata_required), store_(std::move(store)) {}

  // SHA-256 of the stored file part (after a successful Run).
  const std::string& sha256() const { return sha256_; }
  // Parts after the stored file that were ignored (for the audit detail).
  int ignored_parts() const { return ignored_parts_; }

  // Runs the whole upload; the outcome is what to answer. The connection is
  // closed afterwards (the body may not have been read to its end).
  Status Run() {
    ex_.req().response().setKeepAlive(false);
    auto& req = ex_.req();
    if (req.getContentType().rfind("multipart/form-data", 0) != 0) {
      return vault::InvalidArgumentError("request.bad_content_type",
                                         "send multipart/form-data with parts 'metadata' and 'file'");
    }
    if (!req.hasContentLength() || req.getChunkedTransferEncoding()) {
      // Without a length a truncated body cannot be told from a complete one.
      return vault::InvalidArgumentError("upload.length_required", "uploads need a Content-Length");
    }
    if (req.getContentLength64() > ex_.ctx().options->max_upload_bytes + 65536) {
      return vault::ResourceExhaustedError("upload.too_large", "the upload exceeds the size limit");
    }
    VAULT_RETURN_IF_ERROR(ex_.TakeLargeBodySlot());
    CountingBuf counter(ex_.Body());
    std::istream body(&counter);
    counter_ = &counter;
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

  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    if (stored_) {
      // The file is stored: a later part neither undoes nor duplicates it.
      ++ignored_parts_;
      return;
    }
    if (!outcome_.ok()) return;
    outcome_ = HandleFile(header, stream);
  }

 private:
  Status HandleFile(const Poco::Net::MessageHeader& header, std::istream& stream) {
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
    const int64_t announced = ex_.req().getContentLength64();
    CountingBuf* counter = counter_;
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
    LimitedStreamSource source(stream, std::move(first), ex_.ctx().options->max_upload_bytes, ended_early);
    Status s = store_(form_.get("metadata", ""), filename, source);
    if (s.ok()) {
      stored_ = true;
      sha256_ = source.HexDigest();
    }
    return s;
  }

  Exchange& ex_;
  bool metadata_required_;
  StoreFile store_;
  Poco::Net::HTMLForm form_;
  CountingBuf* counter_ = nullptr;
  Status outcome_;
  bool seen_file_ = false;
  bool stored_ = false;
  int ignored_parts_ = 0;
  std::string sha256_;
};

Poco::JSON::Object::Ptr ParseJsonObject(const std::string& json, Status* error) {
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(json);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    *error = vault::InvalidArgumentError("request.bad_json", "metadata must be a JSON object");
  } catch (const Poco::Exception&) {
    *error = vault::InvalidArgumentError("request.bad_json", "metadata is not valid JSON");
  }
  return nullptr;
}

std::string IgnoredDetail(const MultipartUpload& upload) {
  if (upload.ignored_parts() == 0) return "";
  return "ignored " + std::to_string(upload.ignored_parts()) + " part(s) after the stored file";
}

}  // namespace

void HandleCreateDocument(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("document.create", "*")) return;
  std::string object = "*";
  vault::DocumentRecord stored;
  std::vector<vault::FieldError> field_errors;
  MultipartUpload upload(ex, /*metadata_required=*/true,
                         [&](const std::string& json, const std::string& filename, vault::ByteSource& content) {
    vault::IngestRequest r;
    VAULT_RETURN_IF_ERROR(ParseDocumentMetadata(json, &r.meta));
    // The dictionary's errors, field by field (Ingest checks again).
    field_errors = ex.vault().dictionary().Check(r.meta);
    if (!field_errors.empty()) return FieldErrorsStatus(field_errors);
    r.filename = filename;
    r.actor = ex.subject().username;
    object = r.meta.customer_number + "/" + r.meta.doc_type;
    vault::Resource res{r.meta.department, r.meta.classification.empty() ? "internal" : r.meta.classification,
                        r.meta.customer_number};
    vault::Decision d = ex.ctx().policy->Decide(ex.subject(), "document.create", res, ex.ctx().clock->Now());
    if (!d.allowed) return Status(StatusCode::kPermissionDenied, "access.denied", "not allowed: " + d.reason);
    auto doc = ex.vault().Ingest(std::move(r), content);
    if (!doc.ok()) return doc.status();
    stored = *doc;
    return Status::Ok();
  });
  Status outcome = upload.Run();
  ex.Audit("document.create", stored.archive_number.empty() ? object : stored.archive_number, outcome,
           IgnoredDetail(upload));
  if (!field_errors.empty() && outcome.reason() == "field.invalid") return SendFieldErrors(ex, outcome, field_errors);
  if (!outcome.ok()) return ex.Error(outcome);
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", stored.id);
  o->set("archive_number", stored.archive_number);
  o->set("version", static_cast<Poco::UInt64>(stored.current_version));
  o->set("sha256", upload.sha256());
  ex.SendObject(201, o);
}

// A new version of an existing document: optional "metadata" part
// {"reason": "..."} and the "file" part.
void HandleAddVersion(Exchange& ex, const PathParams& p) {
  vault::DocumentRecord d;
  if (!ex.LoadDocument(p[0], "document.version", &d)) return;
  vault::VersionRecord added;
  vault::FieldError reason_error;
  MultipartUpload upload(ex, /*metadata_required=*/false,
                         [&](const std::string& json, const std::string& filename, vault::ByteSource& content) {
    std::string reason;
    if (!json.empty()) {
      Status error;
      Poco::JSON::Object::Ptr obj = ParseJsonObject(json, &error);
      if (!obj) return error;
      VAULT_RETURN_IF_ERROR(Exchange::StringFields(obj, {{"reason", &reason}}));
    }
    if (reason.empty()) {
      reason_error = vault::FieldError{"reason", "required"};
    } else if (!vault::FieldDictionary::IsValidUtf8(reason)) {
      reason_error = vault::FieldError{"reason", "bad_utf8"};
    } else if (vault::FieldDictionary::CountChars(reason) > 500) {
      reason_error = vault::FieldError{"reason", "too_long", false, 500};
    }
    if (!reason_error.reason.empty()) return FieldErrorsStatus({reason_error});
    auto v = ex.vault().AddVersion(d.id, reason, ex.subject().username, filename, content);
    if (!v.ok()) return v.status();
    added = *v;
    return Status::Ok();
  });
  Status outcome = upload.Run();
  ex.Audit("document.version", d.archive_number, outcome,
           outcome.ok() ? "version " + std::to_string(added.version) +
                              (upload.ignored_parts() ? "; " + IgnoredDetail(upload) : "")
                        : "");
  if (!reason_error.reason.empty() && outcome.reason() == "field.invalid") {
    return SendFieldErrors(ex, outcome, {reason_error});
  }
  if (!outcome.ok()) return ex.Error(outcome);
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", d.id);
  o->set("archive_number", d.archive_number);
  o->set("version", static_cast<Poco::UInt64>(added.version));
  o->set("sha256", added.sha256);
  o->set("size", static_cast<Poco::Int64>(added.size));
  ex.SendObject(201, o);
}

}  // namespace vaultd
