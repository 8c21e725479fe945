// Reading documents: list/search, metadata, versions, original content.
#include <Poco/JSON/Array.h>

#include "api/common/json_output.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "api/common/parse.h"

namespace vaultd {

using vault::Status;
using vault::StatusCode;

namespace {
// Longer than any identifier, date or cursor (vault/metadata/search_cursor.h).
constexpr size_t kMaxListParameterBytes = 512;
}  // namespace

// GET /api/v1/documents: the caller's policy scope is applied in the
// database query, so pages hold only visible documents and `offset`/`next`
// count only those (they reveal nothing about hidden ones). Pages go by
// `cursor` (`next_cursor` of the previous page: as fast at page 20,000 as at
// page 1); `offset`/`next` remain for old clients. `total` is exact up to
// 10,000 (1,000 with title words) and a lower bound past it
// (`total_is_estimate`).
void HandleListDocuments(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("document.list", "*")) return;
  const vault::Subject& subject = ex.subject();
  const vault::PolicyEngine& policy = *ex.ctx().policy;
  if (!policy.RoleMayEver(subject.role, "document.list")) {
    Status st(StatusCode::kPermissionDenied, "access.denied", "not allowed");
    ex.Audit("document.list", "*", st, "role has no document.list grant");
    return ex.Error(st);
  }
  vault::DocumentFilter f;
  int64_t limit = 50, offset = 0;
  for (const auto& kv : ex.query()) {
    const std::string& k = kv.first;
    // Title words have their own limits and codes (search.query_too_long);
    // every other value is an identifier, a date or a cursor.
    if (k != "title" && kv.second.size() > kMaxListParameterBytes) {
      return ex.Error(vault::InvalidArgumentError("request.bad_parameter", k + " is too long"));
    }
    if (k == "customer") f.customer_number = kv.second;
    else if (k == "type") f.doc_type = kv.second;
    else if (k == "department") f.department = kv.second;
    else if (k == "classification") f.classification = kv.second;
    else if (k == "tag") f.tag = kv.second;
    else if (k == "from") f.from_date = kv.second;
    else if (k == "to") f.to_date = kv.second;
    else if (k == "title") f.title_words = kv.second;
    else if (k == "cursor") f.cursor = kv.second;
    else if (k == "order") {
      if (kv.second != "newest" && kv.second != "oldest") {
        return ex.Error(vault::InvalidArgumentError("request.bad_parameter", "order must be newest or oldest"));
      }
      f.oldest_first = kv.second == "oldest";
    }
    else if (k == "limit" || k == "offset") {
      if (!api::ParseCount(kv.second, k == "limit" ? &limit : &offset)) {
        return ex.Error(vault::InvalidArgumentError("request.bad_parameter", k + " must be a non-negative number"));
      }
    } else {
      return ex.Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown parameter " + k));
    }
  }
  if (limit <= 0 || limit > 200) limit = 50;
  f.scope = policy.VisibleScope(subject, "document.list");
  f.limit = limit;
  f.offset = offset;
  auto page = ex.vault().Search(f);
  if (!page.ok()) {
    ex.Audit("document.list", "*", page.status());
    return ex.Error(page.status());
  }
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  const vault::TimePoint now = ex.ctx().clock->Now();
  for (const vault::DocumentRecord& d : page->documents) {
    // The scope and the engine agree (policy_engine_test checks the whole
    // matrix); asking again keeps the engine the one that decides.
    if (!policy.Decide(subject, "document.list", Exchange::ResourceOf(d), now).allowed) continue;
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
  }
  const int64_t seen = offset + static_cast<int64_t>(page->documents.size());
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("items", items);
  // `next` is an offset, so it only means something to a client paging by
  // offset; a client paging by cursor follows `next_cursor`.
  if (f.cursor.empty() && !page->next_cursor.empty()) {
    o->set("next", static_cast<Poco::Int64>(seen));
  } else {
    o->set("next", Poco::Dynamic::Var());
  }
  if (page->next_cursor.empty()) {
    o->set("next_cursor", Poco::Dynamic::Var());
  } else {
    o->set("next_cursor", page->next_cursor);
  }
  o->set("total", static_cast<Poco::Int64>(page->total));
  o->set("total_is_estimate", page->total_is_estimate);
  if (!ex.AuditOrFail("document.list", "*", std::to_string(items->size()) + " shown")) return;
  ex.SendObject(200, o);
}

void HandleGetDocument(Exchange& ex, const PathParams& p) {
  vault::DocumentRecord d;
  if (!ex.LoadDocument(p[0], "document.metadata", &d)) return;
  if (!ex.AuditOrFail("document.metadata", d.archive_number)) return;
  ex.SendObject(200, api::DocumentJson(d));
}

void HandleGetVersions(Exchange& ex, const PathParams& p) {
  vault::DocumentRecord d;
  if (!ex.LoadDocument(p[0], "document.metadata", &d)) return;
  auto versions = ex.vault().Versions(d.id);
  ex.SendAuditedItems("document.versions", d.archive_number, versions, api::VersionJson);
}

namespace {

// Sends decrypted bytes as they are authenticated. Headers go out with the
// first authenticated bytes, so a failure before that (key, missing blob,
// bad header) is still a proper error response.
class ResponseSink : public vault::ByteSink {
 public:
  ResponseSink(Poco::Net::HTTPServerResponse& resp, const vault::VersionRecord& v) : resp_(resp), v_(v) {}
  Status Write(const uint8_t* data, size_t len) override {
    Start();
    out_->write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(len));
    if (!*out_) return vault::UnavailableError("net.write_failed", "client went away");
    return Status::Ok();
  }
  bool started() const { return out_ != nullptr; }
  void Finish() {
    Start();  // empty content: headers only
    out_->flush();
  }

 private:
  void Start() {
    if (out_) return;
    resp_.setContentType("application/octet-stream");
    resp_.setContentLength64(static_cast<Poco::Int64>(v_.size));
    resp_.set("X-Content-SHA256", v_.sha256);
    resp_.set("X-Document-Version", std::to_string(v_.version));
    out_ = &resp_.send();
  }
  Poco::Net::HTTPServerResponse& resp_;
  const vault::VersionRecord& v_;
  std::ostream* out_ = nullptr;
};

}  // namespace

// GET /api/v1/documents/{id}/content[?version=N]: the original, for archive
// admins only. Content-Length is the recorded size; if authentication fails
// midway the connection is cut, so the client sees a short body, never a
// silently truncated file. The read is audited before any byte leaves.
void HandleGetContent(Exchange& ex, const PathParams& p) {
  int64_t wanted = 0;
  for (const auto& kv : ex.query()) {
    if (kv.first != "version") {
      return ex.Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown parameter " + kv.first));
    }
    if (!api::ParseCount(kv.second, &wanted) || wanted <= 0 || wanted > UINT32_MAX) {
      return ex.Error(vault::InvalidArgumentError("request.bad_parameter", "version must be a positive number"));
    }
  }
  vault::DocumentRecord d;
  if (!ex.LoadDocument(p[0], "document.content", &d)) return;
  auto versions = ex.vault().Versions(d.id);
  if (!versions.ok()) return ex.Error(versions.status());
  const vault::VersionRecord* v = nullptr;
  for (const auto& candidate : *versions) {
    if (wanted == 0 ? candidate.version == d.current_version : candidate.version == wanted) v = &candidate;
  }
  if (!v) {
    Status missing = vault::NotFoundError("document.version_not_found", "no such version");
    ex.Audit("document.read_content", d.archive_number, missing);
    return ex.Error(missing);
  }
  const std::string version = "version " + std::to_string(v->version);
  if (!ex.AuditOrFail("document.read_content", d.archive_number, version)) return;
  ResponseSink sink(ex.resp(), *v);
  Status read = ex.vault().ReadVersion(*v, sink);
  if (!read.ok()) {
    ex.Audit("document.read_content", d.archive_number, read, version + " failed: " + read.reason());
    if (!sink.started()) return ex.Error(read);
    ex.ctx().metrics->errors++;
    AbortConnection(ex.req());
    return;
  }
  sink.Finish();
  ex.ctx().metrics->bytes_sent += static_cast<int64_t>(v->size);
}

}  // namespace vaultd
