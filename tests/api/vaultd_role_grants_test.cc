// Four-eyes role grants over HTTP against the real server: one admin alone
// once created an archive_admin account (or promoted one) and so could read
// any original.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/api/vaultd_fixture.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::Reply;
using testing::VaultdTest;

class VaultdRoleGrantTest : public VaultdTest {
 protected:
  void SetUp() override {
    VaultdTest::SetUp();
    NewUser second;
    second.username = "admin2";
    second.role = "admin";
    second.department = "IT";
    second.password = kPassword;
    ASSERT_TRUE(lv_->identity().AddUser(second).ok());
  }

  std::string RoleOf(const std::string& user) { return lv_->identity().GetUser(user)->role; }
  int ContentStatus(const std::string& token) {
    return Call("GET", "/api/v1/documents/" + secret_.id + "/content", token).status;
  }
  bool Audited(const std::string& action, const std::string& actor, const std::string& outcome) {
    AuditFilter f;
    f.action = action;
    f.limit = 1000;
    auto events = lv_->audit().List(f);
    if (!events.ok()) return false;
    for (const auto& e : *events) {
      if (e.record.actor == actor && e.record.outcome == outcome) return true;
    }
    return false;
  }
};

TEST_F(VaultdRoleGrantTest, OneAdminAloneCannotProposeAndApproveARole) {
  const std::string admin1 = Login("admin1");
  Reply proposed = Call("POST", "/api/v1/role-grants", admin1, R"({"username":"staff_s","role":"archive_admin"})");
  ASSERT_EQ(proposed.status, 201) << proposed.body;
  EXPECT_EQ(proposed.json()->getValue<std::string>("state"), "proposed");
  EXPECT_EQ(proposed.json()->getValue<std::string>("from_role"), "staff");
  const std::string id = std::to_string(proposed.json()->getValue<int>("id"));
  Reply alone = Call("POST", "/api/v1/role-grants/" + id + "/approve", admin1);
  EXPECT_EQ(alone.status, 403) << alone.body;
  EXPECT_EQ(alone.error_code(), "role_grant.same_admin");
  EXPECT_EQ(RoleOf("staff_s"), "staff");
  const std::string staff = Login("staff_s");
  EXPECT_EQ(ContentStatus(staff), 404);
  // The grantee never approves their own role either.
  Reply own = Call("POST", "/api/v1/role-grants", admin1, R"({"username":"admin2","role":"legal"})");
  ASSERT_EQ(own.status, 201) << own.body;
  Reply self = Call("POST", "/api/v1/role-grants/" + std::to_string(own.json()->getValue<int>("id")) + "/approve",
                    Login("admin2"));
  EXPECT_EQ(self.error_code(), "role_grant.own_grant");
  EXPECT_EQ(RoleOf("admin2"), "admin");
  EXPECT_TRUE(Audited("role_grant.propose", "admin1", "ok"));
  EXPECT_TRUE(Audited("role_grant.approve", "admin1", "denied"));
}

TEST_F(VaultdRoleGrantTest, ASecondAdminsApprovalPutsTheRoleInEffect) {
  const std::string admin1 = Login("admin1");
  const std::string staff = Login("staff_s");
  Reply proposed = Call("POST", "/api/v1/role-grants", admin1, R"({"username":"staff_s","role":"archive_admin"})");
  ASSERT_EQ(proposed.status, 201) << proposed.body;
  const std::string id = std::to_string(proposed.json()->getValue<int>("id"));
  Reply pending = Call("GET", "/api/v1/role-grants?state=proposed", admin1);
  ASSERT_EQ(pending.status, 200);
  EXPECT_EQ(pending.json()->getArray("items")->size(), 1u);
  EXPECT_EQ(Call("POST", "/api/v1/role-grants", admin1, R"({"username":"staff_s","role":"legal"})").error_code(),
            "role_grant.pending");
  Reply approved = Call("POST", "/api/v1/role-grants/" + id + "/approve", Login("admin2"));
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()->getValue<std::string>("state"), "approved");
  EXPECT_EQ(approved.json()->getValue<std::string>("decided_by"), "admin2");
  EXPECT_EQ(RoleOf("staff_s"), "archive_admin");
  EXPECT_EQ(ContentStatus(staff), 200);  // the same session, the next request
  EXPECT_EQ(Call("POST", "/api/v1/role-grants/" + id + "/approve", Login("admin2")).error_code(),
            "role_grant.decided");
  EXPECT_TRUE(Audited("role_grant.approve", "admin2", "ok"));
}

TEST_F(VaultdRoleGrantTest, CreatingAnArchiveAdminDirectlyGivesNoRole) {
  const std::string admin1 = Login("admin1");
  Reply created = Call("POST", "/api/v1/users", admin1,
                       R"({"username":"zhaoliu","role":"archive_admin","department":"档案室","clearance":"confidential","password":"zhaoliu long password"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()->getValue<std::string>("role"), "none");
  auto grant = created.json()->getObject("pending_role_grant");
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->getValue<std::string>("role"), "archive_admin");
  EXPECT_EQ(RoleOf("zhaoliu"), "none");
  Reply login = Call("POST", "/api/v1/sessions", "", R"({"username":"zhaoliu","password":"zhaoliu long password"})");
  ASSERT_EQ(login.status, 201);
  const std::string token = login.json()->getValue<std::string>("token");
  EXPECT_EQ(ContentStatus(token), 404);  // "none" may not even see the metadata
  EXPECT_EQ(Call("GET", "/api/v1/documents", token).status, 403);
  // Promoting by PATCH is no way around it.
  Reply patched = Call("PATCH", "/api/v1/users/manager_s", admin1, R"({"role":"legal"})");
  EXPECT_EQ(patched.status, 409);
  EXPECT_EQ(patched.error_code(), "role_grant.required");
  EXPECT_EQ(RoleOf("manager_s"), "dept_manager");
  Reply approved =
      Call("POST", "/api/v1/role-grants/" + std::to_string(grant->getValue<int>("id")) + "/approve", Login("admin2"));
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(ContentStatus(token), 200);
}

TEST_F(VaultdRoleGrantTest, HealthAndAuditReportTheFourEyesSetting) {
  Reply health = Call("GET", "/healthz");
  EXPECT_THAT(health.body, HasSubstr("\"single_admin_role_grants\":false"));
  AuditFilter f;
  f.action = "system.start";
  auto events = lv_->audit().List(f);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().record.detail, "single_admin_role_grants=false");
}

class VaultdSingleAdminTest : public VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.single_admin_role_grants = true; }
};

TEST_F(VaultdSingleAdminTest, TheExplicitOptOutLetsOneAdminGrantAndSaysSo) {
  EXPECT_THAT(Call("GET", "/healthz").body, HasSubstr("\"single_admin_role_grants\":true"));
  AuditFilter f;
  f.action = "system.start";
  ASSERT_EQ(lv_->audit().List(f)->size(), 1u);
  EXPECT_EQ(lv_->audit().List(f)->front().record.detail, "single_admin_role_grants=true");
  const std::string admin1 = Login("admin1");
  Reply created = Call("POST", "/api/v1/users", admin1,
                       R"({"username":"zhaoliu","role":"archive_admin","department":"档案室","password":"zhaoliu long password"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()->getValue<std::string>("role"), "archive_admin");
  Reply proposed = Call("POST", "/api/v1/role-grants", admin1, R"({"username":"staff_s","role":"legal"})");
  ASSERT_EQ(proposed.status, 201);
  EXPECT_EQ(Call("POST", "/api/v1/role-grants/" + std::to_string(proposed.json()->getValue<int>("id")) + "/approve",
                 admin1)
                .status,
            200);
  EXPECT_EQ(lv_->identity().GetUser("staff_s")->role, "legal");
}

}  // namespace
}  // namespace vault
