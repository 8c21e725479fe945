// Browser sessions: how the web UI holds a session without ever seeing its
// token.
//
// A browser logs in with POST /api/v1/sessions {"cookie": true}: the token
// goes into an HttpOnly, SameSite=Strict cookie (Secure and the __Host-
// prefix under TLS) that scripts cannot read, and the answer carries a CSRF
// token instead. A request authenticated by that cookie which changes
// anything (any method but GET and HEAD) must send the CSRF token in the
// X-CSRF-Token header; a page on another site can make the browser send
// the cookie (where SameSite does not stop it) but cannot read or compute
// the CSRF token. Bearer tokens (API, CLI) need no CSRF token: browsers
// never attach them on their own.
//
// The CSRF token is HMAC-SHA256 keyed with the session token over a fixed
// label: bound to the session, nothing to store, and it reveals nothing
// about the session token. Compared in constant time.
//
// Thread-safety: pure functions.
#pragma once

#include <Poco/Net/HTTPRequest.h>

#include <string>

namespace vaultd {

inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

// "__Host-vault_session" under TLS, "vault_session" over plain HTTP
// (browsers refuse the __Host- prefix without Secure).
std::string SessionCookieName(bool tls);
// The Set-Cookie value that starts a browser session (a session cookie:
// the server's token lifetime still applies).
std::string SessionCookie(const std::string& token, bool tls);
// The Set-Cookie value that removes it (logout).
std::string ClearedSessionCookie(bool tls);
// The session token from the request's Cookie header; empty without one.
std::string SessionTokenFromCookies(const Poco::Net::HTTPRequest& req, bool tls);
// The CSRF token of a session: 64 hex characters.
std::string CsrfTokenFor(const std::string& session_token);
// Whether `presented` is the CSRF token of `session_token` (constant time).
bool CsrfTokenMatches(const std::string& session_token, const std::string& presented);
// GET and HEAD change nothing and need no CSRF token.
bool IsSafeMethod(const std::string& method);

}  // namespace vaultd
