#include "api/vaultd/browser_session.h"

#include <Poco/Net/NameValueCollection.h>
#include <sodium.h>

#include "vault/base/hex.h"

namespace vaultd {

namespace {

constexpr char kCsrfLabel[] = "vaultd csrf token v1";

std::string CsrfBytes(const std::string& session_token) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(session_token.data()),
                              session_token.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(kCsrfLabel), sizeof kCsrfLabel - 1);
  crypto_auth_hmacsha256_final(&st, mac);
  sodium_memzero(&st, sizeof st);
  return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

}  // namespace

std::string SessionCookieName(bool tls) { return tls ? "__Host-vault_session" : "vault_session"; }

std::string SessionCookie(const std::string& token, bool tls) {
  return SessionCookieName(tls) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
}

std::string ClearedSessionCookie(bool tls) {
  return SessionCookieName(tls) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : "");
}

std::string SessionTokenFromCookies(const Poco::Net::HTTPRequest& req, bool tls) {
  Poco::Net::NameValueCollection cookies;
  req.getCookies(cookies);
  return cookies.get(SessionCookieName(tls), "");
}

std::string CsrfTokenFor(const std::string& session_token) {
  std::string mac = CsrfBytes(session_token);
  return vault::HexEncode(reinterpret_cast<const uint8_t*>(mac.data()), mac.size());
}

bool CsrfTokenMatches(const std::string& session_token, const std::string& presented) {
  const std::string want = CsrfTokenFor(session_token);
  if (presented.size() != want.size()) return false;
  return sodium_memcmp(want.data(), presented.data(), want.size()) == 0;
}

bool IsSafeMethod(const std::string& method) { return method == "GET" || method == "HEAD"; }

}  // namespace vaultd
