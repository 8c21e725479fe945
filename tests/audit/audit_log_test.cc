#include "vault/audit/audit_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "tests/support/test_database.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/audit/signed_note.h"
#include "vault/base/canonical_json.h"
#include "vault/crypto/sha256.h"
#include "vault/keys/signer.h"
#include "vault/local/local_vault.h"

namespace vault {
namespace {

using testing::StatusIs;

using ::testing::HasSubstr;
using testing::TempDir;
using namespace Poco::Data::Keywords;

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::InitTestVault(dir_);
    config_.clock = &clock_;
    lv_ = std::move(LocalVault::Open(config_)).value();
    signer_ = std::move(Signer::FromKeyRing(lv_->keys(), "audit")).value();
    for (int i = 1; i <= 5; ++i) {
      AuditRecord r;
      r.actor = "张三";
      r.role = "staff";
      r.action = "document.read_content";
      r.object = "C001_HT_000" + std::to_string(i);
      r.outcome = "ok";
      r.client = "127.0.0.1";
      r.request_id = "req-" + std::to_string(i);
      ASSERT_TRUE(lv_->audit().Append(r).ok());
      clock_.Advance(std::chrono::seconds(1));
    }
  }

  // Tampers with the database directly, as an insider with SQL access would.
  void Sql(const std::string& statement) {
    testing::ExecSql(testing::DatabaseOf(config_), statement);
  }

  AuditReport Verify() { return std::move(lv_->audit().Verify()).value(); }

  TempDir dir_;
  FakeClock clock_{std::chrono::system_clock::from_time_t(1795000000)};
  LocalVaultConfig config_;
  std::unique_ptr<LocalVault> lv_;
  std::unique_ptr<Signer> signer_;
};

TEST_F(AuditLogTest, EventsFormAHashChain) {
  auto events = lv_->audit().List({});
  ASSERT_EQ(events->size(), 5u);
  EXPECT_EQ(events->at(0).prev_hash, std::string(64, '0'));
  for (size_t i = 1; i < events->size(); ++i) {
    EXPECT_EQ(events->at(i).seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(events->at(i).prev_hash, events->at(i - 1).hash);
    EXPECT_EQ(events->at(i).hash, Sha256::HexOf(CanonicalForm(events->at(i))));
  }
  EXPECT_EQ(events->at(0).time, FormatUtc(std::chrono::system_clock::from_time_t(1795000000)));
  AuditReport r = Verify();
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.events, 5);
}

TEST_F(AuditLogTest, FiltersByActorObjectAndAction) {
  AuditFilter f;
  f.object = "C001_HT_0003";
  EXPECT_EQ(lv_->audit().List(f)->size(), 1u);
  f = {};
  f.actor = "张三";
  f.limit = 2;
  EXPECT_EQ(lv_->audit().List(f)->size(), 2u);
  f = {};
  f.action = "document.create";
  EXPECT_TRUE(lv_->audit().List(f)->empty());
}

TEST_F(AuditLogTest, EditedRowIsDetected) {
  Sql("UPDATE audit_events SET outcome = 'denied' WHERE seq = 3");
  AuditReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 3);
  EXPECT_THAT(r.problems.at(0), HasSubstr("event 3 was modified"));
}

TEST_F(AuditLogTest, EditedRowWithRecomputedHashBreaksTheNextLink) {
  auto events = std::move(lv_->audit().List({})).value();
  AuditEvent e = events[2];
  e.record.actor = "李四";
  std::string forged = Sha256::HexOf(CanonicalForm(e));
  Sql("UPDATE audit_events SET actor = '李四', hash = '" + forged + "' WHERE seq = 3");
  AuditReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 4);
  EXPECT_THAT(r.problems.at(0), HasSubstr("event 4 does not follow"));
}

TEST_F(AuditLogTest, DeletedRowIsDetected) {
  Sql("DELETE FROM audit_events WHERE seq = 2");
  AuditReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 2);
  EXPECT_THAT(r.problems.at(0), HasSubstr("event 2 is missing"));
}

TEST_F(AuditLogTest, ReorderedRowsAreDetected) {
  // Swap the contents of events 2 and 4, keeping their sequence numbers.
  Sql("UPDATE audit_events SET seq = -2 WHERE seq = 2");
  Sql("UPDATE audit_events SET seq = 2 WHERE seq = 4");
  Sql("UPDATE audit_events SET seq = 4 WHERE seq = -2");
  AuditReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 2);
}

TEST_F(AuditLogTest, CheckpointCatchesTruncatedTail) {
  ASSERT_TRUE(lv_->audit().WriteCheckpoint(*signer_).ok());
  EXPECT_TRUE(Verify().ok);
  Sql("DELETE FROM audit_events WHERE seq >= 4");  // the chain alone still looks fine
  AuditReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.problems.at(0), HasSubstr("covers 5 events but only 3 exist"));
}

TEST_F(AuditLogTest, CheckpointCatchesARewrittenChain) {
  ASSERT_TRUE(lv_->audit().WriteCheckpoint(*signer_).ok());
  // Rewrite event 5 and recompute its hash: the chain is self-consistent.
  auto events = std::move(lv_->audit().List({})).value();
  AuditEvent e = events[4];
  e.record.outcome = "denied";
  Sql("UPDATE audit_events SET outcome = 'denied', hash = '" + Sha256::HexOf(CanonicalForm(e)) +
      "' WHERE seq = 5");
  AuditReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.problems.at(0), HasSubstr("differs from the signed head"));
}

TEST_F(AuditLogTest, FlippedBitInCheckpointFailsSignature) {
  auto cp = lv_->audit().WriteCheckpoint(*signer_);
  ASSERT_TRUE(cp.ok());
  std::string note = cp->note;
  note[20] ^= 0x01;  // inside the body
  Sql("UPDATE audit_checkpoints SET note = '" + note + "' WHERE id = " + std::to_string(cp->id));
  AuditReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.problems.at(0), HasSubstr("signature does not verify"));
}

TEST_F(AuditLogTest, CheckpointIsASignedNoteOverSizeAndHead) {
  auto cp = lv_->audit().WriteCheckpoint(*signer_);
  ASSERT_TRUE(cp.ok());
  auto parsed = ParseNote(cp->note);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->body, CheckpointBody(5, lv_->audit().List({})->back().hash));
  EXPECT_EQ(parsed->body.substr(0, 20), "sales-vault/audit\n5\n");
  EXPECT_EQ(parsed->key_name, signer_->key_name());
  EXPECT_TRUE(VerifyEd25519(signer_->public_key(), parsed->body, parsed->signature.data(),
                            parsed->signature.size()));
  auto kh = NoteKeyHash(signer_->key_name(), signer_->public_key());
  EXPECT_TRUE(std::equal(kh.begin(), kh.end(), parsed->key_hash.begin()));
  EXPECT_EQ(*lv_->audit().PublicKeyOf(signer_->key_name()), signer_->public_key());
}

TEST_F(AuditLogTest, RotationKeepsOldCheckpointsVerifiable) {
  ASSERT_TRUE(lv_->audit().WriteCheckpoint(*signer_).ok());
  ASSERT_TRUE(lv_->vault().RotateKeys().ok());
  auto new_signer = std::move(Signer::FromKeyRing(lv_->keys(), "audit")).value();
  EXPECT_NE(new_signer->key_name(), signer_->key_name());
  ASSERT_TRUE(lv_->audit().WriteCheckpoint(*new_signer).ok());
  AuditReport r = Verify();
  EXPECT_TRUE(r.ok) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(r.checkpoints, 2);
}

TEST(CanonicalJsonTest, SortedCompactEscaped) {
  EXPECT_EQ(CanonicalJson({{"b", int64_t{2}}, {"a", std::string("x\"\\\n\x01张")}}),
            "{\"a\":\"x\\\"\\\\\\u000a\\u0001张\",\"b\":2}");
}

TEST(SignedNoteTest, RejectsMalformedNotes) {
  EXPECT_THAT(ParseNote("no blank line"), StatusIs(StatusCode::kInvalidArgument, "note.malformed"));
  EXPECT_THAT(ParseNote("body\n\nnot a signature\n"), StatusIs(StatusCode::kInvalidArgument, "note.malformed"));
  EXPECT_THAT(ParseNote("body\n\n\xe2\x80\x94 key c2hvcnQ=\n"),
              StatusIs(StatusCode::kInvalidArgument, "note.malformed"));
}

// Found by the signed_note fuzz target (tests/fuzz/corpus/signed_note/
// regress-base64-throws): a signature whose base64 decodes past 60 bytes
// before it turns out malformed made Poco's decoder throw from inside the
// string being built, reported by LeakSanitizer as a leak.
TEST(SignedNoteTest, MalformedBase64IsRefusedWithoutThrowing) {
  const std::string sig = "eyvJ0YyXER9llARg8hN9ys/zRyX74bgaxqYmMFRXp1cyOUFMkiDOUeFrHCRFz50o5WKOt3GFXBQ1lI2mgfTya+6Rwo=";
  EXPECT_THAT(Base64Decode(sig), StatusIs(StatusCode::kInvalidArgument, "note.malformed"));
  EXPECT_THAT(ParseNote("sales-vault/audit\n3\nqqqq\n\n\xe2\x80\x94 someone " + sig + "\n"),
              StatusIs(StatusCode::kInvalidArgument, "note.malformed"));
  EXPECT_THAT(Base64Decode("c2hvcnQ"), StatusIs(StatusCode::kInvalidArgument, "note.malformed"));  // unpadded
  EXPECT_THAT(Base64Decode("c2hvcnQ=c2g="), StatusIs(StatusCode::kInvalidArgument, "note.malformed"));
  auto ok = Base64Decode(Base64Encode(std::string("\x00\xff signed bytes", 15)));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, std::string("\x00\xff signed bytes", 15));
  EXPECT_EQ(Base64Decode("").value(), "");
}

TEST(SignerTest, PemIsSubjectPublicKeyInfo) {
  Signer::PublicKey pk{};
  pk.fill(0xab);
  std::string pem = Ed25519PublicKeyPem(pk);
  EXPECT_EQ(pem.rfind("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA", 0), 0u);
  EXPECT_THAT(pem, HasSubstr("-----END PUBLIC KEY-----\n"));
}

// A clock whose first reading takes a while, as a slow disk would: the
// appends that arrive meanwhile must be committed together, in one
// transaction, and still form one unbroken chain.
class SlowFirstReadClock : public Clock {
 public:
  TimePoint Now() const override {
    if (!slept_.exchange(true)) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return std::chrono::system_clock::from_time_t(1795000000);
  }

 private:
  mutable std::atomic<bool> slept_{false};
};

TEST(AuditGroupCommitTest, ConcurrentAppendsShareCommitsAndKeepTheChain) {
  TempDir dir;
  LocalVaultConfig config = testing::InitTestVault(dir);
  SlowFirstReadClock clock;
  auto log = std::move(AuditLog::Open(db::Database::Open(testing::DatabaseOf(config)).value(), &clock)).value();
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  std::vector<int64_t> seqs(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Let thread 0 lead (and stall in the clock) before the others queue.
      if (t > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      AuditRecord r;
      r.actor = "user" + std::to_string(t);
      r.action = "document.metadata";
      r.outcome = "ok";
      auto e = log->Append(r);
      if (!e.ok()) {
        ++failures;
        return;
      }
      seqs[static_cast<size_t>(t)] = e->seq;
      if (e->record.actor != r.actor) ++failures;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  // Thread 0's commit, then one commit for the seven that queued behind it.
  EXPECT_EQ(log->append_commits(), 2);
  std::sort(seqs.begin(), seqs.end());
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(seqs[static_cast<size_t>(i)], i + 1);
  AuditReport report = std::move(log->Verify()).value();
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.events, kThreads);
}

}  // namespace
}  // namespace vault
