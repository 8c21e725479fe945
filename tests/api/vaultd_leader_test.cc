// The periodic work (loan scheduler, audit checkpoints, alert passes,
// resuming a destruction) runs on one node at a time. On PostgreSQL two vaultd nodes
// share one database and one blob directory here, as they would behind a
// load balancer; a hook counts which node runs which pass.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "api/vaultd/server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "tests/support/test_vault.h"
#include "vault/policy/default_roles.h"

namespace vault {
namespace {

using Clock = std::chrono::steady_clock;

struct Pass {
  int node;
  std::string name;
  Clock::time_point start, end;
};

class PassLog {
 public:
  std::function<void(const char*, bool)> HookFor(int node) {
    return [this, node](const char* pass, bool started) {
      std::lock_guard<std::mutex> lock(mu_);
      if (started) {
        passes_.push_back({node, pass, Clock::now(), Clock::time_point::max()});
      } else {
        for (auto it = passes_.rbegin(); it != passes_.rend(); ++it) {
          if (it->node == node && it->name == pass && it->end == Clock::time_point::max()) {
            it->end = Clock::now();
            break;
          }
        }
      }
    };
  }
  std::vector<Pass> Passes() {
    std::lock_guard<std::mutex> lock(mu_);
    return passes_;
  }

 private:
  std::mutex mu_;
  std::vector<Pass> passes_;
};

struct Node {
  std::unique_ptr<LocalVault> vault;
  std::unique_ptr<vaultd::VaultServer> server;
};

class LeaderTest : public ::testing::Test {
 protected:
  static constexpr long kPeriod = 1;  // seconds, both timers

  void SetUp() override {
    config_ = testing::InitTestVault(dir_);
    policy_ = std::move(PolicyEngine::FromJson(kDefaultRolesJson)).value();
  }

  Node Start(int id) {
    Node n;
    n.vault = std::move(LocalVault::Open(config_)).value();
    vaultd::ServerOptions opts;
    opts.port = 0;
    opts.checkpoint_interval_seconds = kPeriod;
    opts.borrow_schedule_seconds = kPeriod;
    opts.alert_scan_seconds = kPeriod;
    opts.periodic_hook = log_.HookFor(id);
    n.server = std::make_unique<vaultd::VaultServer>(n.vault.get(), policy_.get(), opts);
    EXPECT_TRUE(n.server->Start().ok());
    return n;
  }

  int CountFor(int node, const std::string& name) {
    int n = 0;
    for (const Pass& p : log_.Passes()) n += (p.node == node && p.name == name);
    return n;
  }

  testing::TempDir dir_;
  LocalVaultConfig config_;
  std::unique_ptr<PolicyEngine> policy_;
  PassLog log_;
};

TEST_F(LeaderTest, OneOfTwoNodesRunsThePassesAndTheOtherTakesOverWhenItStops) {
  if (!testing::TestOnPostgres()) GTEST_SKIP() << "several nodes share a PostgreSQL database";
  Node a = Start(0);
  Node b = Start(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));

  const int a_runs = CountFor(0, "borrow.schedule"), b_runs = CountFor(1, "borrow.schedule");
  EXPECT_GE(a_runs + b_runs, 2) << "the scheduler ran";
  EXPECT_TRUE(a_runs == 0 || b_runs == 0) << "both nodes ran the scheduler: " << a_runs << " and " << b_runs;
  EXPECT_TRUE(CountFor(0, "audit.checkpoint") == 0 || CountFor(1, "audit.checkpoint") == 0);
  EXPECT_GE(CountFor(0, "alert.scan") + CountFor(1, "alert.scan"), 2) << "the alert pass ran";
  EXPECT_TRUE(CountFor(0, "alert.scan") == 0 || CountFor(1, "alert.scan") == 0) << "both nodes judged alerts";
  const int leader = a_runs > 0 ? 0 : 1;
  Node& lead = leader == 0 ? a : b;
  Node& other = leader == 0 ? b : a;

  // The leader goes away; the other node runs the next pass within two
  // scheduler periods.
  const auto stopped = Clock::now();
  lead.server->Stop();
  lead.server.reset();
  lead.vault.reset();
  const auto deadline = stopped + std::chrono::seconds(3 * kPeriod);
  while (CountFor(1 - leader, "borrow.schedule") == 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Clock::time_point first = Clock::time_point::max();
  for (const Pass& p : log_.Passes()) {
    if (p.node == 1 - leader && p.name == "borrow.schedule") first = std::min(first, p.start);
  }
  ASSERT_NE(first, Clock::time_point::max()) << "no node took the periodic work over";
  EXPECT_LE(first - stopped, std::chrono::seconds(2 * kPeriod));
  other.server->Stop();

  // No pass of one node overlapped a pass of the other.
  auto passes = log_.Passes();
  for (const Pass& p : passes) {
    for (const Pass& q : passes) {
      if (p.node == q.node) continue;
      EXPECT_TRUE(p.end <= q.start || q.end <= p.start) << p.name << " on node " << p.node << " overlapped "
                                                         << q.name << " on node " << q.node;
    }
  }
}

TEST_F(LeaderTest, TheOnlyNodeOfASqliteVaultLeads) {
  if (testing::TestOnPostgres()) GTEST_SKIP() << "the SQLite case";
  Node a = Start(0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_GE(CountFor(0, "borrow.schedule"), 1);
  EXPECT_GE(CountFor(0, "alert.scan"), 1);
  EXPECT_GE(CountFor(0, "destruction.resume"), 1) << "a starting leader finishes interrupted destructions first";
  a.server->Stop();
}

}  // namespace
}  // namespace vault
