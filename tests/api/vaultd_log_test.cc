// vaultd's operational log through the real server: every line is one JSON
// object (vaultd.log_format = json) with time, level and event; each request
// line carries the request id the client got in X-Request-Id; no line holds
// a password, a session token or a query string; the level filters; the
// text format stays one line per event.
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <mutex>
#include <regex>
#include <vector>

#include "api/vaultd/event_log.h"
#include "tests/api/vaultd_fixture.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class LogLines {
 public:
  std::function<void(const std::string&)> Sink() {
    return [this](const std::string& line) {
      std::lock_guard<std::mutex> lock(mu_);
      lines_.push_back(line);
    };
  }
  std::vector<std::string> Lines() {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

class VaultdLogTest : public testing::VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    opts.log = std::make_shared<vaultd::EventLog>(settings_, nullptr, lines_.Sink());
  }
  // Sends a request and returns the X-Request-Id the server answered with.
  std::string RequestId(const std::string& method, const std::string& path,
                        const std::string& token) {
    Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + token);
    s.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::string body;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), body);
    return resp.get("X-Request-Id", "");
  }
  // Every handler has returned (the request line is written after the answer).
  std::vector<std::string> LinesAfterStop() {
    server_->Stop();
    return lines_.Lines();
  }

  vaultd::LogSettings settings_{vaultd::LogFormat::kJson, vaultd::LogLevel::kDebug};
  LogLines lines_;
};

TEST_F(VaultdLogTest, EveryLineIsAJsonObjectWithTheRequestIdAndNoSecret) {
  const std::string token = Login("manager_s");
  const std::string wrong_password = "wrong-password-5f1e77";
  EXPECT_EQ(Call("POST", "/api/v1/sessions", "",
                 R"({"username":"manager_s","password":")" + wrong_password + R"("})")
                .status,
            401);
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id, token).status, 200);
  const std::string id = RequestId("GET", "/api/v1/documents?tag=" + token, token);
  ASSERT_THAT(id, ::testing::MatchesRegex("[0-9a-f]{16}"));
  EXPECT_EQ(Call("GET", "/api/v1/no/such/route", token).status, 404);

  const std::vector<std::string> lines = LinesAfterStop();
  ASSERT_GE(lines.size(), 5u);
  int requests = 0;
  bool found_id = false, found_user = false;
  for (const std::string& line : lines) {
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_THAT(line, Not(HasSubstr(kPassword)));
    EXPECT_THAT(line, Not(HasSubstr(wrong_password)));
    EXPECT_THAT(line, Not(HasSubstr(token)));
    Poco::JSON::Object::Ptr o;
    ASSERT_NO_THROW(o = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>())
        << line;
    EXPECT_TRUE(o->has("time") && o->has("level") && o->has("event")) << line;
    if (o->getValue<std::string>("event") != "http.request") continue;
    ++requests;
    const std::string rid = o->getValue<std::string>("request_id");
    EXPECT_TRUE(std::regex_match(rid, std::regex("[0-9a-f]{16}"))) << line;
    EXPECT_EQ(o->getValue<std::string>("path").find('?'), std::string::npos)
        << "no query string: " << line;
    if (rid == id) {
      found_id = true;
      EXPECT_EQ(o->getValue<std::string>("path"), "/api/v1/documents");
      EXPECT_EQ(o->getValue<int>("status"), 200);
      EXPECT_EQ(o->getValue<std::string>("user"), "manager_s");
    }
    if (o->has("user")) found_user = true;
    if (o->getValue<int>("status") == 401) {
      EXPECT_FALSE(o->has("user")) << "a failed login's typed name is not logged: " << line;
      EXPECT_EQ(o->getValue<std::string>("error"), "auth.failed") << line;
    }
  }
  EXPECT_EQ(requests, 5);
  EXPECT_TRUE(found_id) << "the X-Request-Id the client saw is in the log";
  EXPECT_TRUE(found_user);
}

class VaultdLogLevelTest : public VaultdLogTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    settings_.level = vaultd::LogLevel::kWarning;
    VaultdLogTest::Configure(opts);
  }
};

TEST_F(VaultdLogLevelTest, LevelWarningLeavesOutAnsweredRequests) {
  const std::string token = Login("manager_s");
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id, token).status, 200);
  for (const std::string& line : LinesAfterStop())
    EXPECT_THAT(line, Not(HasSubstr("http.request")));
}

class VaultdTextLogTest : public VaultdLogTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    settings_.format = vaultd::LogFormat::kText;
    VaultdLogTest::Configure(opts);
  }
};

TEST_F(VaultdTextLogTest, TextLinesNameTheRequestIdOnOneLine) {
  const std::string token = Login("manager_s");
  const std::string id = RequestId("GET", "/api/v1/documents/" + south_.id, token);
  bool found = false;
  for (const std::string& line : LinesAfterStop()) {
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_THAT(line, Not(HasSubstr(token)));
    if (line.find("request_id=" + id) != std::string::npos) {
      found = true;
      EXPECT_THAT(line, HasSubstr(" info http.request "));
      EXPECT_THAT(line, HasSubstr("status=200"));
    }
  }
  EXPECT_TRUE(found);
}

TEST(EventLogTest, JsonValuesRoundTripQuotesBackslashesAndChinese) {
  std::string line;
  vaultd::EventLog log({vaultd::LogFormat::kJson, vaultd::LogLevel::kInfo}, nullptr,
                       [&](const std::string& l) { line = l; });
  log.Write(vaultd::LogLevel::kInfo, "test.event",
            {{"text", "say \"合同\" C:\\path"}, {"bad_utf8", "a\xff"}, {"n", int64_t{-7}}});
  Poco::JSON::Object::Ptr o;
  ASSERT_NO_THROW(o = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>()) << line;
  EXPECT_EQ(o->getValue<std::string>("text"), "say \"合同\" C:\\path");
  EXPECT_EQ(o->getValue<std::string>("bad_utf8"), "a\\xff") << "made visible, the line stays valid UTF-8";
  EXPECT_EQ(o->getValue<int64_t>("n"), -7);
  EXPECT_EQ(o->getValue<std::string>("event"), "test.event");
}

TEST(EventLogTest, ControlCharactersCannotForgeALine) {
  std::vector<std::string> lines;
  for (auto format : {vaultd::LogFormat::kJson, vaultd::LogFormat::kText}) {
    vaultd::EventLog log({format, vaultd::LogLevel::kInfo}, nullptr,
                         [&](const std::string& line) { lines.push_back(line); });
    log.Write(vaultd::LogLevel::kInfo, "test.event",
              {{"path", "/a\n2026-01-01T00:00:00Z error forged=1"}});
    log.Write(vaultd::LogLevel::kDebug, "test.hidden");
  }
  ASSERT_EQ(lines.size(), 2u) << "debug is below info";
  for (const auto& line : lines) EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  EXPECT_NO_THROW(Poco::JSON::Parser().parse(lines[0]));
}

}  // namespace
}  // namespace vault
