#include "vault/identity/identity_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "tests/support/test_database.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/local/local_vault.h"

namespace vault {
namespace {

using testing::StatusIs;

using ::testing::HasSubstr;
using testing::TempDir;

class IdentityStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::InitTestVault(dir_);
    // Migrations run when the vault opens.
    ASSERT_TRUE(LocalVault::Open(config_).ok());
    LoginPolicy policy;
    policy.max_failures = 3;
    policy.lockout = std::chrono::minutes(10);
    policy.token_lifetime = std::chrono::hours(1);
    policy.argon2_opslimit = 1;  // cheap hashes keep the test fast
    policy.argon2_memlimit = 8u << 20;
    store_ = std::move(IdentityStore::Open(db::Database::Open(testing::DatabaseOf(config_)).value(), &clock_, policy))
                 .value();
    NewUser u;
    u.username = "zhangsan";
    u.display_name = "张三";
    u.role = "staff";
    u.department = "华南销售部";
    u.password = "correct horse battery";
    ASSERT_TRUE(store_->AddUser(u).ok());
  }

  TempDir dir_;
  FakeClock clock_{std::chrono::system_clock::from_time_t(1795000000)};
  LocalVaultConfig config_;
  std::unique_ptr<IdentityStore> store_;
};

TEST_F(IdentityStoreTest, LoginIssuesATokenThatAuthenticates) {
  auto login = store_->Login("zhangsan", "correct horse battery");
  ASSERT_TRUE(login.ok()) << login.status().ToString();
  EXPECT_EQ(login->token.size(), 64u);
  EXPECT_EQ(login->expires_at, "2026-11-18T12:06:40Z");
  auto user = store_->Authenticate(login->token);
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->display_name, "张三");
  EXPECT_EQ(user->role, "staff");
}

TEST_F(IdentityStoreTest, DatabaseHoldsNoPasswordOrToken) {
  if (testing::TestOnPostgres()) GTEST_SKIP() << "inspects the SQLite file itself";
  auto login = store_->Login("zhangsan", "correct horse battery");
  std::string db = testing::ReadFile(config_.data_dir + "/metadata.db") +
                   testing::ReadFile(config_.data_dir + "/metadata.db-wal");
  EXPECT_EQ(db.find("correct horse battery"), std::string::npos);
  EXPECT_EQ(db.find(login->token), std::string::npos);
  EXPECT_NE(db.find("$argon2id$"), std::string::npos);
}

TEST_F(IdentityStoreTest, WrongPasswordAndUnknownUserLookTheSame) {
  auto a = store_->Login("zhangsan", "wrong password!!");
  auto b = store_->Login("nobody", "wrong password!!");
  EXPECT_THAT(a, StatusIs(StatusCode::kUnauthenticated, "auth.failed"));
  EXPECT_THAT(b, StatusIs(StatusCode::kUnauthenticated, "auth.failed"));
  EXPECT_EQ(a.status().message(), b.status().message());
  EXPECT_THAT(a, StatusIs(StatusCode::kUnauthenticated));
}

TEST_F(IdentityStoreTest, LockoutAfterPolicyCountThenExpires) {
  EXPECT_THAT(store_->Login("zhangsan", "bad password 1"), StatusIs(StatusCode::kUnauthenticated, "auth.failed"));
  EXPECT_THAT(store_->Login("zhangsan", "bad password 2"), StatusIs(StatusCode::kUnauthenticated, "auth.failed"));
  EXPECT_THAT(store_->Login("zhangsan", "bad password 3"), StatusIs(StatusCode::kUnauthenticated, "auth.locked"));
  // Even the right password is refused while locked.
  EXPECT_THAT(store_->Login("zhangsan", "correct horse battery"),
              StatusIs(StatusCode::kUnauthenticated, "auth.locked"));
  clock_.Advance(std::chrono::minutes(11));
  EXPECT_TRUE(store_->Login("zhangsan", "correct horse battery").ok());
}

// 16 wrong passwords sent at once, from two connections to the same
// database file (as vaultd and another process would), once left the account
// unlocked: each guess raised a count it had read before its Argon2id check.
TEST_F(IdentityStoreTest, ParallelWrongPasswordsLockLikeSequentialOnes) {
  LoginPolicy policy;
  policy.max_failures = 3;
  policy.lockout = std::chrono::minutes(10);
  policy.argon2_opslimit = 1;
  policy.argon2_memlimit = 8u << 20;
  // Its own Database: another process on the same file.
  auto other = IdentityStore::Open(db::Database::Open(testing::DatabaseOf(config_)).value(), &clock_, policy);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  constexpr int kGuesses = 16;
  std::atomic<int> ready{0};
  std::vector<std::string> reasons(kGuesses);
  std::vector<std::thread> threads;
  for (int i = 0; i < kGuesses; ++i) {
    IdentityStore* store = i % 2 ? other->get() : store_.get();
    threads.emplace_back([&, store, i] {
      ready.fetch_add(1);
      while (ready.load() < kGuesses) std::this_thread::yield();
      reasons[i] = store->Login("zhangsan", "wrong password " + std::to_string(i)).status().reason();
    });
  }
  for (auto& t : threads) t.join();
  std::map<std::string, int> counts;
  for (const auto& r : reasons) ++counts[r];
  // Sequentially: max_failures - 1 plain failures, then locked.
  EXPECT_EQ(counts["auth.failed"], 2);
  EXPECT_EQ(counts["auth.locked"], kGuesses - 2);
  EXPECT_EQ(counts.size(), 2u);
  EXPECT_THAT(store_->Login("zhangsan", "correct horse battery"),
              StatusIs(StatusCode::kUnauthenticated, "auth.locked"));
  clock_.Advance(std::chrono::minutes(11));
  EXPECT_TRUE(store_->Login("zhangsan", "correct horse battery").ok());
}

TEST_F(IdentityStoreTest, TokensExpireWithTheClock) {
  auto login = store_->Login("zhangsan", "correct horse battery");
  clock_.Advance(std::chrono::minutes(59));
  EXPECT_TRUE(store_->Authenticate(login->token).ok());
  clock_.Advance(std::chrono::minutes(2));
  EXPECT_THAT(store_->Authenticate(login->token), StatusIs(StatusCode::kUnauthenticated, "auth.expired"));
}

TEST_F(IdentityStoreTest, LogoutRevokes) {
  auto login = store_->Login("zhangsan", "correct horse battery");
  ASSERT_TRUE(store_->Logout(login->token).ok());
  EXPECT_THAT(store_->Authenticate(login->token), StatusIs(StatusCode::kUnauthenticated, "auth.revoked"));
  EXPECT_THAT(store_->Authenticate("not-a-token"), StatusIs(StatusCode::kUnauthenticated, "auth.invalid_token"));
  EXPECT_THAT(store_->Authenticate(std::string(64, 'a')), StatusIs(StatusCode::kUnauthenticated, "auth.invalid_token"));
}

TEST_F(IdentityStoreTest, DisablingAndPasswordChangeEndSessions) {
  auto s1 = store_->Login("zhangsan", "correct horse battery");
  ASSERT_TRUE(store_->SetPassword("zhangsan", "another good password").ok());
  EXPECT_THAT(store_->Authenticate(s1->token), StatusIs(StatusCode::kUnauthenticated, "auth.revoked"));
  EXPECT_THAT(store_->Login("zhangsan", "correct horse battery"),
              StatusIs(StatusCode::kUnauthenticated, "auth.failed"));
  auto s2 = store_->Login("zhangsan", "another good password");
  ASSERT_TRUE(s2.ok());
  ASSERT_TRUE(store_->SetDisabled("zhangsan", true).ok());
  EXPECT_FALSE(store_->Authenticate(s2->token).ok());
  EXPECT_THAT(store_->Login("zhangsan", "another good password"),
              StatusIs(StatusCode::kPermissionDenied, "auth.disabled"));
}

TEST_F(IdentityStoreTest, InvalidUsersAreRefusedWithTheField) {
  NewUser u;
  u.username = "Bad Name";
  u.role = "king";
  u.department = "";
  u.clearance = "secret";
  u.password = "short";
  Status s = store_->AddUser(u).status();
  EXPECT_THAT(s, StatusIs(StatusCode::kInvalidArgument, "user.invalid"));
  for (const char* field : {"username:", "role:", "department:", "clearance:", "password:"}) {
    EXPECT_THAT(s.message(), HasSubstr(field));
  }
  NewUser dup;
  dup.username = "zhangsan";
  dup.role = "staff";
  dup.department = "x";
  dup.password = "long enough password";
  EXPECT_THAT(store_->AddUser(dup), StatusIs(StatusCode::kAlreadyExists, "user.exists"));
}

}  // namespace
}  // namespace vault
