// vaultd for system admins (the web UI's admin pages): assigned customers
// over the API, and GET /api/v1/system/health measured for real and kept
// from everyone without system.read. Real server, real HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "tests/api/vaultd_fixture.h"
#include "vault/keys/signer.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::Reply;
using testing::VaultdTest;

std::set<std::string> Customers(const Reply& r) {
  std::set<std::string> out;
  auto a = r.json()->getArray("customers");
  for (size_t i = 0; a && i < a->size(); ++i) out.insert(a->getElement<std::string>(static_cast<unsigned>(i)));
  return out;
}


TEST_F(VaultdTest, AdminsAssignAndUnassignCustomersAndTheStaffSeesTheDifference) {
  const std::string admin = Login("admin1");
  const std::string staff = Login("staff_s");
  // Staff of 华南销售部 without customers: the department's records only.
  Reply assigned = Call("POST", "/api/v1/users/staff_s/customers", admin, R"({"customer":"C009"})");
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(Customers(assigned), (std::set<std::string>{"C009"}));
  EXPECT_EQ(lv_->identity().GetUser("staff_s")->customers, std::vector<std::string>{"C009"});

  // The list shows every user's customers.
  Reply list = Call("GET", "/api/v1/users", admin);
  ASSERT_EQ(list.status, 200);
  auto items = list.json()->getArray("items");
  bool seen = false;
  for (size_t i = 0; i < items->size(); ++i) {
    auto u = items->getObject(static_cast<unsigned>(i));
    if (u->getValue<std::string>("username") != "staff_s") continue;
    seen = true;
    EXPECT_EQ(u->getArray("customers")->size(), 1u);
    EXPECT_EQ(u->getArray("customers")->getElement<std::string>(0), "C009");
  }
  EXPECT_TRUE(seen);

  Reply removed = Call("DELETE", "/api/v1/users/staff_s/customers/C009", admin);
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(Customers(removed).empty());
  EXPECT_TRUE(lv_->identity().GetUser("staff_s")->customers.empty());

  // Bad input: a stable code, nothing stored.
  EXPECT_EQ(Call("POST", "/api/v1/users/staff_s/customers", admin, R"({"customer":"C 1"})").error_code(),
            "user.invalid");
  EXPECT_EQ(Call("POST", "/api/v1/users/staff_s/customers", admin, R"({"customer":""})").error_code(),
            "user.invalid");
  EXPECT_EQ(Call("POST", "/api/v1/users/staff_s/customers", admin, "{\"customer\":\"" + std::string(33, 'C') + "\"}")
                .error_code(),
            "user.invalid");
  EXPECT_EQ(Call("DELETE", "/api/v1/users/staff_s/customers/" + std::string(33, 'C'), admin).error_code(),
            "user.invalid");
  EXPECT_EQ(Call("DELETE", "/api/v1/users/staff_s/customers/C%201", admin).error_code(), "user.invalid");
  EXPECT_EQ(Call("POST", "/api/v1/users/staff_s/customers", admin, R"({"customer":"C1","x":1})").error_code(),
            "request.unknown_field");
  EXPECT_EQ(Call("POST", "/api/v1/users/ghost/customers", admin, R"({"customer":"C1"})").status, 404);
  EXPECT_TRUE(lv_->identity().GetUser("staff_s")->customers.empty());

  // No one else may: not the staff member for themselves, not the archive.
  EXPECT_EQ(Call("POST", "/api/v1/users/staff_s/customers", staff, R"({"customer":"C002"})").status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/users/staff_s/customers", Login("archivist"), R"({"customer":"C002"})").status, 403);
  EXPECT_EQ(Call("DELETE", "/api/v1/users/staff_s/customers/C009", Login("manager_s")).status, 403);
  EXPECT_TRUE(lv_->identity().GetUser("staff_s")->customers.empty());

  AuditFilter f;
  f.object = "staff_s";
  f.limit = 100;
  auto events = lv_->audit().List(f);
  std::set<std::string> seen_actions;
  for (const auto& e : *events) {
    if (e.record.outcome == "ok") seen_actions.insert(e.record.action + " " + e.record.detail);
  }
  EXPECT_TRUE(seen_actions.count("user.assign customer C009"));
  EXPECT_TRUE(seen_actions.count("user.unassign customer C009"));
}

class VaultdHealthTest : public VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.borrow_schedule_seconds = 1; }
};

TEST_F(VaultdHealthTest, AdminsSeeMeasuredHealthOthersAreRefused) {
  const std::string admin = Login("admin1");
  // A checkpoint over what has happened so far, as the timer would write.
  auto signer = Signer::FromKeyRing(lv_->keys(), "audit");
  ASSERT_TRUE(signer.ok());
  ASSERT_TRUE(lv_->audit().WriteCheckpoint(**signer).ok());
  // The scheduler's first pass comes a second after the start.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));

  Reply r = Call("GET", "/api/v1/system/health", admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = r.json();
  EXPECT_EQ(o->getValue<std::string>("status"), "ok");
  EXPECT_FALSE(o->getValue<std::string>("version").empty());
  EXPECT_NE(o->getValue<std::string>("version"), "unknown");
  EXPECT_GE(o->getValue<int>("uptime_seconds"), 1);
  EXPECT_FALSE(o->getValue<std::string>("started_at").empty());
  auto db = o->getObject("database");
  EXPECT_EQ(db->getValue<std::string>("status"), "ok");
  EXPECT_EQ(db->getValue<int>("users"), 6);  // a real read: the users of the fixture
  EXPECT_GE(db->getValue<double>("latency_ms"), 0.0);
  EXPECT_EQ(o->getObject("blob_store")->getValue<std::string>("status"), "ok");
  auto last = o->getObject("audit")->getObject("last_checkpoint");
  ASSERT_TRUE(last);
  EXPECT_GE(last->getValue<int>("events"), 1);
  EXPECT_FALSE(last->getValue<std::string>("created_at").empty());
  auto sched = o->getObject("scheduler");
  EXPECT_EQ(sched->getValue<int>("interval_seconds"), 1);
  EXPECT_FALSE(sched->getValue<std::string>("last_run").empty());
  EXPECT_TRUE(sched->getValue<bool>("last_run_ok"));

  // One more user: the next answer's database read sees it.
  NewUser n;
  n.username = "late";
  n.role = "staff";
  n.department = "华南销售部";
  n.password = "a long enough password";
  ASSERT_TRUE(lv_->identity().AddUser(n).ok());
  EXPECT_EQ(Call("GET", "/api/v1/system/health", admin).json()->getObject("database")->getValue<int>("users"), 7);

  EXPECT_EQ(Call("GET", "/api/v1/system/health?verbose=1", admin).error_code(), "request.unknown_parameter");
  for (const char* user : {"archivist", "manager_s", "staff_s", "legal1", "auditor1"}) {
    Reply refused = Call("GET", "/api/v1/system/health", Login(user));
    EXPECT_EQ(refused.status, 403) << user;
    EXPECT_THAT(refused.body, ::testing::Not(HasSubstr("latency_ms")));
  }
  EXPECT_EQ(Call("GET", "/api/v1/system/health").status, 401);
  // Anonymous monitoring keeps the short answer, without the internals.
  Reply healthz = Call("GET", "/healthz");
  EXPECT_EQ(healthz.status, 200);
  EXPECT_THAT(healthz.body, ::testing::Not(HasSubstr("checkpoint")));
}

TEST_F(VaultdHealthTest, AVaultWithoutCheckpointsSaysSo) {
  Reply r = Call("GET", "/api/v1/system/health", Login("admin1"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()->getObject("audit")->isNull("last_checkpoint"));
}

// The approvals page's list: refused to the roles the UI does not offer it
// to, so opening the page by URL gets nothing from the API either.
TEST_F(VaultdTest, TheApprovalsInboxIsRefusedToRolesThatApproveNothing) {
  for (const char* user : {"manager_s", "legal1", "archivist"}) {
    EXPECT_EQ(Call("GET", "/api/v1/borrows?pending=1", Login(user)).status, 200) << user;
  }
  for (const char* user : {"staff_s", "auditor1", "admin1"}) {
    Reply r = Call("GET", "/api/v1/borrows?pending=1", Login(user));
    EXPECT_EQ(r.status, 403) << user;
    EXPECT_EQ(r.error_code(), "access.denied") << user;
    // Their own loans stay theirs to list.
    EXPECT_EQ(Call("GET", "/api/v1/borrows", Login(user)).status, 200) << user;
  }
}

}  // namespace
}  // namespace vault
