// AuditLog::List's viewer options (outcome, newest first with a cursor) and
// AuditLog::CheckPage: one page's chain status and its covering checkpoint.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include "tests/support/test_database.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/audit/audit_log.h"
#include "vault/crypto/sha256.h"
#include "vault/keys/signer.h"
#include "vault/local/local_vault.h"

namespace vault {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDir;
using namespace Poco::Data::Keywords;

class AuditPageCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::InitTestVault(dir_);
    config_.clock = &clock_;
    lv_ = std::move(LocalVault::Open(config_)).value();
    signer_ = std::move(Signer::FromKeyRing(lv_->keys(), "audit")).value();
  }

  void AppendEvents(int n) {
    for (int i = 0; i < n; ++i) {
      AuditRecord r;
      r.actor = i % 3 == 0 ? "auditor" : "张三";
      r.role = "staff";
      r.action = "document.read_content";
      r.object = "C001_HT_" + std::to_string(i);
      r.outcome = i % 4 == 0 ? "denied" : "ok";
      r.client = "127.0.0.1";
      r.request_id = "req";
      ASSERT_TRUE(lv_->audit().Append(r).ok());
      clock_.Advance(std::chrono::seconds(1));
    }
  }

  std::vector<AuditEvent> Page(int64_t before, int64_t limit) {
    AuditFilter f;
    f.newest_first = true;
    f.before_seq = before;
    f.limit = limit;
    return std::move(lv_->audit().List(f)).value();
  }

  PageChainReport Check(const std::vector<AuditEvent>& page, int64_t budget = 200000) {
    return std::move(lv_->audit().CheckPage(page, budget)).value();
  }

  void Sql(const std::string& statement) {
    testing::ExecSql(testing::DatabaseOf(config_), statement);
  }

  static std::vector<int64_t> Seqs(const std::vector<AuditEvent>& events) {
    std::vector<int64_t> out;
    for (const auto& e : events) out.push_back(e.seq);
    return out;
  }

  TempDir dir_;
  FakeClock clock_{std::chrono::system_clock::from_time_t(1795000000)};
  LocalVaultConfig config_;
  std::unique_ptr<LocalVault> lv_;
  std::unique_ptr<Signer> signer_;
};

TEST_F(AuditPageCheckTest, ListsNewestFirstWithACursorAndFiltersByOutcome) {
  AppendEvents(10);
  EXPECT_THAT(Seqs(Page(0, 3)), ElementsAre(10, 9, 8));
  EXPECT_THAT(Seqs(Page(8, 3)), ElementsAre(7, 6, 5));
  EXPECT_THAT(Seqs(Page(2, 3)), ElementsAre(1));
  AuditFilter denied;
  denied.outcome = "denied";
  denied.newest_first = true;
  EXPECT_THAT(Seqs(*lv_->audit().List(denied)), ElementsAre(9, 5, 1));
  denied.actor = "auditor";
  EXPECT_THAT(Seqs(*lv_->audit().List(denied)), ElementsAre(1));  // 1 4 7 10 by auditor, 1 5 9 denied
}

TEST_F(AuditPageCheckTest, AnIntactPageNamesTheCheckpointThatCoversIt) {
  AppendEvents(5);
  auto cp = lv_->audit().WriteCheckpoint(*signer_);
  ASSERT_TRUE(cp.ok());
  AppendEvents(3);

  PageChainReport older = Check(Page(6, 5));  // events 5..1
  EXPECT_TRUE(older.ok);
  EXPECT_TRUE(older.complete);
  EXPECT_TRUE(older.covered);
  EXPECT_EQ(older.covering.id, cp->id);
  EXPECT_EQ(older.covering.size, 5);
  EXPECT_EQ(older.walked, 5);
  EXPECT_EQ(older.uncovered, 0);

  PageChainReport newest = Check(Page(0, 2));  // events 8, 7: after the checkpoint
  EXPECT_TRUE(newest.ok);
  EXPECT_FALSE(newest.covered);
  EXPECT_EQ(newest.uncovered, 2);
  EXPECT_EQ(newest.walked, 3);  // from the checkpoint's head (event 5) to event 8, not from event 1
}

TEST_F(AuditPageCheckTest, AnEditedEventBreaksThePageThatHoldsIt) {
  AppendEvents(5);
  ASSERT_TRUE(lv_->audit().WriteCheckpoint(*signer_).ok());
  AppendEvents(3);
  Sql("UPDATE audit_events SET outcome = 'ok' WHERE seq = 5");  // was denied
  PageChainReport bad = Check(Page(6, 2));                       // events 5, 4
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.first_bad_seq, 5);
  EXPECT_THAT(bad.problems, ::testing::Contains(HasSubstr("event 5 was modified")));
  // A page after the checkpoint starts from its signed head: still intact,
  // while the full verification finds the edit.
  EXPECT_TRUE(Check(Page(0, 2)).ok);
  EXPECT_FALSE(lv_->audit().Verify()->ok);
}

TEST_F(AuditPageCheckTest, AHashRecomputedAfterAnEditDiffersFromTheSignedHead) {
  AppendEvents(5);
  ASSERT_TRUE(lv_->audit().WriteCheckpoint(*signer_).ok());
  AuditFilter f;
  f.after_seq = 4;
  f.limit = 1;
  AuditEvent e = lv_->audit().List(f)->at(0);
  e.record.actor = "someone else";
  Sql("UPDATE audit_events SET actor = 'someone else', hash = '" + Sha256::HexOf(CanonicalForm(e)) +
      "' WHERE seq = 5");
  PageChainReport r = Check(Page(0, 1));
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.problems, ::testing::Contains(HasSubstr("differs from the signed head")));
}

TEST_F(AuditPageCheckTest, AForgedCheckpointSignatureIsReported) {
  AppendEvents(3);
  auto cp = lv_->audit().WriteCheckpoint(*signer_);
  ASSERT_TRUE(cp.ok());
  std::string note = cp->note;
  note[note.size() - 5] = note[note.size() - 5] == 'A' ? 'B' : 'A';
  Sql("UPDATE audit_checkpoints SET note = '" + note + "' WHERE id = " + std::to_string(cp->id));
  PageChainReport r = Check(Page(0, 2));
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.problems, ::testing::Contains(HasSubstr("checkpoint " + std::to_string(cp->id))));
}

TEST_F(AuditPageCheckTest, BeyondTheBudgetThePageSaysItIsNotFullyChecked) {
  AppendEvents(20);
  PageChainReport r = Check(Page(0, 3), 10);  // no checkpoint: the stretch is all 20 events
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.unchecked, 3);
  EXPECT_EQ(r.walked, 0);
  EXPECT_TRUE(Check({}).ok);
}

}  // namespace
}  // namespace vault
