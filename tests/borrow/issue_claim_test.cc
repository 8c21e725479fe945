// Several nodes on one PostgreSQL database: a node killed while it stamps a
// loan's copies leaves an issue claim behind. The next issue (on another
// node, where the load balancer sends the retry) takes it over at once when
// the claim's process is gone, and still refuses while that process runs.
// On SQLite (one process per vault) claims end by age only: the test skips.
#include <gtest/gtest.h>

#include "tests/borrow/borrow_test_fixture.h"
#include "tests/support/test_database.h"
#include "vault/db/leader_lease.h"

namespace vault {
namespace {

class IssueClaimTest : public testing::BorrowFixture {
 protected:
  void SetUp() override {
    if (!testing::TestOnPostgres()) GTEST_SKIP() << "presence locks exist on PostgreSQL only";
    BorrowFixture::SetUp();
  }

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
