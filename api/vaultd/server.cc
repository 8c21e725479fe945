#include "api/vaultd/server.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timer.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <streambuf>
#include <cstring>
#include <sstream>

#include "api/vaultctl/json_output.h"
#include "vault/documents/field_dictionary.h"
#include "vault/base/hex.h"
#include "vault/base/parse.h"
#include "vault/crypto/secret_key.h"

namespace vaultd {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;
using vault::Status;
using vault::StatusCode;

constexpr size_t kMaxJsonBody = 64 * 1024;

struct Ctx {
  vault::LocalVault* vault;
  const vault::PolicyEngine* policy;
  Metrics* metrics;
  const ServerOptions* options;
};

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kResourceExhausted: return 413;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDataLoss: return 500;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}


// Cuts a connection whose response is already under way, so the client sees
// a short body (fewer bytes than Content-Length) rather than a complete-
// looking one.
void AbortConnection(HTTPServerRequest& req) {
  if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req)) {
    try {
      impl->socket().shutdown();
    } catch (const Poco::Exception&) {
      // Already gone.
    }
  }
}

class Exchange;

// Receives the multipart "file" part and streams it into Vault::Ingest.
class UploadHandler : public Poco::Net::PartHandler {
 public:
  UploadHandler(Exchange* ex, Poco::Net::HTMLForm* form) : ex_(ex), form_(form) {}
  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override;

  const Status& outcome() const { return outcome_; }
  void SetOutcome(Status s) { outcome_ = std::move(s); }
  bool seen_file() const { return seen_file_; }
  const vault::DocumentRecord& document() const { return doc_; }
  const std::string& sha256() const { return sha256_; }
  const std::string& object() const { return object_; }
  void MarkFileSeen() { seen_file_ = true; }
  void SetObject(std::string o) { object_ = std::move(o); }
  void SetResult(vault::DocumentRecord d, std::string sha) {
    doc_ = std::move(d);
    sha256_ = std::move(sha);
  }

 private:
  Exchange* ex_;
  Poco::Net::HTMLForm* form_;
  Status outcome_;
  bool seen_file_ = false;
  vault::DocumentRecord doc_;
  std::string sha256_;
  std::string object_ = "*";
};

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

// A ByteSource over an istream that enforces a size limit and turns stream
// errors (a body shorter than announced, a broken multipart) into a Status,
// so the ingest aborts and removes its blob.
class LimitedStreamSource : public vault::ByteSource {
 public:
  // `truncated` tells, when the part ends, whether the request body ended
  // before its announced length (then the content is incomplete).
  LimitedStreamSource(std::istream& in, std::string first, int64_t limit, std::function<bool()> truncated)
      : in_(in), pending_(std::move(first)), limit_(limit), truncated_(std::move(truncated)) {}
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
        if (n == 0 && (in_.bad() || truncated_())) {
          return vault::InvalidArgumentError("request.truncated",
                                             "the body is shorter than its Content-Length");
        }
      } catch (const std::exception&) {
        return vault::InvalidArgumentError("request.truncated", "the upload ended early or is malformed");
      }
    }
    total_ += static_cast<int64_t>(n);
    if (total_ > limit_) return vault::ResourceExhaustedError("upload.too_large", "the upload exceeds the size limit");
    return n;
  }

 private:
  std::istream& in_;
  std::string pending_;
  int64_t limit_;
  std::function<bool()> truncated_;
  int64_t total_ = 0;
};

// One request being served.
class Exchange {
 public:
  Exchange(Ctx& ctx, HTTPServerRequest& req, HTTPServerResponse& resp)
      : ctx_(ctx), req_(req), resp_(resp) {
    uint8_t rnd[8];
    vault::RandomBytes(rnd, sizeof rnd);
    request_id_ = vault::HexEncode(rnd, sizeof rnd);
    client_ = req.clientAddress().host().toString();
  }

  void Serve() {
    ctx_.metrics->requests++;
    resp_.set("X-Request-Id", request_id_);
    if (req_.getChunkedTransferEncoding() && req_.has("Content-Length")) {
      return Error(vault::InvalidArgumentError("request.ambiguous_length",
                                               "send either Content-Length or chunked encoding, not both"));
    }
    try {
      query_ = Poco::URI(req_.getURI()).getQueryParameters();
    } catch (const Poco::Exception&) {
      return Error(vault::InvalidArgumentError("request.bad_query", "the query string is not valid URL encoding"));
    }
    std::string raw_path = req_.getURI().substr(0, req_.getURI().find('?'));
    std::string path;
    try {
      Poco::URI::decode(raw_path, path);
    } catch (const Poco::Exception&) {
      return Error(vault::InvalidArgumentError("request.bad_path", "the path is not valid URL encoding"));
    }
    for (unsigned char c : path) {
      if (c < 0x20 || c == 0x7f) {
        return Error(vault::InvalidArgumentError("request.bad_path", "control characters in the path"));
      }
    }
    segs_ = Segments(path);
    for (const auto& s : segs_) {
      if (s == ".." || s == ".") {
        return Error(vault::InvalidArgumentError("request.bad_path", "'.' and '..' are not allowed in paths"));
      }
    }
    const std::string& m = req_.getMethod();
    auto is = [&](std::initializer_list<const char*> parts) {
      if (parts.size() != segs_.size()) return false;
      size_t i = 0;
      for (const char* p : parts) {
        if (std::string(p) != "*" && segs_[i] != p) return false;
        ++i;
      }
      return true;
    };
    if (m == "GET" && is({"healthz"})) return Healthz();
    if (m == "GET" && is({"metrics"})) return MetricsText();
    if (m == "POST" && is({"api", "v1", "sessions"})) return Login();
    if (m == "DELETE" && is({"api", "v1", "sessions", "current"})) return Logout();
    if (m == "GET" && is({"api", "v1", "documents"})) return ListDocuments();
    if (m == "POST" && is({"api", "v1", "documents"})) return CreateDocument();
    if (m == "GET" && is({"api", "v1", "documents", "*"})) return GetDocument(segs_[3]);
    if (m == "GET" && is({"api", "v1", "documents", "*", "versions"})) return GetVersions(segs_[3]);
    if (m == "GET" && is({"api", "v1", "documents", "*", "content"})) return GetContent(segs_[3]);
    if (m == "GET" && is({"api", "v1", "users"})) return ListUsers();
    if (m == "POST" && is({"api", "v1", "users"})) return CreateUser();
    if (m == "POST" && is({"api", "v1", "users", "*", "disable"})) return SetUserDisabled(segs_[3], true);
    if (m == "POST" && is({"api", "v1", "users", "*", "enable"})) return SetUserDisabled(segs_[3], false);
    if (m == "GET" && is({"api", "v1", "audit"})) return ListAudit();
    if (m == "GET" && is({"api", "v1", "audit", "checkpoints"})) return ListCheckpoints();
    Error(vault::NotFoundError("request.no_route", "no such route: " + m + " " + path));
  }

 public:
  // Called by UploadHandler for each part that carries a filename.
  void HandleFilePart(const Poco::Net::MessageHeader& header, std::istream& stream,
                      Poco::Net::HTMLForm& form, UploadHandler& h) {
    std::string disposition;
    Poco::Net::NameValueCollection params;
    Poco::Net::MessageHeader::splitParameters(header.get("Content-Disposition", ""), disposition, params);
    if (!h.outcome().ok()) return;
    if (params.get("name", "") != "file") {
      return h.SetOutcome(vault::InvalidArgumentError("upload.unknown_part", "unexpected file part"));
    }
    if (h.seen_file()) {
      return h.SetOutcome(vault::InvalidArgumentError("upload.multiple_files", "send exactly one 'file' part"));
    }
    h.MarkFileSeen();
    if (!form.has("metadata")) {
      return h.SetOutcome(vault::InvalidArgumentError(
          "upload.missing_metadata", "the 'metadata' part must come before the 'file' part"));
    }
    vault::IngestRequest r;
    Status st = ParseMetadata(form.get("metadata"), &r);
    if (!st.ok()) return h.SetOutcome(st);
    std::string filename = params.get("filename", "");
    size_t slash = filename.find_last_of("/\\");
    if (slash != std::string::npos) filename = filename.substr(slash + 1);
    bool bad_name = filename.size() > 255 || !vault::FieldDictionary::IsValidUtf8(filename) ||
                    std::any_of(filename.begin(), filename.end(),
                                [](unsigned char c) { return c < 0x20 || c == 0x7f; });
    if (bad_name) {
      return h.SetOutcome(vault::InvalidArgumentError(
          "request.bad_filename", "the file name must be UTF-8 without control characters"));
    }
    r.filename = filename;
    r.actor = subject_.username;
    h.SetObject(r.meta.customer_number + "/" + r.meta.doc_type);
    vault::Resource res{r.meta.department, r.meta.classification.empty() ? "internal" : r.meta.classification,
                        r.meta.customer_number};
    vault::Decision d = ctx_.policy->Decide(subject_, "document.create", res, vault::SystemClock()->Now());
    if (!d.allowed) {
      return h.SetOutcome(Status(StatusCode::kPermissionDenied, "access.denied", "not allowed: " + d.reason));
    }
    std::string first(64 * 1024, '\0');
    try {
      stream.read(first.data(), static_cast<std::streamsize>(first.size()));
      first.resize(static_cast<size_t>(stream.gcount()));
    } catch (const std::exception&) {
      return h.SetOutcome(vault::InvalidArgumentError("request.truncated", "the upload ended early"));
    }
    if (first.empty()) return h.SetOutcome(vault::InvalidArgumentError("upload.empty", "the file is empty"));
    const int64_t announced = req_.getContentLength64();
    CountingBuf* counter = upload_counter_;
    LimitedStreamSource source(stream, std::move(first), ctx_.options->max_upload_bytes,
                               [counter, announced] { return counter && counter->ended() && counter->count() < announced; });
    auto doc = ctx_.vault->vault().Ingest(std::move(r), source);
    if (!doc.ok()) return h.SetOutcome(doc.status());
    auto versions = ctx_.vault->vault().Versions(doc->id);
    if (!versions.ok() || versions->empty()) return h.SetOutcome(versions.status());
    h.SetResult(*doc, versions->back().sha256);
  }

 private:
  void SendJson(int status, const std::string& body) {
    resp_.setStatus(static_cast<HTTPResponse::HTTPStatus>(status));
    resp_.setContentType("application/json; charset=utf-8");
    resp_.setContentLength64(static_cast<Poco::Int64>(body.size()));
    resp_.sendBuffer(body.data(), body.size());
    ctx_.metrics->bytes_sent += static_cast<int64_t>(body.size());
  }

  void SendObject(int status, const Poco::JSON::Object::Ptr& obj) {
    SendJson(status, vaultctl::Stringify(obj));
  }

  void Error(const Status& s) {
    int status = HttpStatusFor(s);
    if (status == 403) ctx_.metrics->denied++;
    if (status >= 500) ctx_.metrics->errors++;
    // A body we did not read would be parsed as the next request on this
    // connection: close it instead.
    if (req_.getChunkedTransferEncoding() || req_.getContentLength64() > 0) resp_.setKeepAlive(false);
    Poco::JSON::Object::Ptr err = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    err->set("code", s.reason());
    // Server-side failures keep their stable code but not their internals
    // (database text, paths); the audit log and the request id tie them up.
    err->set("message", status >= 500 ? "internal error (request " + request_id_ + ")" : s.message());
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object();
    body->set("error", err);
    if (status == 401) resp_.set("WWW-Authenticate", "Bearer");
    SendObject(status, body);
  }

  void Audit(const std::string& action, const std::string& object, const Status& outcome,
             const std::string& detail = "") {
    vault::AuditRecord r;
    r.actor = subject_.username.empty() ? "-" : subject_.username;
    r.role = subject_.role.empty() ? "-" : subject_.role;
    r.action = action;
    r.object = object;
    r.outcome = outcome.ok() ? "ok"
                : (outcome.code() == StatusCode::kPermissionDenied ||
                   outcome.code() == StatusCode::kUnauthenticated)
                    ? "denied"
                    : "error";
    r.client = client_;
    r.request_id = request_id_;
    r.detail = detail.empty() ? (outcome.ok() ? "" : outcome.reason()) : detail;
    (void)ctx_.vault->audit().Append(r);
  }

  // Fills subject_ from the bearer token; on failure answers and audits.
  bool Authenticate(const std::string& action, const std::string& object) {
    std::string header = req_.get("Authorization", "");
    Status st = vault::Status(StatusCode::kUnauthenticated, "auth.missing_token",
                              "send Authorization: Bearer TOKEN (POST /api/v1/sessions)");
    if (header.rfind("Bearer ", 0) == 0) {
      auto user = ctx_.vault->identity().Authenticate(header.substr(7));
      if (user.ok()) {
        subject_.username = user->username;
        subject_.role = user->role;
        subject_.department = user->department;
        subject_.clearance = user->clearance;
        subject_.customers = user->customers;
        token_ = header.substr(7);
        return true;
      }
      st = user.status();
    }
    Audit(action, object, st);
    Error(st);
    return false;
  }

  // Asks the policy engine; on deny answers 403 and audits.
  bool Allowed(const std::string& action, const vault::Resource& r, const std::string& object) {
    vault::Decision d = ctx_.policy->Decide(subject_, action, r, vault::SystemClock()->Now());
    if (d.allowed) return true;
    Status st(StatusCode::kPermissionDenied, "access.denied", "not allowed");
    Audit(action, object, st, d.rule + ": " + d.reason);
    Error(st);
    return false;
  }

  static bool ParseCount(const std::string& text, int64_t* out) { return vault::ParseCount(text, out); }

  static vault::Resource ResourceOf(const vault::DocumentRecord& d) {
    return vault::Resource{d.meta.department, d.meta.classification, d.meta.customer_number};
  }

  vault::StatusOr<Poco::JSON::Object::Ptr> JsonBody() {
    if (req_.getContentLength64() > static_cast<Poco::Int64>(kMaxJsonBody)) {
      return vault::ResourceExhaustedError("request.too_large", "JSON body over 64 KiB");
    }
    std::string body;
    char buf[4096];
    auto& in = req_.stream();
    while (in && body.size() <= kMaxJsonBody) {
      in.read(buf, sizeof buf);
      body.append(buf, static_cast<size_t>(in.gcount()));
    }
    if (body.size() > kMaxJsonBody) return vault::ResourceExhaustedError("request.too_large", "JSON body over 64 KiB");
    if (req_.hasContentLength() && static_cast<Poco::Int64>(body.size()) != req_.getContentLength64()) {
      return vault::InvalidArgumentError("request.truncated", "the body is shorter than its Content-Length");
    }
    try {
      Poco::JSON::Parser parser;
      auto v = parser.parse(body);
      if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
        return vault::InvalidArgumentError("request.bad_json", "the body must be a JSON object");
      }
      return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
      return vault::InvalidArgumentError("request.bad_json", "the body is not valid JSON");
    }
  }

  // POST /api/v1/documents: multipart/form-data with a "metadata" part (JSON)
  // first and a "file" part. The file streams straight into the vault's
  // sealing pipeline; nothing is buffered on disk in clear.
  void CreateDocument() {
    if (!Authenticate("document.create", "*")) return;
    if (req_.getContentType().rfind("multipart/form-data", 0) != 0) {
      return Error(vault::InvalidArgumentError("request.bad_content_type",
                                               "send multipart/form-data with parts 'metadata' and 'file'"));
    }
    if (!req_.hasContentLength() || req_.getChunkedTransferEncoding()) {
      // Without a length a truncated body cannot be told from a complete one.
      return Error(vault::InvalidArgumentError("upload.length_required", "uploads need a Content-Length"));
    }
    if (req_.getContentLength64() > ctx_.options->max_upload_bytes + 65536) {
      return Error(vault::ResourceExhaustedError("upload.too_large", "the upload exceeds the size limit"));
    }
    Poco::Net::HTMLForm form;
    UploadHandler handler(this, &form);
    CountingBuf counter(req_.stream());
    std::istream body(&counter);
    upload_counter_ = &counter;
    try {
      form.load(req_, body, handler);
    } catch (const std::exception&) {
      // A malformed tail after a complete, stored file part does not undo it.
      if (handler.outcome().ok() && handler.document().id.empty()) {
        handler.SetOutcome(vault::InvalidArgumentError("request.bad_multipart",
                                                       "the multipart body is malformed or incomplete"));
      }
    }
    if (!handler.seen_file() && handler.outcome().ok()) {
      handler.SetOutcome(vault::InvalidArgumentError("upload.missing_file", "no 'file' part"));
    }
    Audit("document.create", handler.object(), handler.outcome());
    if (!handler.outcome().ok()) return Error(handler.outcome());
    const vault::DocumentRecord& d = handler.document();
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", d.id);
    o->set("archive_number", d.archive_number);
    o->set("version", static_cast<Poco::UInt64>(d.current_version));
    o->set("sha256", handler.sha256());
    SendObject(201, o);
  }

  // Parses the "metadata" JSON into an ingest request; request.* errors.
  Status ParseMetadata(const std::string& json, vault::IngestRequest* out) {
    Poco::JSON::Object::Ptr obj;
    try {
      Poco::JSON::Parser parser;
      auto v = parser.parse(json);
      if (v.type() != typeid(Poco::JSON::Object::Ptr)) {
        return vault::InvalidArgumentError("request.bad_json", "metadata must be a JSON object");
      }
      obj = v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
      return vault::InvalidArgumentError("request.bad_json", "metadata is not valid JSON");
    }
    vault::DocumentMetadata& m = out->meta;
    const std::map<std::string, std::string*> strings = {
        {"customer", &m.customer_number}, {"customer_name", &m.customer_name}, {"type", &m.doc_type},
        {"title", &m.title}, {"department", &m.department}, {"product_line", &m.product_line},
        {"region", &m.region}, {"stage", &m.business_stage}, {"classification", &m.classification},
        {"retention", &m.retention_class}};
    for (const auto& kv : *obj) {
      auto s = strings.find(kv.first);
      if (s != strings.end()) {
        if (!kv.second.isString()) return vault::InvalidArgumentError("request.bad_type", kv.first + " must be a string");
        *s->second = kv.second.convert<std::string>();
      } else if (kv.first == "tags") {
        if (kv.second.type() != typeid(Poco::JSON::Array::Ptr)) {
          return vault::InvalidArgumentError("request.bad_type", "tags must be an array of strings");
        }
        auto arr = kv.second.extract<Poco::JSON::Array::Ptr>();
        for (size_t i = 0; i < arr->size(); ++i) {
          auto t = arr->get(static_cast<unsigned>(i));
          if (!t.isString()) return vault::InvalidArgumentError("request.bad_type", "tags must be an array of strings");
          m.tags.push_back(t.convert<std::string>());
        }
      } else if (kv.first == "fields") {
        if (kv.second.type() != typeid(Poco::JSON::Object::Ptr)) {
          return vault::InvalidArgumentError("request.bad_type", "fields must be an object of strings");
        }
        for (const auto& f : *kv.second.extract<Poco::JSON::Object::Ptr>()) {
          if (!f.second.isString()) return vault::InvalidArgumentError("request.bad_type", "fields must be an object of strings");
          m.fields[f.first] = f.second.convert<std::string>();
        }
      } else {
        return vault::InvalidArgumentError("request.unknown_field", "unknown metadata field " + kv.first);
      }
    }
    return Status::Ok();
  }

  void Healthz() { SendJson(200, "{\"status\":\"ok\"}"); }

  void MetricsText() {
    std::ostringstream out;
    auto counter = [&](const char* name, const char* help, int64_t v) {
      out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n"
          << name << " " << v << "\n";
    };
    counter("vaultd_requests_total", "HTTP requests handled.", ctx_.metrics->requests.load());
    counter("vaultd_denied_total", "Requests refused by the policy engine.", ctx_.metrics->denied.load());
    counter("vaultd_errors_total", "Requests that failed with a server error.", ctx_.metrics->errors.load());
    counter("vaultd_bytes_sent_total", "Body bytes sent.", ctx_.metrics->bytes_sent.load());
    std::string body = out.str();
    resp_.setContentType("text/plain; version=0.0.4");
    resp_.setContentLength64(static_cast<Poco::Int64>(body.size()));
    resp_.sendBuffer(body.data(), body.size());
  }

  void Login() {
    auto body = JsonBody();
    if (!body.ok()) return Error(body.status());
    for (const auto& kv : **body) {
      if (kv.first != "username" && kv.first != "password") {
        return Error(vault::InvalidArgumentError("request.unknown_field", "unknown field " + kv.first));
      }
    }
    auto u = (*body)->get("username");
    auto p = (*body)->get("password");
    if (!u.isString() || !p.isString()) {
      return Error(vault::InvalidArgumentError("request.bad_type", "username and password must be strings"));
    }
    std::string username = u.convert<std::string>();
    subject_.username = username;
    auto login = ctx_.vault->identity().Login(username, p.convert<std::string>());
    Audit("session.create", username, login.status());
    if (!login.ok()) return Error(login.status());
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("token", login->token);
    o->set("expires_at", login->expires_at);
    o->set("role", login->user.role);
    SendObject(201, o);
  }

  void Logout() {
    if (!Authenticate("session.delete", "current")) return;
    Status s = ctx_.vault->identity().Logout(token_);
    Audit("session.delete", "current", s);
    if (!s.ok()) return Error(s);
    resp_.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    resp_.setContentLength(0);
    resp_.send();
  }

  void ListDocuments() {
    if (!Authenticate("document.list", "*")) return;
    if (!ctx_.policy->RoleMayEver(subject_.role, "document.list")) {
      Status st(StatusCode::kPermissionDenied, "access.denied", "not allowed");
      Audit("document.list", "*", st, "role has no document.list grant");
      return Error(st);
    }
    vault::DocumentFilter f;
    int64_t limit = 50, offset = 0;
    for (const auto& kv : query_) {
      const std::string& k = kv.first;
      if (k == "customer") f.customer_number = kv.second;
      else if (k == "type") f.doc_type = kv.second;
      else if (k == "department") f.department = kv.second;
      else if (k == "classification") f.classification = kv.second;
      else if (k == "tag") f.tag = kv.second;
      else if (k == "from") f.from_date = kv.second;
      else if (k == "to") f.to_date = kv.second;
      else if (k == "title") f.title_words = kv.second;
      else if (k == "limit" || k == "offset") {
        if (!ParseCount(kv.second, k == "limit" ? &limit : &offset)) {
          return Error(vault::InvalidArgumentError("request.bad_parameter", k + " must be a non-negative number"));
        }
      } else {
        return Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown parameter " + k));
      }
    }
    if (limit <= 0 || limit > 200) limit = 50;
    // Page through the database, keeping only what the caller may see, so
    // neither the page size nor a total reveals hidden documents. `next` is
    // a database position; it is null once the database is exhausted.
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    const vault::TimePoint now = vault::SystemClock()->Now();
    int64_t cursor = offset;
    bool exhausted = false;
    for (int round = 0; round < 50 && static_cast<int64_t>(items->size()) < limit && !exhausted; ++round) {
      f.offset = cursor;
      f.limit = 200;
      auto page = ctx_.vault->vault().Search(f);
      if (!page.ok()) {
        Audit("document.list", "*", page.status());
        return Error(page.status());
      }
      const size_t rows = page->documents.size();
      if (rows < 200) exhausted = true;
      for (size_t i = 0; i < rows; ++i) {
        const vault::DocumentRecord& d = page->documents[i];
        ++cursor;
        if (!ctx_.policy->Decide(subject_, "document.list", ResourceOf(d), now).allowed) continue;
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("id", d.id);
        o->set("archive_number", d.archive_number);
        o->set("title", d.meta.title);
        o->set("customer_number", d.meta.customer_number);
        o->set("doc_type", d.meta.doc_type);
        o->set("department", d.meta.department);
        o->set("classification", d.meta.classification);
        o->set("version", static_cast<Poco::UInt64>(d.current_version));
        o->set("created_at", d.created_at);
        items->add(o);
        if (static_cast<int64_t>(items->size()) == limit) {
          // Rows left on this page, or a full page: there may be more.
          if (i + 1 < rows) exhausted = false;
          break;
        }
      }
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("items", items);
    if (!exhausted) {
      o->set("next", static_cast<Poco::Int64>(cursor));
    } else {
      o->set("next", Poco::Dynamic::Var());
    }
    Audit("document.list", "*", Status::Ok(), std::to_string(items->size()) + " shown");
    SendObject(200, o);
  }

  // Resolves a document the subject may act on; answers and audits otherwise.
  bool LoadDocument(const std::string& id, const std::string& action, vault::DocumentRecord* out) {
    if (!Authenticate(action, id)) return false;
    auto doc = ctx_.vault->vault().Get(id);
    if (!doc.ok()) {
      Audit(action, id, doc.status());
      Error(doc.status());
      return false;
    }
    const vault::TimePoint now = vault::SystemClock()->Now();
    vault::Decision d = ctx_.policy->Decide(subject_, action, ResourceOf(*doc), now);
    if (!d.allowed) {
      // Whoever may not even see the metadata learns nothing, not even that
      // the document exists; the reason goes to the audit log only.
      bool visible = ctx_.policy->Decide(subject_, "document.metadata", ResourceOf(*doc), now).allowed;
      Status st = visible ? Status(StatusCode::kPermissionDenied, "access.denied", "not allowed")
                          : vault::NotFoundError("document.not_found", "no such document");
      Audit(action, doc->archive_number, Status(StatusCode::kPermissionDenied, "access.denied", ""),
            d.rule + ": " + d.reason);
      ctx_.metrics->denied++;
      Error(st);
      return false;
    }
    *out = *doc;
    return true;
  }

  void GetDocument(const std::string& id) {
    vault::DocumentRecord d;
    if (!LoadDocument(id, "document.metadata", &d)) return;
    Audit("document.metadata", d.archive_number, Status::Ok());
    SendObject(200, vaultctl::DocumentJson(d));
  }

  void GetVersions(const std::string& id) {
    vault::DocumentRecord d;
    if (!LoadDocument(id, "document.metadata", &d)) return;
    auto versions = ctx_.vault->vault().Versions(d.id);
    Audit("document.versions", d.archive_number, versions.status());
    if (!versions.ok()) return Error(versions.status());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    for (const auto& v : *versions) items->add(vaultctl::VersionJson(v));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("items", items);
    SendObject(200, o);
  }

  // Streams the original. Content-Length is the recorded size; if
  // authentication fails midway the connection is cut, so the client sees
  // a short body, never a silently truncated file.
  void GetContent(const std::string& id) {
    vault::DocumentRecord d;
    if (!LoadDocument(id, "document.content", &d)) return;
    auto versions = ctx_.vault->vault().Versions(d.id);
    if (!versions.ok()) return Error(versions.status());
    if (versions->empty()) return Error(vault::NotFoundError("document.version_not_found", "no versions"));
    const vault::VersionRecord& v = versions->back();
    // Headers go out with the first authenticated bytes, so a failure before
    // that (key, missing blob, bad header) is still a proper error response.
    class ResponseSink : public vault::ByteSink {
     public:
      ResponseSink(HTTPServerResponse& resp, const vault::VersionRecord& v) : resp_(resp), v_(v) {}
      Status Write(const uint8_t* data, size_t len) override {
        if (!out_) {
          resp_.setContentType("application/octet-stream");
          resp_.setContentLength64(static_cast<Poco::Int64>(v_.size));
          resp_.set("X-Content-SHA256", v_.sha256);
          out_ = &resp_.send();
        }
        out_->write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(len));
        if (!*out_) return vault::UnavailableError("net.write_failed", "client went away");
        return Status::Ok();
      }
      bool started() const { return out_ != nullptr; }
      void Finish() {
        if (!out_) {  // empty content: headers only
          resp_.setContentType("application/octet-stream");
          resp_.setContentLength64(0);
          resp_.set("X-Content-SHA256", v_.sha256);
          out_ = &resp_.send();
        }
        out_->flush();
      }
     private:
      HTTPServerResponse& resp_;
      const vault::VersionRecord& v_;
      std::ostream* out_ = nullptr;
    } sink(resp_, v);
    auto read = ctx_.vault->vault().ReadContent(d.id, v.version, sink);
    Audit("document.read_content", d.archive_number, read.status());
    if (!read.ok()) {
      if (!sink.started()) return Error(read.status());
      ctx_.metrics->errors++;
      AbortConnection(req_);
      return;
    }
    sink.Finish();
    ctx_.metrics->bytes_sent += static_cast<int64_t>(v.size);
  }

  void ListUsers() {
    if (!Authenticate("user.manage", "users")) return;
    if (!Allowed("user.manage", vault::Resource{}, "users")) return;
    auto users = ctx_.vault->identity().ListUsers();
    Audit("user.list", "users", users.status());
    if (!users.ok()) return Error(users.status());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    for (const auto& u : *users) items->add(vaultctl::UserJson(u));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("items", items);
    SendObject(200, o);
  }

  void CreateUser() {
    if (!Authenticate("user.manage", "users")) return;
    if (!Allowed("user.manage", vault::Resource{}, "users")) return;
    auto body = JsonBody();
    if (!body.ok()) return Error(body.status());
    vault::NewUser u;
    const std::map<std::string, std::string*> fields = {
        {"username", &u.username}, {"display_name", &u.display_name}, {"role", &u.role},
        {"department", &u.department}, {"clearance", &u.clearance}, {"password", &u.password}};
    for (const auto& kv : **body) {
      auto f = fields.find(kv.first);
      if (f == fields.end()) {
        return Error(vault::InvalidArgumentError("request.unknown_field", "unknown field " + kv.first));
      }
      if (!kv.second.isString()) {
        return Error(vault::InvalidArgumentError("request.bad_type", kv.first + " must be a string"));
      }
      *f->second = kv.second.convert<std::string>();
    }
    auto user = ctx_.vault->identity().AddUser(u);
    std::fill(u.password.begin(), u.password.end(), '\0');
    Audit("user.add", u.username.empty() ? "-" : u.username, user.status());
    if (!user.ok()) return Error(user.status());
    SendObject(201, vaultctl::UserJson(*user));
  }

  void SetUserDisabled(const std::string& username, bool disabled) {
    const std::string action = disabled ? "user.disable" : "user.enable";
    if (!Authenticate("user.manage", username)) return;
    if (!Allowed("user.manage", vault::Resource{}, username)) return;
    Status s = ctx_.vault->identity().SetDisabled(username, disabled);
    Audit(action, username, s);
    if (!s.ok()) return Error(s);
    resp_.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    resp_.setContentLength(0);
    resp_.send();
  }

  void ListCheckpoints() {
    if (!Authenticate("audit.read", "audit/checkpoints")) return;
    if (!Allowed("audit.read", vault::Resource{}, "audit/checkpoints")) return;
    auto cps = ctx_.vault->audit().Checkpoints();
    Audit("audit.checkpoints", "audit", cps.status());
    if (!cps.ok()) return Error(cps.status());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    for (const auto& cp : *cps) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      o->set("id", static_cast<Poco::Int64>(cp.id));
      o->set("size", static_cast<Poco::Int64>(cp.size));
      o->set("head_hash", cp.head_hash);
      o->set("key_name", cp.key_name);
      o->set("created_at", cp.created_at);
      o->set("note", cp.note);
      auto pk = ctx_.vault->audit().PublicKeyOf(cp.key_name);
      if (pk.ok()) o->set("public_key_pem", vault::Ed25519PublicKeyPem(*pk));
      items->add(o);
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("items", items);
    SendObject(200, o);
  }

  void ListAudit() {
    if (!Authenticate("audit.read", "audit")) return;
    if (!Allowed("audit.read", vault::Resource{}, "audit")) return;
    vault::AuditFilter f;
    for (const auto& kv : query_) {
      if (kv.first == "user") f.actor = kv.second;
      else if (kv.first == "object") f.object = kv.second;
      else if (kv.first == "action") f.action = kv.second;
      else if (kv.first == "from") f.from_time = kv.second;
      else if (kv.first == "to") f.to_time = kv.second;
      else if (kv.first == "after" || kv.first == "limit") {
        if (!ParseCount(kv.second, kv.first == "after" ? &f.after_seq : &f.limit)) {
          return Error(vault::InvalidArgumentError("request.bad_parameter", kv.first + " must be a non-negative number"));
        }
      } else {
        return Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown parameter " + kv.first));
      }
    }
    auto events = ctx_.vault->audit().List(f);
    Audit("audit.read", "audit", events.status());
    if (!events.ok()) return Error(events.status());
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    for (const auto& e : *events) items->add(vaultctl::AuditEventJson(e));
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
    o->set("items", items);
    SendObject(200, o);
  }

  Ctx& ctx_;
  HTTPServerRequest& req_;
  HTTPServerResponse& resp_;
  std::string request_id_;
  std::string client_;
  std::vector<std::string> segs_;
  Poco::URI::QueryParameters query_;
  CountingBuf* upload_counter_ = nullptr;
  vault::Subject subject_;
  std::string token_;
};

void UploadHandler::handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) {
  ex_->HandleFilePart(header, stream, *form_, *this);
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(Ctx& ctx) : ctx_(ctx) {}
  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    try {
      Exchange(ctx_, req, resp).Serve();
    } catch (const std::exception&) {
      ctx_.metrics->errors++;
      if (resp.sent()) {
        AbortConnection(req);
      } else {
        std::string body = "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}";
        resp.setStatus(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
        resp.setContentType("application/json");
        resp.setContentLength64(static_cast<Poco::Int64>(body.size()));
        resp.sendBuffer(body.data(), body.size());
      }
    }
  }

 private:
  Ctx& ctx_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<Ctx> ctx) : ctx_(std::move(ctx)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(*ctx_);
  }

 private:
  std::shared_ptr<Ctx> ctx_;
};

}  // namespace

VaultServer::VaultServer(vault::LocalVault* vault, const vault::PolicyEngine* policy, ServerOptions options)
    : vault_(vault), policy_(policy), options_(std::move(options)) {}

VaultServer::~VaultServer() { Stop(); }

const std::vector<RouteInfo>& VaultServer::Routes() {
  static const std::vector<RouteInfo> kRoutes = {
      {"GET", "/healthz"},
      {"GET", "/metrics"},
      {"POST", "/api/v1/sessions"},
      {"DELETE", "/api/v1/sessions/current"},
      {"GET", "/api/v1/documents"},
      {"POST", "/api/v1/documents"},
      {"GET", "/api/v1/documents/{id}"},
      {"GET", "/api/v1/documents/{id}/versions"},
      {"GET", "/api/v1/documents/{id}/content"},
      {"GET", "/api/v1/users"},
      {"POST", "/api/v1/users"},
      {"POST", "/api/v1/users/{name}/disable"},
      {"POST", "/api/v1/users/{name}/enable"},
      {"GET", "/api/v1/audit"},
      {"GET", "/api/v1/audit/checkpoints"},
  };
  return kRoutes;
}

vault::Status VaultServer::Start() {
  const bool tls = !options_.tls_certificate_file.empty() || !options_.tls_private_key_file.empty();
  if (tls && (options_.tls_certificate_file.empty() || options_.tls_private_key_file.empty())) {
    return vault::InvalidArgumentError("config.tls", "HTTPS needs both a certificate and a private key");
  }
  try {
    const Poco::Net::SocketAddress address(options_.listen_host, options_.port);
    Poco::Net::ServerSocket socket;
    if (tls) {
      static std::once_flag ssl_once;
      std::call_once(ssl_once, [] { Poco::Net::initializeSSL(); });
      Poco::Net::Context::Ptr context = new Poco::Net::Context(
          Poco::Net::Context::TLS_SERVER_USE, options_.tls_private_key_file,
          options_.tls_certificate_file, "", Poco::Net::Context::VERIFY_NONE, 9, false,
          "HIGH:!aNULL:!MD5:!RC4:!3DES");
      context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
      socket = Poco::Net::SecureServerSocket(address, 64, context);
    } else {
      socket = Poco::Net::ServerSocket(address);
    }
    port_ = socket.address().port();
    auto params = new Poco::Net::HTTPServerParams();
    params->setMaxThreads(options_.max_threads);
    params->setMaxQueued(options_.max_queued);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(15, 0));  // slow clients do not pin workers for long
    auto ctx = std::make_shared<Ctx>(Ctx{vault_, policy_, &metrics_, &options_});
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(ctx), socket, params);
    server_->start();
    if (options_.checkpoint_interval_seconds > 0) {
      checkpoints_ = std::make_unique<Poco::Timer>(options_.checkpoint_interval_seconds * 1000,
                                                   options_.checkpoint_interval_seconds * 1000);
      checkpoints_->start(Poco::TimerCallback<VaultServer>(*this, &VaultServer::OnCheckpointTimer));
    }
    return vault::Status::Ok();
  } catch (const Poco::Exception& e) {
    return vault::UnavailableError(tls ? "server.tls_failed" : "server.listen_failed",
                                   "cannot listen on " + options_.listen_host + ":" +
                                                               std::to_string(options_.port) + ": " + e.displayText());
  }
}

void VaultServer::OnCheckpointTimer(Poco::Timer&) {
  vault::Status s = WriteCheckpointIfChanged();
  if (!s.ok()) {
    // No logger yet: a failed checkpoint must not go unnoticed.
    std::fprintf(stderr, "vaultd: audit checkpoint failed [%s]: %s\n", s.reason().c_str(), s.message().c_str());
  }
}

vault::Status VaultServer::WriteCheckpointIfChanged() {
  auto cps = vault_->audit().Checkpoints();
  if (!cps.ok()) return cps.status();
  vault::AuditFilter last;
  last.after_seq = cps->empty() ? 0 : cps->back().size;
  last.limit = 1;
  auto newer = vault_->audit().List(last);
  if (!newer.ok()) return newer.status();
  if (newer->empty() && !cps->empty()) return vault::Status::Ok();  // nothing new to sign
  auto signer = vault::Signer::FromKeyRing(vault_->keys(), "audit");
  if (!signer.ok()) return signer.status();
  return vault_->audit().WriteCheckpoint(**signer).status();
}

void VaultServer::Stop() {
  if (checkpoints_) {
    checkpoints_->stop();
    checkpoints_.reset();
  }
  if (server_) {
    server_->stopAll(false);  // stop accepting; in-flight requests finish
    server_.reset();
  }
}

}  // namespace vaultd
