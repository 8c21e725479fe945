// Loan copies are copies of the record: an electronic loan is stamped once
// however many issue calls race, and the record's destruction finds and
// destroys every copy made from it, linked to a loan or not.
#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <atomic>
#include <thread>

#include "tests/borrow/borrow_test_fixture.h"
#include "vault/destruction/destruction_service.h"

namespace vault {
namespace {

class LoanCopyDestructionTest : public testing::BorrowFixture {
 protected:
  StatusOr<Destruction> Destroy(const std::string& doc) {
    DestructionService& destructions = services_->destructions();
    DestructionRequest r;
    r.documents = {doc};
    r.reason = "customer_request";  // retention does not stand in the way
    r.reference = "客户来函";
    VAULT_ASSIGN_OR_RETURN(Destruction requested, destructions.Request(As("admin1"), r));
    VAULT_RETURN_IF_ERROR(destructions.Approve(As("legal1"), requested.id, "监销人").status());
    return destructions.Execute(As("admin1"), requested.id);
  }
};

TEST_F(LoanCopyDestructionTest, ConcurrentIssuesStampOnceAndDestructionLeavesNoCopy) {
  BorrowRequest r;
  r.documents = {quote_};
  r.purpose = "核对报价";
  auto b = service_->Request(As("zhangsan"), r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE(service_->Approve(As("wang"), b->id, "").ok());

  constexpr int kThreads = 4;
  std::atomic<int> ready{0};
  std::vector<Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < kThreads) std::this_thread::yield();
      results[static_cast<size_t>(t)] = service_->Issue(As("admin1"), b->id, {}).status();
    });
  }
  for (auto& th : threads) th.join();
  int issued = 0;
  for (const Status& s : results) {
    if (s.ok()) {
      ++issued;
    } else {
      EXPECT_TRUE(s.reason() == "borrow.issue_in_progress" || s.reason() == "borrow.bad_state") << s.ToString();
    }
  }
  EXPECT_EQ(issued, 1);
  int exports_of_loan = 0;
  const std::vector<ExportRecord> exports = std::move(lv_->exports().ForDocument(quote_)).value();
  for (const auto& e : exports) exports_of_loan += e.borrow_id == b->id;
  EXPECT_EQ(exports_of_loan, 1) << "stamped once";
  const std::vector<ArtifactRecord> copies = std::move(lv_->metadata().AllArtifacts()).value();
  EXPECT_EQ(copies.size(), 1u) << "sealed once";

  ReturnInput declared;
  declared.kind = ReturnInput::Kind::kDeclared;
  ASSERT_TRUE(service_->Return(As("zhangsan"), b->id, declared).ok());
  auto done = Destroy(quote_);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ(done->state, "completed");
  for (const ArtifactRecord& a : copies) {
    StringSink sink;
    EXPECT_FALSE(lv_->vault().ReadArtifact(a, sink).ok()) << "copy " << a.id << " still readable";
    EXPECT_FALSE(boost::filesystem::exists(lv_->blobs().PathOf(a.blob_name))) << "blob of copy " << a.id;
  }
}

TEST_F(LoanCopyDestructionTest, ACopyNoLoanLinksToIsDestroyedWithItsRecord) {
  // A copy sealed by an issue that lost (the loan was revoked meanwhile):
  // no loan names it, the record's id does.
  Borrow b = Issued(quote_);
  StringSource orphan_bytes(testing::MakePdf({{}}));
  auto orphan = lv_->vault().SealArtifact("borrow_copy", quote_, orphan_bytes);
  ASSERT_TRUE(orphan.ok()) << orphan.status().ToString();
  ReturnInput declared;
  declared.kind = ReturnInput::Kind::kDeclared;
  ASSERT_TRUE(service_->Return(As("zhangsan"), b.id, declared).ok());
  auto done = Destroy(quote_);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  StringSink sink;
  EXPECT_FALSE(lv_->vault().ReadArtifact(*orphan, sink).ok());
  EXPECT_FALSE(boost::filesystem::exists(lv_->blobs().PathOf(orphan->blob_name)));
}

}  // namespace
}  // namespace vault
