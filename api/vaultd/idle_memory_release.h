// IdleMemoryRelease: gives the heap's free pages back to the system once
// vaultd has been idle for a moment.
//
// glibc's malloc keeps memory freed by a thread in that thread's arena; it
// returns only the free top of each heap, never the free pages inside it.
// After a burst (64 clients uploading, stamping and logging in at once) the
// resident size stays at the burst's peak for good: the soak benchmark saw
// it grow by about 70 MiB per minute at first. Once no request has run for
// `idle` (and one ran since the last release), a background thread calls
// malloc_trim(0), which madvises every whole free page of every arena away.
// It costs milliseconds, and only when nothing is being served.
//
// CapArenas limits how many arenas glibc makes (by default 8 per core),
// which bounds how much free memory can sit in arenas at all.
//
// Thread-safe: Begin() and End() are called by every worker.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace vaultd {

// Whether malloc is glibc's: the sanitizers (GCC defines __SANITIZE_*,
// clang answers __has_feature) bring an allocator of their own.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define VAULTD_GLIBC_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define VAULTD_GLIBC_MALLOC 0
#endif
#endif
#ifndef VAULTD_GLIBC_MALLOC
#define VAULTD_GLIBC_MALLOC 1
#endif

class IdleMemoryRelease {
 public:
  // False under the sanitizers: ReleaseFreeHeap and CapArenas do nothing.
  static constexpr bool kReleasesGlibcHeap = VAULTD_GLIBC_MALLOC != 0;

  using Clock = std::chrono::steady_clock;
  using Release = std::function<void()>;

  // Starts the background thread. Each release adds one to `*counter` (the
  // vaultd_memory_releases_total metric; may be null). `release` is what a
  // release does (tests count calls); empty: ReleaseFreeHeap.
  IdleMemoryRelease(std::chrono::milliseconds idle, std::atomic<int64_t>* counter, Release release = {});
  // Stops and joins the background thread.
  ~IdleMemoryRelease();
  IdleMemoryRelease(const IdleMemoryRelease&) = delete;
  IdleMemoryRelease& operator=(const IdleMemoryRelease&) = delete;

  // A request began; it ended.
  void Begin();
  void End();

  // malloc_trim(0) where glibc's malloc is in use (a no-op under the
  // sanitizers, whose allocator is their own).
  static void ReleaseFreeHeap();
  // At most `arenas` malloc arenas (mallopt M_ARENA_MAX), unless the
  // MALLOC_ARENA_MAX environment variable already says (it wins) or
  // `arenas` <= 0. Call before threads start. True when it was applied.
  static bool CapArenas(int arenas);

 private:
  void Run();

  const std::chrono::milliseconds idle_;
  std::atomic<int64_t>* counter_;
  Release release_;
  std::mutex mu_;
  std::condition_variable cv_;
  int busy_ = 0;                  // guarded by mu_
  bool dirty_ = false;            // a request ran since the last release; guarded by mu_
  Clock::time_point last_end_{};  // guarded by mu_
  bool stop_ = false;             // guarded by mu_
  std::thread thread_;
};

// Marks one request as running for its scope (nothing when `release` is
// null: the release is off).
class BusyScope {
 public:
  explicit BusyScope(IdleMemoryRelease* release) : release_(release) {
    if (release_) release_->Begin();
  }
  ~BusyScope() {
    if (release_) release_->End();
  }
  BusyScope(const BusyScope&) = delete;
  BusyScope& operator=(const BusyScope&) = delete;

 private:
  IdleMemoryRelease* release_;
};

}  // namespace vaultd
