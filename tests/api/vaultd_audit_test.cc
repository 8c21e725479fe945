// The audit routes for the web viewer: newest-first pages with a cursor and
// their chain status, verify now, one checkpoint by id; refused for roles
// without audit.read.
#include <gmock/gmock.h>

#include <Poco/Data/Session.h>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/test_database.h"

namespace vault::testing {
namespace {

using ::testing::HasSubstr;
using namespace Poco::Data::Keywords;

class VaultdAuditTest : public VaultdTest {
 protected:
  void Sql(const std::string& statement) {
    testing::ExecSql(testing::DatabaseOf(config_), statement);
  }
};

TEST_F(VaultdAuditTest, PagesNewestFirstWithACursorAndTheirChainStatus) {
  std::string auditor = Login("auditor1");
  EXPECT_EQ(Call("GET", "/api/v1/audit", Login("staff_s")).status, 403);  // a denial to find
  ASSERT_TRUE(server_->WriteCheckpointIfChanged().ok());
  Reply first = Call("GET", "/api/v1/audit?order=newest&limit=2&chain=1", auditor);
  ASSERT_EQ(first.status, 200) << first.body;
  auto items = first.json()->getArray("items");
  ASSERT_EQ(items->size(), 2u);
  int64_t a = items->getObject(0)->getValue<int64_t>("seq");
  int64_t b = items->getObject(1)->getValue<int64_t>("seq");
  EXPECT_EQ(b, a - 1);
  int64_t next = first.json()->getValue<int64_t>("next");
  EXPECT_EQ(next, b);
  auto chain = first.json()->getObject("chain");
  EXPECT_TRUE(chain->getValue<bool>("ok"));
  EXPECT_TRUE(chain->getValue<bool>("complete"));

  Reply second = Call("GET", "/api/v1/audit?order=newest&limit=2&chain=1&before=" + std::to_string(next), auditor);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json()->getArray("items")->getObject(0)->getValue<int64_t>("seq"), b - 1);
  // Older events are covered by the checkpoint written above.
  auto cp = second.json()->getObject("chain")->getObject("checkpoint");
  ASSERT_FALSE(cp.isNull());
  EXPECT_EQ(cp->getValue<int64_t>("id"), lv_->audit().Checkpoints()->back().id);

  Reply denied = Call("GET", "/api/v1/audit?outcome=denied&user=staff_s&order=newest", auditor);
  ASSERT_EQ(denied.status, 200);
  ASSERT_GE(denied.json()->getArray("items")->size(), 1u);
  EXPECT_EQ(denied.json()->getArray("items")->getObject(0)->getValue<std::string>("outcome"), "denied");
  EXPECT_TRUE(denied.json()->has("next"));
  EXPECT_FALSE(denied.json()->has("chain"));  // only when asked

  EXPECT_EQ(Call("GET", "/api/v1/audit?outcome=maybe", auditor).error_code(), "request.bad_parameter");
  EXPECT_EQ(Call("GET", "/api/v1/audit?order=random", auditor).error_code(), "request.bad_parameter");
  EXPECT_EQ(Call("GET", "/api/v1/audit?before=-1", auditor).error_code(), "request.bad_parameter");
  EXPECT_EQ(Call("GET", "/api/v1/audit?user=" + std::string(201, 'x'), auditor).error_code(), "request.bad_parameter");
  EXPECT_EQ(Call("GET", "/api/v1/audit?order=newest&chain=1", Login("legal1")).status, 403);
}

TEST_F(VaultdAuditTest, VerifyNowRunsTheFullVerificationAndIsAuditedAsARead) {
  std::string auditor = Login("auditor1");
  for (int i = 0; i < 4; ++i) Call("GET", "/api/v1/audit?limit=1", auditor);
  ASSERT_TRUE(server_->WriteCheckpointIfChanged().ok());
  Reply r = Call("GET", "/api/v1/audit/verification", auditor);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()->getValue<bool>("ok"));
  EXPECT_EQ(r.json()->getValue<int64_t>("checkpoints"), 1);
  EXPECT_GT(r.json()->getValue<int64_t>("events"), 5);
  EXPECT_FALSE(r.json()->getValue<std::string>("verified_at").empty());
  AuditFilter f;
  f.action = "audit.verify";
  auto events = lv_->audit().List(f);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->at(0).record.actor, "auditor1");
  EXPECT_EQ(events->at(0).record.outcome, "ok");
  EXPECT_EQ(events->at(0).record.detail, "intact");

  EXPECT_EQ(Call("GET", "/api/v1/audit/verification", Login("staff_s")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/audit/verification", Login("archivist")).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/audit/verification", auditor).status, 405);
  EXPECT_EQ(Call("GET", "/api/v1/audit/verification?x=1", auditor).error_code(), "request.unknown_parameter");

  // An insider edits event 2: verify now and the page holding it say so.
  Sql("UPDATE audit_events SET actor = 'nobody' WHERE seq = 2");
  Reply bad = Call("GET", "/api/v1/audit/verification", Login("admin1"));
  ASSERT_EQ(bad.status, 200) << bad.body;
  EXPECT_FALSE(bad.json()->getValue<bool>("ok"));
  EXPECT_EQ(bad.json()->getValue<int64_t>("first_bad_seq"), 2);
  EXPECT_THAT(bad.body, HasSubstr("event 2 was modified"));
  Reply page = Call("GET", "/api/v1/audit?order=newest&chain=1&before=4&limit=3", auditor);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_FALSE(page.json()->getObject("chain")->getValue<bool>("ok"));
  EXPECT_EQ(page.json()->getObject("chain")->getValue<int64_t>("first_bad_seq"), 2);
  f.actor = "admin1";
  EXPECT_EQ(lv_->audit().List(f)->at(0).record.detail, "tampered at event 2");
}

TEST_F(VaultdAuditTest, OneCheckpointByIdOrTheNewest) {
  std::string auditor = Login("auditor1");
  ASSERT_TRUE(server_->WriteCheckpointIfChanged().ok());
  Call("GET", "/api/v1/audit", auditor);
  ASSERT_TRUE(server_->WriteCheckpointIfChanged().ok());
  auto cps = *lv_->audit().Checkpoints();
  ASSERT_EQ(cps.size(), 2u);
  Reply newest = Call("GET", "/api/v1/audit/checkpoints?limit=1", auditor);
  ASSERT_EQ(newest.status, 200) << newest.body;
  ASSERT_EQ(newest.json()->getArray("items")->size(), 1u);
  EXPECT_EQ(newest.json()->getArray("items")->getObject(0)->getValue<int64_t>("id"), cps[1].id);
  Reply one = Call("GET", "/api/v1/audit/checkpoints?id=" + std::to_string(cps[0].id), auditor);
  ASSERT_EQ(one.status, 200);
  auto item = one.json()->getArray("items")->getObject(0);
  EXPECT_EQ(item->getValue<std::string>("note"), cps[0].note);
  EXPECT_THAT(item->getValue<std::string>("public_key_pem"), HasSubstr("BEGIN PUBLIC KEY"));
  EXPECT_EQ(Call("GET", "/api/v1/audit/checkpoints?id=999", auditor).error_code(), "audit.checkpoint_not_found");
  EXPECT_EQ(Call("GET", "/api/v1/audit/checkpoints?id=x", auditor).error_code(), "request.bad_parameter");
  EXPECT_EQ(Call("GET", "/api/v1/audit/checkpoints?id=1", Login("staff_s")).status, 403);
}

}  // namespace
}  // namespace vault::testing
