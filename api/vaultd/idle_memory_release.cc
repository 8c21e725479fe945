#include "api/vaultd/idle_memory_release.h"

#include <malloc.h>

#include <cstdlib>

namespace vaultd {

IdleMemoryRelease::IdleMemoryRelease(std::chrono::milliseconds idle, std::atomic<int64_t>* counter,
                                     Release release)
    : idle_(idle), counter_(counter), release_(release ? std::move(release) : Release(&ReleaseFreeHeap)) {
  thread_ = std::thread([this] { Run(); });
}

IdleMemoryRelease::~IdleMemoryRelease() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void IdleMemoryRelease::Begin() {
  std::lock_guard<std::mutex> lock(mu_);
  ++busy_;
  dirty_ = true;
}

void IdleMemoryRelease::End() {
  bool idle_now;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --busy_;
    last_end_ = Clock::now();
    idle_now = busy_ == 0;
  }
  if (idle_now) cv_.notify_all();
}

void IdleMemoryRelease::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (!dirty_ || busy_ > 0) {
      cv_.wait(lock);
      continue;
    }
    const Clock::time_point due = last_end_ + idle_;
    if (Clock::now() < due) {
      cv_.wait_until(lock, due);
      continue;
    }
    dirty_ = false;
    lock.unlock();
    release_();
    if (counter_) counter_->fetch_add(1);
    lock.lock();
  }
}

void IdleMemoryRelease::ReleaseFreeHeap() {
  if (kReleasesGlibcHeap) malloc_trim(0);
}

bool IdleMemoryRelease::CapArenas(int arenas) {
  if (arenas <= 0 || std::getenv("MALLOC_ARENA_MAX") != nullptr || !kReleasesGlibcHeap) return false;
  return mallopt(M_ARENA_MAX, arenas) == 1;
}

}  // namespace vaultd
