// The connection layer under slow and idle clients: 1,000 connections that
// send nothing, drip a head, or drip a body must not keep a normal request
// from being answered within 200 ms, and the server must shed them by itself
// once their deadlines pass. Bounded: about 15 s.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "tests/support/process_memory.h"
#include "tests/api/raw_client.h"
#include "tests/api/vaultd_fixture.h"

namespace vault::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class SlowClientsTest : public VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    opts.request_head_timeout_seconds = 3;
    opts.keep_alive_timeout_seconds = 3;
    opts.max_connections_per_client = 128;
    // Both ends of 1,000+ connections live in this process.
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 16384);
    setrlimit(RLIMIT_NOFILE, &lim);
  }

  int64_t Metric(const std::string& name) {
    Reply r = Call("GET", "/metrics");
    const size_t at = r.body.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stoll(r.body.substr(at + name.size() + 2));
  }

  // One authenticated GET on a fresh connection; its latency.
  std::chrono::duration<double, std::milli> TimedGet(const std::string& token, int* status) {
    const auto start = std::chrono::steady_clock::now();
    try {
      *status = Call("GET", "/api/v1/documents", token).status;
    } catch (const Poco::Exception& e) {
      *status = -1;  // refused or reset
      ADD_FAILURE() << "GET failed: " << e.displayText();
    }
    return std::chrono::steady_clock::now() - start;
  }
};

TEST_F(SlowClientsTest, DrippingClientsDoNotStarveOthers) {
  const std::string token = Login("archivist");
  // 1,000 hostile connections from ten addresses (100 each, under the
  // per-client limit): 400 send nothing, 300 drip a head a line at a time,
  // 300 drip a small body a byte at a time.
  std::vector<int> idle, head, body;
  for (int i = 0; i < 1000; ++i) {
    const std::string source = "127.0.0." + std::to_string(2 + i % 10);
    int fd = ConnectFrom(source, server_->port());
    ASSERT_GE(fd, 0) << "connection " << i;
    if (i % 10 < 4) {
      idle.push_back(fd);
    } else if (i % 10 < 7) {
      SendAll(fd, "GET /api/v1/documents HTTP/1.1\r\nHost: x\r\n");
      head.push_back(fd);
    } else {
      SendAll(fd, "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Content-Length: 200\r\n\r\n{");
      body.push_back(fd);
    }
  }
  std::atomic<bool> dripping{true};
  std::thread dripper([&] {
    while (dripping) {
      for (int fd : head) (void)::send(fd, "X-Drip: 1\r\n", 11, MSG_NOSIGNAL | MSG_DONTWAIT);
      for (int fd : body) (void)::send(fd, " ", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      std::this_thread::sleep_for(250ms);
    }
  });
  std::this_thread::sleep_for(500ms);
  EXPECT_GE(Metric("vaultd_connections_open"), 1000);
  double worst = 0;
  for (int i = 0; i < 20; ++i) {
    int status = 0;
    worst = std::max(worst, TimedGet(token, &status).count());
    EXPECT_EQ(status, 200);
  }
  EXPECT_LT(worst, 200.0) << "a normal request waited behind slow clients";
  // The server sheds them by itself: every hostile connection is closed
  // within its head deadline (3 s here), dripping or not.
  int closed = 0;
  const auto until = std::chrono::steady_clock::now() + 6s;
  for (const auto* group : {&idle, &head, &body}) {
    for (int fd : *group) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (ReadUntilClosed(fd, std::max(left, 1ms)).closed) ++closed;
    }
  }
  dripping = false;
  dripper.join();
  for (const auto* group : {&idle, &head, &body}) {
    for (int fd : *group) ::close(fd);
  }
  EXPECT_EQ(closed, 1000);
  EXPECT_GE(Metric("vaultd_request_timeouts_total"), 600);
  int status = 0;
  EXPECT_LT(TimedGet(token, &status).count(), 200.0);
  EXPECT_EQ(status, 200);
}

TEST_F(SlowClientsTest, ConnectionsBeyondThePerClientLimitAreRefused) {
  std::vector<int> held;
  for (int i = 0; i < 128; ++i) {
    int fd = ConnectFrom("127.0.0.20", server_->port());
    ASSERT_GE(fd, 0);
    held.push_back(fd);
  }
  std::this_thread::sleep_for(200ms);
  int extra = ConnectFrom("127.0.0.20", server_->port());
  ASSERT_GE(extra, 0);  // the kernel accepts; vaultd answers and closes
  RawReply refused = ReadUntilClosed(extra, 3000ms);
  ::close(extra);
  EXPECT_TRUE(refused.closed);
  EXPECT_THAT(refused.bytes, HasSubstr("503 Service Unavailable"));
  EXPECT_THAT(refused.bytes, HasSubstr("server.too_many_connections"));
  // Another address is served as usual.
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  for (int fd : held) ::close(fd);
}

class FullServerTest : public SlowClientsTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    SlowClientsTest::Configure(opts);
    opts.max_connections = 32;
  }
};

TEST_F(FullServerTest, IdleConnectionsAreClosedFirstWhenFull) {
  std::vector<int> held;
  for (int i = 0; i < 40; ++i) {
    int fd = ConnectFrom("127.0.0.30", server_->port());
    ASSERT_GE(fd, 0);
    held.push_back(fd);
  }
  std::this_thread::sleep_for(200ms);
  // Full of idle connections, a new client still gets its answer: the
  // oldest idle ones made room.
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_GE(Metric("vaultd_connections_evicted_total"), 9);
  RawReply first = ReadUntilClosed(held.front(), 1000ms);
  EXPECT_TRUE(first.closed) << "the oldest idle connection should have been closed";
  for (int fd : held) ::close(fd);
}

// --- memory before the caller is known ---------------------------------------

class LargeBodiesTest : public VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.max_upload_bytes = 512ll << 20; }
};

TEST_F(LargeBodiesTest, DeclaredBodiesCommitNoMemoryBeforeTheCallerIsKnown) {
  const std::string staff = Login("staff_s");
  const std::string nobody = "";
  const int64_t before = ResidentBytes();
  // 16 clients, each declaring 256 MiB: returns of a loan that is not theirs
  // (it does not exist), traces by someone not allowed to trace, and
  // anonymous ones. Each sends a little of the body and waits for the answer.
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int i = 0; i < 16; ++i) {
    clients.emplace_back([&, i] {
      std::string path = i % 2 ? "/api/v1/borrows/L-not-yours/return" : "/api/v1/trace";
      std::string auth = i % 4 == 3 ? "" : "Authorization: Bearer " + staff + "\r\n";
      int fd = ConnectFrom("127.0.0.1", server_->port());
      if (fd < 0) return;
      SendAll(fd, "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n" + auth +
                      "Content-Length: 268435456\r\n\r\n" + std::string(4096, '%'));
      RawReply r = ReadUntilClosed(fd, 10000ms);
      ::close(fd);
      if (r.status_line().find(" 4") != std::string::npos) ++answered;
    });
  }
  for (auto& t : clients) t.join();
  const int64_t grown = ResidentBytes() - before;
  EXPECT_EQ(answered.load(), 16);
  EXPECT_LT(grown, 64ll << 20) << "RSS grew by " << (grown >> 20) << " MiB";
}

}  // namespace
}  // namespace vault::testing
