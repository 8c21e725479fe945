// Concurrency tests of the server as a whole, written for the ThreadSanitizer
// stage of scripts/test.sh (they run in the release suite too): the periodic
// passes (loan scheduler, audit checkpoints, alert scan) running while
// clients log in, read, search and upload; and Stop() while requests are
// in flight. Each checks its outcome (no 5xx, every acknowledged upload
// stored, the audit chain intact), so they fail without TSan as well when
// the server misbehaves; under TSan a data race fails them too.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/api/vaultd_fixture.h"

namespace vault {
namespace {

using testing::Multipart;
using testing::Reply;

// Client threads of a test: each answer's status is counted; an exception
// (connection refused or cut) counts as status -1.
struct Tally {
  std::mutex mu;
  std::map<int, int> statuses;
  std::vector<std::string> stored_ids;  // 201 answers to uploads
  void Count(int status) {
    std::lock_guard<std::mutex> lock(mu);
    ++statuses[status];
  }
  std::string Describe() {
    std::lock_guard<std::mutex> lock(mu);
    std::string out;
    for (const auto& [status, count] : statuses) out += " " + std::to_string(status) + "x" + std::to_string(count);
    return out;
  }
  int Total(int from, int to) {
    std::lock_guard<std::mutex> lock(mu);
    int n = 0;
    for (const auto& [status, count] : statuses) n += (status >= from && status <= to) ? count : 0;
    return n;
  }
};

class VaultdSchedulerConcurrencyTest : public testing::VaultdUploadTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    opts.checkpoint_interval_seconds = 1;
    opts.borrow_schedule_seconds = 1;
    opts.alert_scan_seconds = 1;
    opts.periodic_hook = [this](const char* pass, bool started) {
      if (!started) {
        std::lock_guard<std::mutex> lock(passes_mu_);
        ++passes_[pass];
      }
    };
  }
  int Passes(const std::string& pass) {
    std::lock_guard<std::mutex> lock(passes_mu_);
    return passes_[pass];
  }
  // One round of a client's traffic: a document, a search, an upload.
  void Round(const std::string& token, int client, int round, Tally& tally) {
    Reply get = Call("GET", "/api/v1/documents/" + south_.id, token);
    tally.Count(get.status);
    Reply search = Call("GET", "/api/v1/documents?title=contract", token);
    tally.Count(search.status);
    const std::string name = "c" + std::to_string(client) + "r" + std::to_string(round);
    Reply up = Upload(token, Multipart(kMeta, "content " + name, name + ".txt"));
    tally.Count(up.status);
    if (up.status == 201) {
      std::lock_guard<std::mutex> lock(tally.mu);
      tally.stored_ids.push_back(up.json()->getValue<std::string>("id"));
    }
  }

  std::mutex passes_mu_;
  std::map<std::string, int> passes_;
};

TEST_F(VaultdSchedulerConcurrencyTest, ConcurrentRequestsWhileEveryPeriodicPassRuns) {
  const std::string token = Login("archivist");
  std::atomic<bool> done{false};
  Tally tally;
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      for (int round = 0; !done.load(); ++round) Round(token, c, round, tally);
    });
  }
  // Logins (Argon2id, the login gate) and on-demand alert passes beside them.
  std::thread logins([&] {
    while (!done.load()) {
      Reply r = Call("POST", "/api/v1/sessions", "", std::string(R"({"username":"staff_s","password":")") +
                                                         kPassword + "\"}");
      tally.Count(r.status == 503 ? 201 : r.status);  // auth.busy is flow control, not a fault
      (void)server_->RunAlertPass();
    }
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline &&
         (Passes("borrow.schedule") < 2 || Passes("audit.checkpoint") < 2 || Passes("alert.scan") < 2)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  done = true;
  for (auto& t : clients) t.join();
  logins.join();

  EXPECT_GE(Passes("borrow.schedule"), 2);
  EXPECT_GE(Passes("audit.checkpoint"), 2);
  EXPECT_GE(Passes("alert.scan"), 2);
  EXPECT_EQ(tally.Total(-1, 199) + tally.Total(300, 599), 0) << "every request succeeded; answers:" << tally.Describe();
  EXPECT_GT(tally.Total(200, 299), 0);
  for (const auto& id : tally.stored_ids) {
    EXPECT_TRUE(lv_->vault().Get(id).ok()) << "acknowledged upload " << id << " is missing";
  }
  auto report = lv_->audit().Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok) << "audit chain broken at " << report->first_bad_seq;
}

class VaultdShutdownConcurrencyTest : public testing::VaultdUploadTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.shutdown_grace_seconds = 5; }
};

TEST_F(VaultdShutdownConcurrencyTest, ConcurrentRequestsDuringStopEndIn2xx503OrACut) {
  const std::string token = Login("archivist");
  std::atomic<bool> stopped{false};
  std::atomic<int> answered{0};
  Tally tally;
  std::vector<std::thread> clients;
  for (int c = 0; c < 6; ++c) {
    clients.emplace_back([&, c] {
      for (int round = 0; !stopped.load(); ++round) {
        const std::string name = "s" + std::to_string(c) + "r" + std::to_string(round);
        Reply r;
        try {
          r = (c % 2) ? Upload(token, Multipart(kMeta, "content " + name, name + ".txt"))
                      : Call("GET", "/api/v1/documents/" + south_.id, token);
        } catch (const Poco::Exception&) {
          r.status = -1;  // refused or cut: the server is going away
        }
        tally.Count(r.status);
        if (r.status > 0) ++answered;
        if (r.status == 201) {
          std::lock_guard<std::mutex> lock(tally.mu);
          tally.stored_ids.push_back(r.json()->getValue<std::string>("id"));
        }
      }
    });
  }
  while (answered.load() < 24) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stopped = true;
  for (auto& t : clients) t.join();

  EXPECT_LT(seconds, 5.0 + 3.0) << "Stop() is bounded by the grace period";
  // Answers are successes or "stopping" (503); nothing else, no 500.
  EXPECT_EQ(tally.Total(0, 199) + tally.Total(300, 502) + tally.Total(504, 599), 0) << tally.Describe();
  EXPECT_GT(tally.Total(200, 299), 0);
  for (const auto& id : tally.stored_ids) {
    EXPECT_TRUE(lv_->vault().Get(id).ok()) << "acknowledged upload " << id << " is missing";
  }
  EXPECT_TRUE(lv_->blobs().ListTemporaries()->empty()) << "nothing half-stored";
  auto report = lv_->audit().Verify();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->ok);
}

}  // namespace
}  // namespace vault
