#include "vault/policy/policy_engine.h"
#include "tests/support/status_matchers.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#ifndef VAULT_POLICIES_DIR
#error "VAULT_POLICIES_DIR must point at policies/"
#endif

namespace vault {
namespace {

using testing::StatusIs;

const std::vector<std::string> kRoles = {"admin", "archive_admin", "dept_manager", "staff", "legal", "auditor"};
const std::vector<std::string> kLevels = {"public", "internal", "confidential"};
const std::vector<std::string> kActions = {
    "document.list", "document.metadata", "document.create", "document.version", "document.content",
    "document.export", "fixity.verify", "register.read", "audit.read", "certificate.read",
    "user.manage", "key.manage", "backup.manage", "system.read"};

std::unique_ptr<PolicyEngine> Load() {
  std::ifstream in(std::string(VAULT_POLICIES_DIR) + "/roles.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto e = PolicyEngine::FromJson(ss.str());
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return std::move(e).value();
}

Subject Who(const std::string& role, const std::string& clearance = "internal") {
  return Subject{"u", role, "华南销售部", clearance, {"C001"}, false};
}

Resource Doc(const std::string& dept, const std::string& cls, const std::string& customer = "C001") {
  return Resource{dept, cls, customer};
}

const TimePoint kNow{};

// Walks every role x action x own/other department x classification x
// clearance x assigned/unassigned customer and checks properties that must
// hold whatever roles.json says in detail.
TEST(PolicyEngineTest, MatrixInvariants) {
  auto engine = Load();
  int allowed = 0, total = 0;
  for (const auto& role : kRoles) {
    for (const auto& action : kActions) {
      for (bool own_dept : {true, false}) {
        for (const auto& cls : kLevels) {
          for (const auto& clearance : kLevels) {
            for (bool assigned : {true, false}) {
              Subject s = Who(role, clearance);
              Resource r = Doc(own_dept ? s.department : "华东销售部", cls, assigned ? "C001" : "C999");
              Decision d = engine->Decide(s, action, r, kNow);
              ++total;
              allowed += d.allowed;
              SCOPED_TRACE(role + " " + action + " " + cls + " clearance=" + clearance +
                           (own_dept ? " own" : " other") + (assigned ? " assigned" : ""));
              EXPECT_FALSE(d.rule.empty());
              if (action == "document.content") {
                EXPECT_EQ(d.allowed, role == "archive_admin");
              }
              if (role == "auditor") {
                EXPECT_FALSE(d.allowed && (action == "document.content" || action == "document.export" ||
                                           action == "document.create" || action == "document.version" ||
                                           action == "user.manage" || action == "key.manage"));
              }
              if (role == "staff" && d.allowed) {
                EXPECT_TRUE(own_dept && assigned);
                EXPECT_LE(std::find(kLevels.begin(), kLevels.end(), cls) - kLevels.begin(),
                          std::find(kLevels.begin(), kLevels.end(), clearance) - kLevels.begin());
              }
              if (role == "dept_manager" && d.allowed && action.rfind("document.", 0) == 0) {
                EXPECT_TRUE(own_dept);
              }
              if (action == "user.manage" || action == "key.manage" || action == "backup.manage") {
                EXPECT_EQ(d.allowed, role == "admin");
              }
              if (action == "audit.read") {
                EXPECT_EQ(d.allowed, role == "admin" || role == "auditor");
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(total, 6 * 14 * 2 * 3 * 3 * 2);
  EXPECT_GT(allowed, 0);
}

TEST(PolicyEngineTest, DecisionsNameTheirRule) {
  auto engine = Load();
  Decision d = engine->Decide(Who("staff"), "document.export", Doc("华南销售部", "internal"), kNow);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.rule, "staff.grant[0]");
  d = engine->Decide(Who("staff"), "document.export", Doc("华南销售部", "confidential"), kNow);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "classification above the subject's clearance");
  d = engine->Decide(Who("staff"), "document.export", Doc("华东销售部", "public"), kNow);
  EXPECT_EQ(d.reason, "outside the subject's department");
  d = engine->Decide(Who("staff"), "document.export", Doc("华南销售部", "public", "C777"), kNow);
  EXPECT_EQ(d.reason, "customer not assigned to the subject");
  d = engine->Decide(Who("staff"), "document.content", Doc("华南销售部", "public"), kNow);
  EXPECT_EQ(d.rule, "default.deny");
  d = engine->Decide(Who("nobody"), "document.list", Doc("华南销售部", "public"), kNow);
  EXPECT_EQ(d.reason, "unknown role");
}

TEST(PolicyEngineTest, LegalSeesConfidentialEverywhere) {
  auto engine = Load();
  EXPECT_TRUE(engine->Decide(Who("legal", "internal"), "document.metadata", Doc("华东销售部", "confidential"), kNow).allowed);
}

TEST(PolicyEngineTest, SuspendedSubjectsLoseDocumentAccess) {
  auto engine = Load();
  Subject s = Who("staff");
  s.suspended = true;
  Decision d = engine->Decide(s, "document.export", Doc("华南销售部", "internal"), kNow);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "access suspended (overdue loan)");
}

TEST(PolicyEngineTest, RejectsBrokenPolicies) {
  EXPECT_THAT(PolicyEngine::FromJson("{"), StatusIs(StatusCode::kInvalidArgument, "policy.invalid"));
  EXPECT_THAT(PolicyEngine::FromJson(
                  R"({"classification_levels":["a"],"roles":{"x":{"grants":[{"actions":["a"],"scope":"galaxy"}]}}})"),
              StatusIs(StatusCode::kInvalidArgument, "policy.invalid"));
}

}  // namespace
}  // namespace vault
