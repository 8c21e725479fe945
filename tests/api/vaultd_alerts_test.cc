// Alerts over real HTTP: vaultd's pass raises them from the requests it
// audited (fake clock, small thresholds), archive admins and auditors list
// them with their evidence, archive admins acknowledge them (audited),
// other roles get 403 access.denied.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "tests/alerts/alert_test_fixture.h"
#include "tests/api/vaultd_fixture.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::Reply;

class VaultdAlertsTest : public testing::VaultdTest {
 protected:
  void ConfigureVault(LocalVaultConfig& config) override { config.clock = &clock_; }
  void Configure(vaultd::ServerOptions& opts) override {
    opts.clock = &clock_;
    opts.borrow_schedule_seconds = 0;
    opts.alert_scan_seconds = 0;  // the test runs the passes
    opts.alerts_json = testing::kTestAlertsJson;
  }

  Poco::JSON::Array::Ptr Items(const Reply& r) { return r.json()->getArray("items"); }

  void Pass() {
    auto r = server_->RunAlertPass();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // A login sent from `source` (a loopback address other than 127.0.0.1).
  int LoginFrom(const std::string& source, const std::string& user) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
    socket.impl()->bind(Poco::Net::SocketAddress(source, 0), false);
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
    Poco::Net::HTTPClientSession s(socket);
    const std::string body = R"({"username":")" + user + R"(","password":")" + kPassword + "\"}";
    Poco::Net::HTTPRequest req("POST", "/api/v1/sessions", Poco::Net::HTTPMessage::HTTP_1_1);
    req.setContentType("application/json");
    req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::string ignored;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), ignored);
    return resp.getStatus();
  }

  // Monday 2026-12-07, 10:00 at UTC+08:00.
  FakeClock clock_{[] {
    TimePoint t;
    ParseUtc("2026-12-07T02:00:00Z", &t);
    return t;
  }()};
};

TEST_F(VaultdAlertsTest, AViewBurstIsListedWithItsEvidenceAndAcknowledgedOnce) {
  const std::string staff = Login("manager_s");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Call("GET", "/api/v1/documents/" + south_.id, staff).status, 200);
  Pass();
  const std::string archivist = Login("archivist");
  EXPECT_EQ(Items(Call("GET", "/api/v1/alerts", archivist))->size(), 0u) << "five views: one short of the threshold";

  ASSERT_EQ(Call("GET", "/api/v1/documents/" + south_.id, staff).status, 200);
  Pass();
  Reply list = Call("GET", "/api/v1/alerts", archivist);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(Items(list)->size(), 1u);
  auto alert = Items(list)->getObject(0);
  EXPECT_EQ(alert->getValue<std::string>("rule"), "view_burst");
  EXPECT_EQ(alert->getValue<std::string>("subject"), "manager_s");
  EXPECT_EQ(alert->getValue<std::string>("state"), "open");
  EXPECT_EQ(alert->getArray("evidence")->size(), 6u);
  const std::string id = std::to_string(alert->getValue<int64_t>("id"));

  // The evidence events are the manager's six metadata reads.
  Reply one = Call("GET", "/api/v1/alerts/" + id, Login("auditor1"));
  ASSERT_EQ(one.status, 200) << one.body;
  auto events = one.json()->getArray("evidence_events");
  ASSERT_EQ(events->size(), 6u);
  for (size_t i = 0; i < events->size(); ++i) {
    EXPECT_EQ(events->getObject(i)->getValue<std::string>("action"), "document.metadata");
    EXPECT_EQ(events->getObject(i)->getValue<std::string>("actor"), "manager_s");
    EXPECT_EQ(events->getObject(i)->getValue<std::string>("object"), south_.archive_number);
  }

  // Archive admins and auditors are told.
  Reply notes = Call("GET", "/api/v1/notifications", archivist);
  ASSERT_EQ(notes.status, 200);
  ASSERT_EQ(Items(notes)->size(), 1u);
  EXPECT_EQ(Items(notes)->getObject(0)->getValue<std::string>("kind"), "alert");
  EXPECT_EQ(Items(Call("GET", "/api/v1/notifications", staff))->size(), 0u);

  // Auditors read; archive admins acknowledge.
  const std::string auditor = Login("auditor1");
  Reply refused = Call("POST", "/api/v1/alerts/" + id + "/acknowledge", auditor);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.error_code(), "access.denied");
  Reply ack = Call("POST", "/api/v1/alerts/" + id + "/acknowledge", archivist, R"({"note":"核实为正常查阅"})");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_EQ(ack.json()->getValue<std::string>("state"), "acknowledged");
  EXPECT_EQ(ack.json()->getValue<std::string>("acknowledged_by"), "archivist");
  Reply twice = Call("POST", "/api/v1/alerts/" + id + "/acknowledge", archivist);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.error_code(), "alert.already_acknowledged");
  EXPECT_EQ(Items(Call("GET", "/api/v1/alerts?state=open", archivist))->size(), 0u);
  EXPECT_EQ(Items(Call("GET", "/api/v1/alerts?state=acknowledged", archivist))->size(), 1u);

  // The acknowledgement is audited with its note.
  Reply audited = Call("GET", "/api/v1/audit?action=alert.acknowledge&outcome=ok", auditor);
  ASSERT_EQ(audited.status, 200);
  ASSERT_EQ(Items(audited)->size(), 1u);
  EXPECT_EQ(Items(audited)->getObject(0)->getValue<std::string>("actor"), "archivist");
  EXPECT_THAT(Items(audited)->getObject(0)->getValue<std::string>("detail"), HasSubstr("核实为正常查阅"));
}

TEST_F(VaultdAlertsTest, OtherRolesAreRefusedWithAStableCode) {
  for (const char* user : {"staff_s", "manager_s", "legal1", "admin1"}) {
    const std::string token = Login(user);
    Reply list = Call("GET", "/api/v1/alerts", token);
    EXPECT_EQ(list.status, 403) << user;
    EXPECT_EQ(list.error_code(), "access.denied") << user;
    Reply ack = Call("POST", "/api/v1/alerts/1/acknowledge", token);
    EXPECT_EQ(ack.status, 403) << user;
    EXPECT_EQ(ack.error_code(), "access.denied") << user;
  }
  const std::string archivist = Login("archivist");
  EXPECT_EQ(Call("GET", "/api/v1/alerts/999", archivist).error_code(), "alert.not_found");
  EXPECT_EQ(Call("GET", "/api/v1/alerts/abc", archivist).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/alerts?state=closed", archivist).error_code(), "request.bad_parameter");
  EXPECT_EQ(Call("GET", "/api/v1/alerts", "").status, 401);
}

TEST_F(VaultdAlertsTest, AContentReadAt1759IsQuietAt1801ItRaises) {
  TimePoint t;
  ASSERT_TRUE(ParseUtc("2026-12-07T09:59:00Z", &t));  // 17:59 at UTC+08:00
  clock_.Set(t);
  const std::string archivist = Login("archivist");
  ASSERT_EQ(Call("GET", "/api/v1/documents/" + secret_.id + "/content", archivist).status, 200);
  Pass();
  EXPECT_EQ(Items(Call("GET", "/api/v1/alerts", archivist))->size(), 0u);
  clock_.Advance(std::chrono::minutes(2));  // 18:01
  ASSERT_EQ(Call("GET", "/api/v1/documents/" + secret_.id + "/content", archivist).status, 200);
  Pass();
  auto items = Items(Call("GET", "/api/v1/alerts", archivist));
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("rule"), "after_hours_view");
  EXPECT_THAT(items->getObject(0)->getValue<std::string>("summary"), HasSubstr(secret_.archive_number));
}

TEST_F(VaultdAlertsTest, ALoginFromANewClientAddressRaisesTheSameAddressDoesNot) {
  Login("staff_s");  // from 127.0.0.1: the baseline
  Login("staff_s");
  Pass();
  const std::string archivist = Login("archivist");
  EXPECT_EQ(Items(Call("GET", "/api/v1/alerts", archivist))->size(), 0u);
  ASSERT_EQ(LoginFrom("127.0.0.2", "staff_s"), 201);
  Pass();
  auto items = Items(Call("GET", "/api/v1/alerts?rule=new_client_address", archivist));
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("subject"), "staff_s");
  EXPECT_THAT(items->getObject(0)->getValue<std::string>("summary"), HasSubstr("127.0.0.2"));
}

}  // namespace
}  // namespace vault
