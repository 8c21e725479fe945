// Several nodes on one PostgreSQL database: a node killed while it stamps a
// loan's copies leaves an issue claim behind. The next issue (on another
// node, where the load balancer sends the retry) takes it over at once when
// the claim's process is gone, and still refuses while that process runs.
// On SQLite the same holds across processes of one machine (vaultd killed
// with SIGKILL and restarted, or vaultctl), through a flock(2) presence in
// the data directory.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <fstream>

#include "tests/borrow/borrow_test_fixture.h"
#include "tests/support/test_database.h"
#include "vault/db/leader_lease.h"
#include "vault/local/process_presence.h"

namespace vault {
namespace {

class IssueClaimTest : public testing::BorrowFixture {
 protected:
  void SetUp() override { BorrowFixture::SetUp(); }

  // An approved loan of the quotation whose issue claim `claim` was left
  // by an issue that never finished.
  std::string ApprovedWithClaim(const std::string& doc, const std::string& claim) {
    BorrowRequest r;
    r.documents = {doc};
    r.purpose = "核对报价";
    auto b = service_->Request(As("zhangsan"), r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_TRUE(service_->Approve(As("wang"), b->id, "").ok());
    auto claimed = lv_->borrows().Update(b->id, [&](Borrow& loan) {
      loan.issue_claim = claim;
      return Status::Ok();
    });
    EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
    return b->id;
  }

  std::string ClaimBy(const std::string& node) {
    return "00112233445566778899aabbccddeeff " + FormatUtc(clock_.Now()) + (node.empty() ? "" : " " + node);
  }

  db::DatabaseTarget Target() { return lv_->database().target(); }
};

TEST_F(IssueClaimTest, AClaimOfAProcessThatIsGoneIsTakenOverAtOnce) {
  // Nobody holds the presence lock of node "0badc0de0badc0de": it was killed.
  const std::string id = ApprovedWithClaim(quote_, ClaimBy("0badc0de0badc0de"));
  auto issued = service_->Issue(As("admin1"), id, {});
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->state, "issued");
  EXPECT_TRUE(issued->issue_claim.empty());
}

TEST_F(IssueClaimTest, AClaimOfARunningProcessStillHoldsUntilThatProcessIsGone) {
  if (!testing::TestOnPostgres()) GTEST_SKIP() << "advisory locks: PostgreSQL (SQLite: the test below)";
  // Another node, alive: it holds its presence lock (as Services does).
  auto other = std::make_unique<db::LeaderLease>(Target(), "vault.node.feedfacefeedface");
  ASSERT_TRUE(other->Hold());
  const std::string id = ApprovedWithClaim(quote_, ClaimBy("feedfacefeedface"));
  auto refused = service_->Issue(As("admin1"), id, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().reason(), "borrow.issue_in_progress");
  EXPECT_EQ(lv_->borrows().Get(id)->state, "approved");
  other.reset();  // the node dies: its session and its lock go with it
  auto issued = service_->Issue(As("admin1"), id, {});
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->state, "issued");
}

// Regression (tests/crash/kill9_test.sh): vaultd on SQLite killed while it
// stamped a loan's copy left a claim that refused the loan's issue with 409
// borrow.issue_in_progress for 15 minutes after the restart. Another real
// process holds its presence here and is then killed with SIGKILL.
TEST_F(IssueClaimTest, OnSqliteAClaimOfAKilledProcessIsTakenOverAtOnce) {
  if (testing::TestOnPostgres()) GTEST_SKIP() << "SQLite presence (flock); PostgreSQL: the tests above";
  const std::string dir = lv_->data_dir() + "/presence";
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto held = ProcessPresence::Hold(dir, "feedfacefeedface");
    const char ok = held.ok() ? 'y' : 'n';
    if (write(ready[1], &ok, 1) != 1) _exit(1);
    for (;;) pause();
  }
  close(ready[1]);
  char ok = 0;
  ASSERT_EQ(read(ready[0], &ok, 1), 1);
  close(ready[0]);
  ASSERT_EQ(ok, 'y');
  EXPECT_TRUE(ProcessPresence::Alive(dir, "feedfacefeedface"));
  const std::string id = ApprovedWithClaim(quote_, ClaimBy("feedfacefeedface"));
  auto refused = service_->Issue(As("admin1"), id, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().reason(), "borrow.issue_in_progress") << "the claim's process still runs";
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_FALSE(ProcessPresence::Alive(dir, "feedfacefeedface"));
  auto issued = service_->Issue(As("admin1"), id, {});  // same clock: no 15 minutes waited
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->state, "issued");
  EXPECT_TRUE(issued->issue_claim.empty());
}

TEST(ProcessPresenceTest, NamesAreCheckedAndUnknownNamesAreNotAlive) {
  testing::TempDir dir;
  EXPECT_EQ(ProcessPresence::Hold(dir.path() + "/p", "../x").status().reason(), "presence.bad_name");
  EXPECT_TRUE(ProcessPresence::Alive(dir.path() + "/p", "../x")) << "unknown: never taken over";
  EXPECT_FALSE(ProcessPresence::Alive(dir.path() + "/p", "abc123")) << "no such process";
  {
    auto held = ProcessPresence::Hold(dir.path() + "/p", "abc123");
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    EXPECT_TRUE(ProcessPresence::Alive(dir.path() + "/p", "abc123"));
  }
  EXPECT_FALSE(ProcessPresence::Alive(dir.path() + "/p", "abc123")) << "released when its holder ends";
  // A killed process leaves its file, unlocked: the next Hold removes it.
  { std::ofstream(dir.path() + "/p/dead1.lock"); }
  auto next = ProcessPresence::Hold(dir.path() + "/p", "def456");
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(boost::filesystem::exists(dir.path() + "/p/dead1.lock"));
  EXPECT_TRUE(boost::filesystem::exists(dir.path() + "/p/def456.lock"));
}

TEST_F(IssueClaimTest, AClaimWithoutANodeEndsByAgeOnly) {
  const std::string id = ApprovedWithClaim(contract_, ClaimBy(""));
  auto refused = service_->Issue(As("admin1"), id, {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().reason(), "borrow.issue_in_progress");
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_TRUE(service_->Issue(As("admin1"), id, {}).ok());
}

}  // namespace
}  // namespace vault
