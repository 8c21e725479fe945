// IdleMemoryRelease: the heap's free pages go back to the system once, after
// a pause with no request running, and never while one runs; vaultd counts
// the releases in /metrics, and does none when the setting is 0.
#include "api/vaultd/idle_memory_release.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/process_memory.h"

namespace vault {
namespace {

using namespace std::chrono_literals;
using testing::Reply;
using testing::ResidentBytes;
using testing::VaultdTest;
using vaultd::IdleMemoryRelease;

// Waits up to 5 s for `done`.
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

TEST(IdleMemoryReleaseTest, ReleasesOnceAfterThePauseAndNeverWhileARequestRuns) {
  std::atomic<int> calls{0};
  std::atomic<int64_t> counter{0};
  IdleMemoryRelease release(50ms, &counter, [&] { ++calls; });
  release.Begin();
  std::this_thread::sleep_for(200ms);  // a long request: no release under it
  EXPECT_EQ(calls.load(), 0);
  release.End();
  ASSERT_TRUE(Eventually([&] { return calls.load() == 1; }));
  EXPECT_EQ(counter.load(), 1);
  std::this_thread::sleep_for(200ms);  // no request since: nothing more
  EXPECT_EQ(calls.load(), 1);
  // Two overlapping requests: one release, after the second one ends.
  release.Begin();
  release.Begin();
  release.End();
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(calls.load(), 1);
  release.End();
  ASSERT_TRUE(Eventually([&] { return calls.load() == 2; }));
  EXPECT_EQ(counter.load(), 2);
}

TEST(IdleMemoryReleaseTest, RequestsCloserThanThePauseDelayTheRelease) {
  std::atomic<int> calls{0};
  IdleMemoryRelease release(150ms, nullptr, [&] { ++calls; });
  for (int i = 0; i < 10; ++i) {  // 10 requests 30 ms apart: never a 150 ms pause
    release.Begin();
    release.End();
    std::this_thread::sleep_for(30ms);
  }
  EXPECT_EQ(calls.load(), 0);
  ASSERT_TRUE(Eventually([&] { return calls.load() == 1; }));
}

// The real release: memory freed in the middle of the heap (every block but
// one in 32 freed, so the top of the heap stays in use) stays resident
// until ReleaseFreeHeap gives its pages back.
TEST(IdleMemoryReleaseTest, TheRealReleaseReturnsFreePagesInsideTheHeap) {
  if (!IdleMemoryRelease::kReleasesGlibcHeap) GTEST_SKIP() << "the sanitizers' allocator is not glibc's malloc";
  constexpr size_t kBlock = 64 << 10, kBlocks = 4096;  // 256 MiB, below the mmap threshold
  std::vector<char*> blocks(kBlocks);
  for (auto& b : blocks) {
    b = static_cast<char*>(std::malloc(kBlock));
    ASSERT_NE(b, nullptr);
    std::memset(b, 0x5a, kBlock);
  }
  for (size_t i = 0; i < kBlocks; ++i) {
    if (i % 32 != 31) {
      std::free(blocks[i]);
      blocks[i] = nullptr;
    }
  }
  const int64_t before = ResidentBytes();
  IdleMemoryRelease::ReleaseFreeHeap();
  const int64_t after = ResidentBytes();
  EXPECT_GT(before - after, int64_t{128} << 20) << "resident " << (before >> 20) << " MiB -> " << (after >> 20)
                                                << " MiB";
  for (char* b : blocks) std::free(b);
}

class VaultdIdleMemoryTest : public VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.release_memory_after_idle_ms = 50; }
  int64_t Releases() {
    Reply m = Call("GET", "/metrics");
    EXPECT_EQ(m.status, 200);
    const std::string key = "\nvaultd_memory_releases_total ";
    size_t at = m.body.find(key);
    if (at == std::string::npos) {
      ADD_FAILURE() << "no vaultd_memory_releases_total in\n" << m.body;
      return -1;
    }
    return std::atoll(m.body.c_str() + at + key.size());
  }
};

// Every pause after requests gives one release, and a pause after the last
// one gives exactly one (reading /metrics is itself a request).
TEST_F(VaultdIdleMemoryTest, APauseAfterRequestsReleasesTheFreeHeapOnce) {
  const std::string token = Login("archivist");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id, token).status, 200);
  std::this_thread::sleep_for(400ms);
  const int64_t first = Releases();
  EXPECT_GE(first, 1);
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(Releases(), first + 1);
}

class VaultdIdleMemoryOffTest : public VaultdIdleMemoryTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.release_memory_after_idle_ms = 0; }
};

TEST_F(VaultdIdleMemoryOffTest, ZeroTurnsTheReleaseOff) {
  const std::string token = Login("archivist");
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id, token).status, 200);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Releases(), 0);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Releases(), 0);
}

}  // namespace
}  // namespace vault
