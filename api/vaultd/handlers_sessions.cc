// POST /api/v1/sessions (login, with a bearer token or a browser's cookie),
// GET /api/v1/sessions/current (who am I) and DELETE /api/v1/sessions/current.
#include "api/vaultd/browser_session.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"

namespace vaultd {

using vault::Status;

void HandleLogin(Exchange& ex, const PathParams&) {
  auto body = ex.JsonBody();
  if (!body.ok()) return ex.Error(body.status());
  for (const auto& kv : **body) {
    if (kv.first != "username" && kv.first != "password" && kv.first != "cookie") {
      return ex.Error(vault::InvalidArgumentError("request.unknown_field", "unknown field " + kv.first));
    }
  }
  bool cookie = false;
  if ((*body)->has("cookie")) {
    auto c = (*body)->get("cookie");
    if (!c.isBoolean()) return ex.Error(vault::InvalidArgumentError("request.bad_type", "cookie must be true or false"));
    cookie = c.convert<bool>();
  }
  if (cookie) {
    // A form on another site can post text/plain but not application/json,
    // and a cross-site fetch of JSON needs a preflight vaultd never grants:
    // nobody logs a browser into an account of their choosing.
    const std::string type = ex.req().getContentType();
    if (type.rfind("application/json", 0) != 0 || ex.req().get("Sec-Fetch-Site", "same-origin") == "cross-site") {
      Status refused(vault::StatusCode::kPermissionDenied, "auth.csrf", "a browser login must come from the vault's own page");
      ex.Audit("session.create", "-", refused);
      return ex.Error(refused);
    }
  }
  auto u = (*body)->get("username");
  auto p = (*body)->get("password");
  if (!u.isString() || !p.isString()) {
    return ex.Error(vault::InvalidArgumentError("request.bad_type", "username and password must be strings"));
  }
  // Audited as typed, escaped and bounded by Exchange::Audit: a newline in
  // it must not start a row of its own in the log.
  std::string username = u.convert<std::string>();
  if (username.size() > 64) username.resize(64);  // audit only a bounded name
  ex.SetActorName(username);
  // Each check costs an Argon2id run (64 MiB by default): refuse, rather
  // than queue, what exceeds the configured concurrency.
  ConcurrencyGate::Slot slot(*ex.ctx().logins);
  if (!slot.held()) {
    ex.ctx().metrics->logins_refused_busy++;
    Status busy = vault::UnavailableError("auth.busy", "too many logins at once; retry in a second");
    ex.Audit("session.create", username, busy);
    return ex.Error(busy);
  }
  auto login = ex.ctx().vault->identity().Login(u.convert<std::string>(), p.convert<std::string>());
  ex.Audit("session.create", username, login.status());
  if (!login.ok()) return ex.Error(login.status());
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  if (cookie) {
    // The page never sees the token, only what it needs to send with changes.
    ex.resp().set("Set-Cookie", SessionCookie(login->token, ex.tls()));
    o->set("csrf_token", CsrfTokenFor(login->token));
  } else {
    o->set("token", login->token);
  }
  o->set("expires_at", login->expires_at);
  o->set("role", login->user.role);
  ex.SendObject(201, o);
}

void HandleCurrentSession(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("session.read", "current")) return;
  if (!ex.AuditOrFail("session.read", "current")) return;
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("username", ex.subject().username);
  o->set("display_name", ex.display_name());
  o->set("role", ex.subject().role);
  o->set("department", ex.subject().department);
  o->set("clearance", ex.subject().clearance);
  Poco::JSON::Array::Ptr customers = new Poco::JSON::Array;
  for (const auto& c : ex.subject().customers) customers->add(c);
  o->set("customers", customers);
  o->set("cookie", ex.cookie_session());
  // A reloaded page gets its CSRF token back from here.
  if (ex.cookie_session()) o->set("csrf_token", CsrfTokenFor(ex.token()));
  ex.SendObject(200, o);
}

void HandleLogout(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("session.delete", "current")) return;
  Status s = ex.ctx().vault->identity().Logout(ex.token());
  ex.Audit("session.delete", "current", s);
  if (!s.ok()) return ex.Error(s);
  if (ex.cookie_session()) ex.resp().set("Set-Cookie", ClearedSessionCookie(ex.tls()));
  ex.NoContent();
}

}  // namespace vaultd
