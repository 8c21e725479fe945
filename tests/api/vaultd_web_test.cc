// The web UI's side of vaultd: its static files (SPA fallback, caching,
// content types, no way out of the web root), browser sessions by cookie
// with CSRF tokens, and the headers every answer carries.
#include <gmock/gmock.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/Net/HTTPCookie.h>

#include <algorithm>
#include <map>
#include <thread>

#include "api/vaultd/browser_session.h"
#include "tests/api/vaultd_fixture.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::Reply;

struct WebReply {
  int status = 0;
  std::string body;
  Poco::Net::NameValueCollection headers;
  std::vector<std::string> set_cookies;
  std::string header(const std::string& name) const { return headers.get(name, ""); }
  std::string error_code() const {
    Poco::JSON::Parser p;
    return p.parse(body).extract<Poco::JSON::Object::Ptr>()->getObject("error")->getValue<std::string>("code");
  }
};

class VaultdWebTest : public testing::VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    ASSERT_TRUE(lv_->identity().AssignCustomer("staff_s", "C001").ok());  // staff see their customers
    root_ = web_.Join("dist");
    ::mkdir(root_.c_str(), 0755);
    ::mkdir((root_ + "/assets").c_str(), 0755);
    testing::WriteFile(root_ + "/index.html", "<!doctype html><title>vault</title><div id=app></div>");
    testing::WriteFile(root_ + "/assets/index-abc123.js", "console.log(1)");
    testing::WriteFile(root_ + "/assets/index-abc123.css", "body{}");
    testing::WriteFile(root_ + "/favicon.svg", "<svg/>");
    testing::WriteFile(root_ + "/.env", "SECRET=1");
    testing::WriteFile(web_.Join("outside.txt"), "outside the web root");
    EXPECT_EQ(::symlink(web_.Join("outside.txt").c_str(), (root_ + "/escape.txt").c_str()), 0);
    EXPECT_EQ(::symlink(web_.path().c_str(), (root_ + "/up").c_str()), 0);
    opts.web_root = root_;
  }

  WebReply Send(const std::string& method, const std::string& path,
                const std::map<std::string, std::string>& headers = {}, const std::string& body = "",
                const std::string& content_type = "application/json") {
    Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST") {
      req.setContentType(content_type);
      req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = s.receiveResponse(resp);
    WebReply r;
    r.status = resp.getStatus();
    for (const auto& kv : resp) {
      if (Poco::icompare(kv.first, "Set-Cookie") == 0) r.set_cookies.push_back(kv.second);
      r.headers.add(kv.first, kv.second);
    }
    Poco::StreamCopier::copyToString(in, r.body);
    return r;
  }

  // Logs in as a browser does; returns the cookie header and the CSRF token.
  std::pair<std::string, std::string> BrowserLogin(const std::string& user) {
    WebReply r = Send("POST", "/api/v1/sessions", {},
                      "{\"username\":\"" + user + "\",\"password\":\"" + kPassword + "\",\"cookie\":true}");
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.set_cookies.size(), 1u);
    std::string cookie = r.set_cookies.empty() ? "" : r.set_cookies[0].substr(0, r.set_cookies[0].find(';'));
    Poco::JSON::Parser p;
    auto o = p.parse(r.body).extract<Poco::JSON::Object::Ptr>();
    return {cookie, o->optValue<std::string>("csrf_token", "")};
  }

  testing::TempDir web_;
  std::string root_;
};

// --- static files ------------------------------------------------------------

TEST_F(VaultdWebTest, ServesTheAppAtTheRootWithoutCaching) {
  WebReply r = Send("GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.body, HasSubstr("<div id=app>"));
  EXPECT_EQ(r.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.header("Cache-Control"), "no-cache");
}

TEST_F(VaultdWebTest, ClientRoutesFallBackToTheApp) {
  for (const char* path : {"/search", "/records/DA-2026-0001", "/loans/JY1/return", "/assets/"}) {
    WebReply r = Send("GET", path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_THAT(r.body, HasSubstr("<div id=app>")) << path;
  }
}

TEST_F(VaultdWebTest, HashedAssetsAreCachedForAYearWithTheirType) {
  WebReply js = Send("GET", "/assets/index-abc123.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Send("GET", "/assets/index-abc123.css").header("Content-Type"), "text/css; charset=utf-8");
  WebReply svg = Send("GET", "/favicon.svg");
  EXPECT_EQ(svg.header("Content-Type"), "image/svg+xml");
  EXPECT_EQ(svg.header("Cache-Control"), "no-cache");
}

TEST_F(VaultdWebTest, HeadAnswersHeadersOnly) {
  WebReply r = Send("HEAD", "/assets/index-abc123.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Length"), "14");
  EXPECT_EQ(r.body, "");
}

TEST_F(VaultdWebTest, MissingFilesAreNotFoundNotTheApp) {
  WebReply r = Send("GET", "/assets/missing-123.js");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "web.not_found");
}

TEST_F(VaultdWebTest, RefusesEveryWayOutOfTheWebRoot) {
  for (const char* path : {"/../outside.txt", "/assets/../../outside.txt", "/%2e%2e/outside.txt",
                           "/assets/%2e%2e/%2e%2e/outside.txt", "/..%2foutside.txt", "/assets%2f..%2f..%2foutside.txt",
                           "/assets/..%5c..%5coutside.txt"}) {
    WebReply r = Send("GET", path);
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_THAT(r.body, Not(HasSubstr("outside the web root"))) << path;
  }
  // Symlinks that lead out of the root are not followed out of it.
  for (const char* path : {"/escape.txt", "/up/outside.txt"}) {
    WebReply r = Send("GET", path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_THAT(r.body, Not(HasSubstr("outside the web root"))) << path;
  }
  // Hidden files are never served.
  WebReply hidden = Send("GET", "/.env");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_THAT(hidden.body, Not(HasSubstr("SECRET")));
}

TEST_F(VaultdWebTest, ApiPathsAndOtherMethodsNeverReachTheFiles) {
  WebReply api = Send("GET", "/api/v1/nothing-here");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.error_code(), "request.no_route");
  WebReply post = Send("POST", "/index.html", {}, "{}");
  EXPECT_EQ(post.status, 404);
  EXPECT_EQ(post.error_code(), "request.no_route");
}

TEST_F(VaultdWebTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const char* path : {"/", "/assets/index-abc123.js", "/api/v1/documents", "/healthz"}) {
    WebReply r = Send("GET", path);
    const std::string csp = r.header("Content-Security-Policy");
    EXPECT_THAT(csp, HasSubstr("script-src 'self';")) << path;
    EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'")) << path;
    EXPECT_THAT(csp, Not(HasSubstr("unsafe-eval"))) << path;
    EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer") << path;
  }
  EXPECT_EQ(Send("GET", "/api/v1/documents").header("Cache-Control"), "no-store");
}

TEST_F(VaultdWebTest, StampedCopiesAreNeverCached) {
  const std::string token = Login("archivist");
  WebReply r = Send("POST", "/api/v1/documents/" + south_.id + "/exports", {{"Authorization", "Bearer " + token}}, "{}");
  // The test documents are text, which the export refuses; the header is on
  // every API answer, refusals and copies alike.
  EXPECT_EQ(r.header("Cache-Control"), "no-store");
}

TEST_F(VaultdWebTest, AnUnbuiltUiSaysSo) {
  ASSERT_EQ(::unlink((root_ + "/index.html").c_str()), 0);
  WebReply r = Send("GET", "/search");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "web.not_built");
}

// --- browser sessions ----------------------------------------------------------

TEST_F(VaultdWebTest, BrowserLoginSetsAnHttpOnlyStrictCookieAndNoToken) {
  WebReply r = Send("POST", "/api/v1/sessions", {},
                    std::string("{\"username\":\"staff_s\",\"password\":\"") + kPassword + "\",\"cookie\":true}");
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(r.set_cookies.size(), 1u);
  const std::string& c = r.set_cookies[0];
  EXPECT_EQ(c.rfind("vault_session=", 0), 0u) << c;
  EXPECT_THAT(c, HasSubstr("; HttpOnly"));
  EXPECT_THAT(c, HasSubstr("; SameSite=Strict"));
  EXPECT_THAT(c, HasSubstr("; Path=/"));
  EXPECT_THAT(c, Not(HasSubstr("Secure")));  // plain HTTP: browsers would drop it
  EXPECT_THAT(r.body, HasSubstr("\"csrf_token\""));
  EXPECT_THAT(r.body, Not(HasSubstr("\"token\"")));
  const std::string token = c.substr(14, c.find(';') - 14);
  EXPECT_THAT(r.body, Not(HasSubstr(token)));
}

TEST_F(VaultdWebTest, UnderTlsTheCookieIsSecureWithTheHostPrefix) {
  const std::string c = vaultd::SessionCookie("abc", true);
  EXPECT_EQ(c.rfind("__Host-vault_session=abc; Path=/;", 0), 0u) << c;
  EXPECT_THAT(c, HasSubstr("; Secure"));
  EXPECT_THAT(c, HasSubstr("; HttpOnly"));
  EXPECT_THAT(c, Not(HasSubstr("Domain")));
  EXPECT_THAT(vaultd::ClearedSessionCookie(true), HasSubstr("Max-Age=0"));
}

TEST_F(VaultdWebTest, TheCookieAuthenticatesReadsAndTellsWhoIAm) {
  auto [cookie, csrf] = BrowserLogin("staff_s");
  WebReply me = Send("GET", "/api/v1/sessions/current", {{"Cookie", cookie}});
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_THAT(me.body, HasSubstr("\"username\":\"staff_s\""));
  EXPECT_THAT(me.body, HasSubstr("\"csrf_token\":\"" + csrf + "\""));
  EXPECT_EQ(Send("GET", "/api/v1/documents", {{"Cookie", cookie}}).status, 200);
  AuditFilter filter;
  filter.actor = "staff_s";
  filter.action = "session.read";
  auto events = lv_->audit().List(filter);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);
}

TEST_F(VaultdWebTest, AFailedLoginLeavesTheBrowsersSessionAlone) {
  auto [cookie, csrf] = BrowserLogin("staff_s");
  WebReply failed = Send("POST", "/api/v1/sessions", {{"Cookie", cookie}},
                         "{\"username\":\"staff_s\",\"password\":\"wrong\",\"cookie\":true}");
  EXPECT_EQ(failed.status, 401);
  EXPECT_TRUE(failed.set_cookies.empty());
  EXPECT_EQ(Send("GET", "/api/v1/sessions/current", {{"Cookie", cookie}}).status, 200);
}

TEST_F(VaultdWebTest, ChangesByCookieWithoutTheCsrfTokenAreRefused) {
  auto [cookie, csrf] = BrowserLogin("staff_s");
  const std::string loan = "{\"documents\":[\"" + south_.id + "\"],\"purpose\":\"客户回访\"}";
  WebReply none = Send("POST", "/api/v1/borrows", {{"Cookie", cookie}}, loan);
  EXPECT_EQ(none.status, 403);
  EXPECT_EQ(none.error_code(), "auth.csrf");
  std::string wrong = csrf;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  WebReply bad = Send("POST", "/api/v1/borrows", {{"Cookie", cookie}, {"X-CSRF-Token", wrong}}, loan);
  EXPECT_EQ(bad.status, 403);
  EXPECT_EQ(bad.error_code(), "auth.csrf");
  // Another session's token does not do either.
  auto [other_cookie, other_csrf] = BrowserLogin("staff_s");
  EXPECT_EQ(Send("POST", "/api/v1/borrows", {{"Cookie", cookie}, {"X-CSRF-Token", other_csrf}}, loan).status, 403);
  EXPECT_EQ(Send("DELETE", "/api/v1/sessions/current", {{"Cookie", cookie}}).status, 403);
  // Nothing was asked for; the refusal is in the audit log.
  AuditFilter filter;
  filter.actor = "staff_s";
  filter.limit = 1000;
  auto events = lv_->audit().List(filter);
  ASSERT_TRUE(events.ok());
  int csrf_refusals = 0;
  for (const auto& e : *events) csrf_refusals += e.record.detail == "auth.csrf" && e.record.outcome == "denied";
  EXPECT_GE(csrf_refusals, 3);
  WebReply ok = Send("POST", "/api/v1/borrows", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}}, loan);
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST_F(VaultdWebTest, BearerTokensNeedNoCsrfToken) {
  const std::string loan = "{\"documents\":[\"" + south_.id + "\"],\"purpose\":\"客户回访\"}";
  Reply r = Call("POST", "/api/v1/borrows", Login("staff_s"), loan);
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(VaultdWebTest, ABrowserLoginMustComeAsJsonFromTheVaultsOwnPage) {
  const std::string body = std::string("{\"username\":\"staff_s\",\"password\":\"") + kPassword + "\",\"cookie\":true}";
  WebReply form = Send("POST", "/api/v1/sessions", {}, body, "text/plain");
  EXPECT_EQ(form.status, 403);
  EXPECT_EQ(form.error_code(), "auth.csrf");
  EXPECT_TRUE(form.set_cookies.empty());
  WebReply cross = Send("POST", "/api/v1/sessions", {{"Sec-Fetch-Site", "cross-site"}}, body);
  EXPECT_EQ(cross.status, 403);
  EXPECT_TRUE(cross.set_cookies.empty());
  WebReply bad = Send("POST", "/api/v1/sessions", {}, std::string("{\"username\":\"staff_s\",\"password\":\"x\",\"cookie\":\"yes\"}"));
  EXPECT_EQ(bad.error_code(), "request.bad_type");
}

TEST_F(VaultdWebTest, LogoutEndsTheSessionAndClearsTheCookie) {
  auto [cookie, csrf] = BrowserLogin("staff_s");
  WebReply out = Send("DELETE", "/api/v1/sessions/current", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 204);
  ASSERT_EQ(out.set_cookies.size(), 1u);
  EXPECT_THAT(out.set_cookies[0], HasSubstr("Max-Age=0"));
  WebReply after = Send("GET", "/api/v1/sessions/current", {{"Cookie", cookie}});
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.error_code(), "auth.revoked");
  ASSERT_EQ(after.set_cookies.size(), 1u);  // the stale cookie is dropped
  EXPECT_THAT(after.set_cookies[0], HasSubstr("Max-Age=0"));
}

TEST_F(VaultdWebTest, ADisabledAccountsCookieStopsWorking) {
  auto [cookie, csrf] = BrowserLogin("staff_s");
  ASSERT_TRUE(lv_->identity().SetDisabled("staff_s", true).ok());
  // Disabling ends the account's sessions; logging in again says why.
  WebReply r = Send("GET", "/api/v1/sessions/current", {{"Cookie", cookie}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error_code(), "auth.revoked");
  WebReply again = Send("POST", "/api/v1/sessions", {},
                        std::string("{\"username\":\"staff_s\",\"password\":\"") + kPassword + "\",\"cookie\":true}");
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(again.error_code(), "auth.disabled");
  EXPECT_TRUE(again.set_cookies.empty());
}

class VaultdWebShortSessionTest : public VaultdWebTest {
 protected:
  void ConfigureVault(LocalVaultConfig& config) override { config.login_policy.token_lifetime = std::chrono::seconds(1); }
};

TEST_F(VaultdWebShortSessionTest, AnExpiredSessionSaysSoAndDropsTheCookie) {
  auto [cookie, csrf] = BrowserLogin("staff_s");
  ASSERT_EQ(Send("GET", "/api/v1/sessions/current", {{"Cookie", cookie}}).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  WebReply r = Send("GET", "/api/v1/documents", {{"Cookie", cookie}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.error_code(), "auth.expired");
  ASSERT_EQ(r.set_cookies.size(), 1u);
  EXPECT_THAT(r.set_cookies[0], HasSubstr("Max-Age=0"));
}

// --- what may I do with this record ---------------------------------------------

TEST_F(VaultdWebTest, ActionsSayWhatTheCallerMayDoAndWhyNot) {
  Reply staff = Call("GET", "/api/v1/documents/" + south_.id + "/actions", Login("staff_s"));
  ASSERT_EQ(staff.status, 200) << staff.body;
  auto o = staff.json();
  EXPECT_TRUE(o->getObject("export")->getValue<bool>("allowed"));
  EXPECT_TRUE(o->getObject("borrow")->getValue<bool>("allowed"));
  auto rule = o->getObject("loan_rule");
  EXPECT_EQ(rule->getValue<std::string>("name"), "contract");  // internal contract
  EXPECT_EQ(rule->getValue<int>("max_days"), 30);
  EXPECT_EQ(rule->getArray("approval_chain")->getElement<std::string>(0), "dept_manager");

  Reply auditor = Call("GET", "/api/v1/documents/" + south_.id + "/actions", Login("auditor1"));
  ASSERT_EQ(auditor.status, 200) << auditor.body;
  auto a = auditor.json();
  EXPECT_FALSE(a->getObject("export")->getValue<bool>("allowed"));
  EXPECT_EQ(a->getObject("export")->getValue<std::string>("reason"), "access.denied");
  EXPECT_FALSE(a->getObject("borrow")->getValue<bool>("allowed"));

  // A record the caller may not see does not exist for them.
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + east_.id + "/actions", Login("staff_s")).status, 404);
}

// --- sorting the search by date, across pages --------------------------------------

TEST_F(VaultdWebTest, SearchSortsByTimeFiledAcrossPages) {
  const std::string token = Login("archivist");
  auto ids = [&](const std::string& query) {
    std::vector<std::string> out;
    for (int offset = 0; offset < 3; ++offset) {  // one per page
      Reply r = Call("GET", "/api/v1/documents?limit=1&offset=" + std::to_string(offset) + query, token);
      EXPECT_EQ(r.status, 200) << r.body;
      out.push_back(r.json()->getArray("items")->getObject(0)->getValue<std::string>("id"));
    }
    return out;
  };
  std::vector<std::string> newest = ids("");
  std::vector<std::string> oldest = ids("&order=oldest");
  EXPECT_EQ(ids("&order=newest"), newest);
  std::reverse(oldest.begin(), oldest.end());
  EXPECT_EQ(oldest, newest);
  EXPECT_EQ(Call("GET", "/api/v1/documents?order=sideways", token).error_code(), "request.bad_parameter");
}

TEST(BrowserSessionTest, CsrfTokensAreBoundToTheirSession) {
  const std::string a = vaultd::CsrfTokenFor("token-a");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a, vaultd::CsrfTokenFor("token-a"));
  EXPECT_NE(a, vaultd::CsrfTokenFor("token-b"));
  EXPECT_TRUE(vaultd::CsrfTokenMatches("token-a", a));
  EXPECT_FALSE(vaultd::CsrfTokenMatches("token-b", a));
  EXPECT_FALSE(vaultd::CsrfTokenMatches("token-a", ""));
  EXPECT_FALSE(vaultd::CsrfTokenMatches("token-a", a.substr(0, 63)));
  EXPECT_FALSE(vaultd::CsrfTokenMatches("token-a", "token-a"));
}

}  // namespace
}  // namespace vault
