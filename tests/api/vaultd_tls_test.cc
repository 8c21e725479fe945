// vaultd over HTTPS with a freshly generated self-signed certificate: a
// TLS 1.2 client is served, a TLS 1.1 client is refused (checked with the
// real openssl s_client, allowed to offer TLS 1.1).
#include <gtest/gtest.h>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>

#include <cstdlib>

#include "api/vaultd/server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/policy/default_roles.h"

namespace vault {
namespace {

int RunShell(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

class VaultdTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = dir_.Join("cert.pem");
    key_ = dir_.Join("key.pem");
    ASSERT_EQ(RunShell("openssl req -x509 -newkey rsa:2048 -nodes -days 1 "
                  "-subj /CN=127.0.0.1 -keyout '" + key_ + "' -out '" + cert_ + "' >/dev/null 2>&1"),
              0);
    config_ = testing::InitTestVault(dir_);
    lv_ = std::move(LocalVault::Open(config_)).value();
    policy_ = std::move(PolicyEngine::FromJson(kDefaultRolesJson)).value();
    vaultd::ServerOptions opts;
    opts.port = 0;
    opts.checkpoint_interval_seconds = 0;
    opts.tls_certificate_file = cert_;
    opts.tls_private_key_file = key_;
    server_ = std::make_unique<vaultd::VaultServer>(lv_.get(), policy_.get(), opts);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override { server_->Stop(); }

  // True when openssl s_client completes a handshake with `protocol`
  // (e.g. "TLSv1.1") against `port`. s_client's exit code is not reliable
  // for this; its "New, <protocol>, Cipher is <cipher>" line is.
  static bool Handshake(const std::string& port, const std::string& protocol, const std::string& flags) {
    return RunShell("openssl s_client -connect 127.0.0.1:" + port + " " + flags +
                    " </dev/null 2>/dev/null | grep -q 'New, " + protocol + ", Cipher is [A-Z]'") == 0;
  }
  std::string Port() const { return std::to_string(server_->port()); }

  testing::TempDir dir_;
  std::string cert_, key_;
  LocalVaultConfig config_;
  std::unique_ptr<LocalVault> lv_;
  std::unique_ptr<PolicyEngine> policy_;
  std::unique_ptr<vaultd::VaultServer> server_;
};

TEST_F(VaultdTlsTest, ServesHttpsToATls12Client) {
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", cert_,
                                                       Poco::Net::Context::VERIFY_NONE);
  Poco::Net::HTTPSClientSession s("127.0.0.1", server_->port(), ctx);
  Poco::Net::HTTPRequest req("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
  s.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  std::string body;
  Poco::StreamCopier::copyToString(s.receiveResponse(resp), body);
  EXPECT_EQ(resp.getStatus(), 200);
  EXPECT_EQ(body.rfind("{\"status\":\"ok\",", 0), 0u) << body;
  EXPECT_TRUE(Handshake(Port(), "TLSv1.2", "-tls1_2"));
}

// Under TLS the browser's session cookie is Secure and __Host- prefixed, and
// that is the cookie vaultd reads back.
TEST_F(VaultdTlsTest, ABrowserSessionCookieIsSecureWithTheHostPrefix) {
  NewUser n;
  n.username = "staff_s";
  n.role = "staff";
  n.department = "华南销售部";
  n.clearance = "internal";
  n.password = "a long enough password";
  ASSERT_TRUE(lv_->identity().AddUser(n).ok());
  Poco::Net::Context::Ptr ctx = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", cert_,
                                                       Poco::Net::Context::VERIFY_NONE);
  Poco::Net::HTTPSClientSession s("127.0.0.1", server_->port(), ctx);
  const std::string body = R"({"username":"staff_s","password":"a long enough password","cookie":true})";
  Poco::Net::HTTPRequest login("POST", "/api/v1/sessions", Poco::Net::HTTPMessage::HTTP_1_1);
  login.setContentType("application/json");
  login.setContentLength64(static_cast<Poco::Int64>(body.size()));
  s.sendRequest(login) << body;
  Poco::Net::HTTPResponse resp;
  std::string answer;
  Poco::StreamCopier::copyToString(s.receiveResponse(resp), answer);
  ASSERT_EQ(resp.getStatus(), 201) << answer;
  const std::string cookie = resp.get("Set-Cookie", "");
  EXPECT_EQ(cookie.rfind("__Host-vault_session=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;

  Poco::Net::HTTPRequest me("GET", "/api/v1/sessions/current", Poco::Net::HTTPMessage::HTTP_1_1);
  me.set("Cookie", cookie.substr(0, cookie.find(';')));
  s.sendRequest(me);
  Poco::Net::HTTPResponse who;
  Poco::StreamCopier::copyToString(s.receiveResponse(who), answer);
  EXPECT_EQ(who.getStatus(), 200) << answer;
  // The unprefixed name, which a plain-HTTP page could have set, is not read.
  Poco::Net::HTTPRequest plain("GET", "/api/v1/sessions/current", Poco::Net::HTTPMessage::HTTP_1_1);
  plain.set("Cookie", "vault_session=" + cookie.substr(21, cookie.find(';') - 21));
  s.sendRequest(plain);
  Poco::Net::HTTPResponse refused;
  Poco::StreamCopier::copyToString(s.receiveResponse(refused), answer);
  EXPECT_EQ(refused.getStatus(), 401) << answer;
}

// The requirement, end to end: a client offering TLS 1.1 or 1.0 gets no
// session. Honest limit: Debian 12's OpenSSL 3 cannot complete a TLS 1.1
// handshake at all (even against `openssl s_server -tls1_1` with
// SECLEVEL=0, checked by hand), so this cannot isolate vaultd's own
// requireMinimumProtocol(TLSv1.2), which guards hosts whose OpenSSL is laxer.
TEST_F(VaultdTlsTest, RefusesTls11) {
  EXPECT_FALSE(Handshake(Port(), "TLSv1.1", "-tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'"));
  EXPECT_FALSE(Handshake(Port(), "TLSv1", "-tls1 -cipher 'DEFAULT:@SECLEVEL=0'"));
  EXPECT_TRUE(Handshake(Port(), "TLSv1.2", "-tls1_2"));
}

TEST_F(VaultdTlsTest, PlainHttpToTheTlsPortFails) {
  Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
  s.setTimeout(Poco::Timespan(5, 0));
  bool served = false;
  try {
    Poco::Net::HTTPRequest req("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
    s.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    s.receiveResponse(resp);
    served = resp.getStatus() == 200;
  } catch (const Poco::Exception&) {
    served = false;
  }
  EXPECT_FALSE(served);
}

TEST(VaultdTlsConfigTest, CertificateWithoutKeyIsAConfigError) {
  vaultd::ServerOptions opts;
  opts.port = 0;
  opts.tls_certificate_file = "/nonexistent/cert.pem";
  vaultd::VaultServer server(nullptr, nullptr, opts);
  EXPECT_EQ(server.Start().reason(), "config.tls");
}

}  // namespace
}  // namespace vault
