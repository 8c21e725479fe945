#include "api/vaultd/exchange.h"

#include <Poco/JSON/Array.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "api/common/json_output.h"
#include "api/vaultd/browser_session.h"
#include "api/vaultd/connections.h"
#include "api/vaultd/request_bodies.h"
#include "api/vaultd/request_framing.h"
#include "api/vaultd/routes.h"
#include "vault/base/hex.h"
#include "vault/base/printable.h"
#include "vault/crypto/secret_key.h"

namespace vaultd {

using Poco::Net::HTTPResponse;
using vault::Status;
using vault::StatusCode;

namespace {

constexpr size_t kMaxJsonBody = 64 * 1024;

// Audit fields that come from the client (a login name, a path segment, a
// name in a body) are cut to `max` bytes on a UTF-8 boundary, with control
// characters escaped visibly (\n, \x1b), so nobody can write large or
// misleading rows into the log.
std::string Bounded(const std::string& in, size_t max = 128) {
  std::string out = vault::EscapeControl(in);
  if (out.size() > max) {
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "...";
  }
  return out;
}

}  // namespace

int HttpStatusFor(const Status& s) {
  // Reasons whose HTTP status is more specific than their code's.
  static const std::map<std::string, int> kByReason = {
      {"request.method_not_allowed", 405},
      {"export.rate_limited", 429}, {"export.not_pdf", 415},   {"export.unsupported_type", 415},
      {"export.unreadable", 422},   {"export.encrypted", 422}, {"export.no_pages", 422},
      {"borrow.bad_duration", 400}, {"borrow.return_too_large", 413}, {"document.destroyed", 410},
      // A full disk (a blob write's ENOSPC/EDQUOT, SQLite's SQLITE_FULL,
      // PostgreSQL's disk_full): 507 Insufficient Storage, not 413.
      {"storage.no_space", 507},
  };
  auto special = kByReason.find(s.reason());
  if (special != kByReason.end()) return special->second;
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

void AbortConnection(Poco::Net::HTTPServerRequest& req) {
  // No further request is read from this connection (one already buffered
  // would otherwise run on a dead socket).
  req.response().setKeepAlive(false);
  if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req)) {
    try {
      impl->socket().shutdown();
    } catch (const Poco::Exception&) {
      // Already gone.
    }
  }
}

Exchange::Exchange(Ctx& ctx, const ConnectionRef& conn, Poco::Net::HTTPServerRequest& req,
                   Poco::Net::HTTPServerResponse& resp)
    : ctx_(ctx), req_(req), resp_(resp), conn_(conn) {
  uint8_t rnd[8];
  vault::RandomBytes(rnd, sizeof rnd);
  request_id_ = vault::HexEncode(rnd, sizeof rnd);
  client_ = req.clientAddress().host().toString();
}

void Exchange::Serve() {
  ctx_.metrics->requests++;
  resp_.set("X-Request-Id", request_id_);
  // Every answer, UI page or API, is locked down the same way: no script
  // but our own files (no inline script, no eval), never framed, never
  // sniffed, no referrer, and API answers (stamped copies above all) are
  // never stored by a cache; the UI's files override Cache-Control.
  resp_.set("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  resp_.set("X-Content-Type-Options", "nosniff");
  resp_.set("Referrer-Policy", "no-referrer");
  resp_.set("X-Frame-Options", "DENY");
  resp_.set("Cache-Control", "no-store");
  // A body nobody reads would be parsed as the next request on this
  // connection: requests with a body close it, unless JsonBody() read the
  // body to its end.
  keep_alive_ = resp_.getKeepAlive();
  if (req_.getChunkedTransferEncoding() || req_.hasContentLength()) resp_.setKeepAlive(false);
  if (ctx_.stopping->load()) {
    resp_.setKeepAlive(false);
    return Error(vault::UnavailableError("server.stopping", "the server is shutting down"));
  }
  try {
    query_ = Poco::URI(req_.getURI()).getQueryParameters();
  } catch (const Poco::Exception&) {
    return Reject(vault::InvalidArgumentError("request.bad_query", "the query string is not valid URL encoding"));
  }
  std::vector<std::string> segments;
  if (Status path = DecodePath(req_.getURI().substr(0, req_.getURI().find('?')), &segments); !path.ok()) {
    return Reject(path);
  }
  PathParams params;
  std::string allowed;
  const Route* route = MatchRoute(req_.getMethod(), segments, &params, &allowed);
  if (!route) {
    if (!allowed.empty()) {
      resp_.set("Allow", allowed);
      return Reject(vault::InvalidArgumentError("request.method_not_allowed",
                                                "use " + allowed + " on this path"));
    }
    if (ServesWebUi(ctx_, req_.getMethod(), segments)) return HandleWebFile(*this, segments);
    return Reject(vault::NotFoundError("request.no_route", "no such route"));
  }
  route->handler(*this, params);
}

void Exchange::Reject(const Status& s) {
  // Unroutable and malformed requests are audited too (a scan or a probe is
  // worth seeing), without the path itself, which the client controls.
  ctx_.metrics->rejected++;
  Audit("request.rejected", "-", s, s.reason());
  Error(s);
}

void Exchange::SendJson(int status, const std::string& body) {
  resp_.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
  resp_.setContentType("application/json; charset=utf-8");
  resp_.setContentLength64(static_cast<Poco::Int64>(body.size()));
  resp_.sendBuffer(body.data(), body.size());
  ctx_.metrics->bytes_sent += static_cast<int64_t>(body.size());
}

void Exchange::SendObject(int status, const Poco::JSON::Object::Ptr& obj) {
  SendJson(status, api::Stringify(obj));
}

void Exchange::SendItems(const Poco::JSON::Array::Ptr& items) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
  o->set("items", items);
  SendObject(200, o);
}

void Exchange::NoContent() {
  resp_.setStatusAndReason(HTTPResponse::HTTP_NO_CONTENT);
  resp_.setContentLength(0);
  resp_.send();
}

void Exchange::Error(const Status& s) {
  int status = HttpStatusFor(s);
  error_code_ = s.reason();
  if (status >= 500) internal_message_ = s.message();
  if (status == 403) ctx_.metrics->denied++;
  if (status >= 500) ctx_.metrics->errors++;
  Poco::JSON::Object::Ptr err = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  err->set("code", s.reason());
  // Server-side failures keep their stable code but not their internals
  // (database text, paths); the audit log and the request id tie them up.
  err->set("message", status >= 500 ? "internal error (request " + request_id_ + ")" : s.message());
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object();
  body->set("error", err);
  if (status == 401) resp_.set("WWW-Authenticate", "Bearer");
  // A browser whose session ended forgets its cookie (not on a failed
  // login, which leaves a session of another tab alone).
  if (status == 401 && !req_.get("Cookie", "").empty() &&
      (s.reason() == "auth.expired" || s.reason() == "auth.revoked" || s.reason() == "auth.invalid_token")) {
    resp_.set("Set-Cookie", ClearedSessionCookie(tls()));
  }
  if (status == 503 && (s.reason() == "auth.busy" || s.reason() == "export.busy" || s.reason() == "request.busy")) {
    resp_.set("Retry-After", "1");
  }
  SendObject(status, body);
}

bool Exchange::Audit(const std::string& action, const std::string& object, const Status& outcome,
                     const std::string& detail) {
  vault::AuditRecord r;
  // The actor of a login is the name the client typed.
  r.actor = subject_.username.empty() ? "-" : Bounded(subject_.username);
  r.role = subject_.role.empty() ? "-" : subject_.role;
  r.action = action;
  r.object = Bounded(object);
  r.outcome = outcome.ok() ? "ok"
              : (outcome.code() == StatusCode::kPermissionDenied ||
                 outcome.code() == StatusCode::kUnauthenticated)
                  ? "denied"
                  : "error";
  r.client = client_;
  r.request_id = request_id_;
  r.detail = detail.empty() ? (outcome.ok() ? "" : outcome.reason()) : Bounded(detail, 512);
  auto appended = ctx_.vault->audit().Append(r);
  if (appended.ok()) return true;
  ctx_.metrics->audit_failures++;
  return false;
}

bool Exchange::AuditOrFail(const std::string& action, const std::string& object, const std::string& detail) {
  if (Audit(action, object, Status::Ok(), detail)) return true;
  Error(vault::UnavailableError("audit.unavailable", "the audit log cannot be written; try again later"));
  return false;
}

bool Exchange::Authenticate(const std::string& action, const std::string& object) {
  std::string header = req_.get("Authorization", "");
  Status st = Status(StatusCode::kUnauthenticated, "auth.missing_token",
                     "send Authorization: Bearer TOKEN (POST /api/v1/sessions)");
  std::string token;
  bool from_cookie = false;
  if (header.rfind("Bearer ", 0) == 0) {
    token = header.substr(7);
  } else if (header.empty()) {
    token = SessionTokenFromCookies(req_, tls());
    from_cookie = !token.empty();
  }
  if (!token.empty()) {
    auto user = ctx_.vault->identity().Authenticate(token);
    if (!user.ok()) {
      st = user.status();
    } else if (from_cookie && !IsSafeMethod(req_.getMethod()) &&
               !CsrfTokenMatches(token, req_.get(kCsrfHeader, ""))) {
      // The cookie alone may have been sent by a page on another site.
      subject_.username = user->username;
      subject_.role = user->role;
      st = Status(StatusCode::kPermissionDenied, "auth.csrf",
                  "a browser request that changes something needs its session's X-CSRF-Token header");
    } else {
      subject_.username = user->username;
      subject_.role = user->role;
      subject_.department = user->department;
      subject_.clearance = user->clearance;
      subject_.customers = user->customers;
      display_name_ = user->display_name;
      token_ = token;
      cookie_session_ = from_cookie;
      return true;
    }
  }
  Audit(action, object, st);
  Error(st);
  return false;
}

bool Exchange::Allowed(const std::string& action, const std::string& object) {
  vault::Decision d = ctx_.policy->Decide(subject_, action, vault::Resource{}, ctx_.clock->Now());
  if (d.allowed) return true;
  Status st(StatusCode::kPermissionDenied, "access.denied", "not allowed");
  Audit(action, object, st, d.rule + ": " + d.reason);
  Error(st);
  return false;
}

bool Exchange::AllowedAnyOf(const std::string& audit_action, const std::string& object,
                            std::initializer_list<const char*> actions) {
  for (const char* action : actions) {
    if (ctx_.policy->RoleMayEver(subject_.role, action)) return true;
  }
  Status st(StatusCode::kPermissionDenied, "access.denied", "not allowed");
  Audit(audit_action, object, st, "role may not " + audit_action);
  Error(st);
  return false;
}

vault::Resource Exchange::ResourceOf(const vault::DocumentRecord& d) { return vault::DocumentAccess::ResourceOf(d); }

bool Exchange::LoadDocument(const std::string& id, const std::string& action, vault::DocumentRecord* out) {
  if (!Authenticate(action, id)) return false;
  return AdmitDocument(id, vault::AccessRequest{action, "", 0}, out);
}

bool Exchange::AdmitDocument(const std::string& id, const vault::AccessRequest& request, vault::DocumentRecord* out,
                             vault::AccessDecision* decision) {
  auto doc = ctx_.access->Find(id);
  if (!doc.ok()) {
    Audit(request.action, id, doc.status());
    Error(doc.status());
    return false;
  }
  vault::AccessDecision d = ctx_.access->Decide(subject_, request, *doc);
  if (!d.allowed) {
    AuditRefusal(request, doc->archive_number, d);
    Error(d.status);
    return false;
  }
  if (decision) *decision = d;
  *out = std::move(*doc);
  return true;
}

Status Exchange::CheckDocument(const vault::DocumentRecord& doc, const std::string& action) {
  const vault::AccessRequest request{action, "", 0};
  vault::AccessDecision d = ctx_.access->Decide(subject_, request, doc);
  if (d.allowed) return Status::Ok();
  AuditRefusal(request, doc.archive_number, d);
  return d.status;
}

void Exchange::AuditRefusal(const vault::AccessRequest& request, const std::string& object,
                            const vault::AccessDecision& d) {
  using By = vault::AccessDecision::By;
  if (d.by == By::kRole) {
    // The role policy's rule and reason go to the audit log only.
    Audit(request.action, object, Status(StatusCode::kPermissionDenied, "access.denied", ""), d.rule + ": " + d.reason);
    if (!d.visible) ctx_.metrics->denied++;  // Error() counts the 403s
  } else if (d.by == By::kLoan) {
    Audit(request.action, object, d.status, d.rule + " (loan " + request.borrow_id.substr(0, 32) + ")");
  } else {
    Audit(request.action, object, d.status);
  }
}

std::istream& Exchange::Body() {
  if (!body_started_) {
    body_started_ = true;
    const int64_t declared = req_.hasContentLength() ? std::max<int64_t>(0, req_.getContentLength64())
                                                     : static_cast<int64_t>(kMaxJsonBody);
    const int64_t rate = std::max<int64_t>(1024, ctx_.options->min_body_bytes_per_second);
    const auto allowed = std::chrono::seconds(ctx_.options->request_head_timeout_seconds + declared / rate);
    conn_.registry->SetReadDeadline(conn_.id, std::chrono::steady_clock::now() + allowed);
    if (req_.getExpectContinue() && !resp_.sent()) resp_.sendContinue();
  }
  return req_.stream();
}

Status Exchange::TakeLargeBodySlot() {
  if (!req_.hasContentLength() || req_.getContentLength64() <= (1 << 20) || large_body_slot_) return Status::Ok();
  auto slot = std::make_unique<ConcurrencyGate::Slot>(*ctx_.large_bodies);
  if (!slot->held()) return vault::UnavailableError("request.busy", "too many large uploads at once; try again shortly");
  large_body_slot_ = std::move(slot);
  return Status::Ok();
}

vault::StatusOr<Poco::JSON::Object::Ptr> Exchange::JsonBody() {
  if (req_.getContentLength64() > static_cast<Poco::Int64>(kMaxJsonBody)) {
    return vault::ResourceExhaustedError("request.too_large", "JSON body over 64 KiB");
  }
  std::string body;
  char buf[4096];
  auto& in = Body();
  while (in && body.size() <= kMaxJsonBody) {
    in.read(buf, sizeof buf);
    body.append(buf, static_cast<size_t>(in.gcount()));
  }
  if (body.size() > kMaxJsonBody) return vault::ResourceExhaustedError("request.too_large", "JSON body over 64 KiB");
  if (req_.hasContentLength() && static_cast<Poco::Int64>(body.size()) != req_.getContentLength64()) {
    return vault::InvalidArgumentError("request.truncated", "the body is shorter than its Content-Length");
  }
  if (req_.hasContentLength()) resp_.setKeepAlive(keep_alive_);  // read to its end
  return ParseJsonObject(body);
}

bool Exchange::StringBody(const std::vector<std::pair<const char*, std::string*>>& fields) {
  auto body = JsonBody();
  Status s = body.ok() ? StringFields(*body, fields) : body.status();
  if (!s.ok()) Error(s);
  return s.ok();
}

Status Exchange::StringFields(const Poco::JSON::Object::Ptr& body,
                              const std::vector<std::pair<const char*, std::string*>>& fields) {
  for (const auto& kv : *body) {
    std::string* target = nullptr;
    for (const auto& f : fields) {
      if (kv.first == f.first) target = f.second;
    }
    if (!target) return vault::InvalidArgumentError("request.unknown_field", "unknown field " + kv.first);
    if (!kv.second.isString()) return vault::InvalidArgumentError("request.bad_type", kv.first + " must be a string");
    *target = kv.second.convert<std::string>();
  }
  return Status::Ok();
}

}  // namespace vaultd
