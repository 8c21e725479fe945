// POST /api/v1/sessions (login) and DELETE /api/v1/sessions/current.
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"

namespace vaultd {

using vault::Status;

void HandleLogin(Exchange& ex, const PathParams&) {
  auto body = ex.JsonBody();
  if (!body.ok()) return ex.Error(body.status());
  for (const auto& kv : **body) {
    if (kv.first != "username" && kv.first != "password") {
      return ex.Error(vault::InvalidArgumentError("request.unknown_field", "unknown field " + kv.first));
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
  o->set("token", login->token);
  o->set("expires_at", login->expires_at);
  o->set("role", login->user.role);
  ex.SendObject(201, o);
}

void HandleLogout(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("session.delete", "current")) return;
  Status s = ex.ctx().vault->identity().Logout(ex.token());
  ex.Audit("session.delete", "current", s);
  if (!s.ok()) return ex.Error(s);
  ex.NoContent();
}

}  // namespace vaultd
