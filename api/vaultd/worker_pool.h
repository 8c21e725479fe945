// WorkerPool: a fixed set of threads serving connections whose request is
// ready (see WaitingRoom). Connections wait in a FIFO queue; the queue is
// bounded by the number of open connections, which the waiting room caps.
//
// Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api/vaultd/client_connection.h"

namespace vaultd {

class WorkerPool {
 public:
  using Serve = std::function<void(std::unique_ptr<ClientConnection>)>;
  // `drop` receives connections still queued at Stop().
  WorkerPool(int threads, Serve serve, Serve drop) : serve_(std::move(serve)), drop_(std::move(drop)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~WorkerPool() { Stop(); }

  void Submit(std::unique_ptr<ClientConnection> c) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!stopped_) {
        queue_.push_back(std::move(c));
        cv_.notify_one();
        return;
      }
    }
    drop_(std::move(c));
  }
  size_t queued() {
    std::lock_guard<std::mutex> lock(mu_);
    return queue_.size();
  }
  // Drops what is queued and waits for the requests under way.
  void Stop() {
    std::deque<std::unique_ptr<ClientConnection>> left;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopped_ && threads_.empty()) return;
      stopped_ = true;
      left.swap(queue_);
      cv_.notify_all();
    }
    for (auto& c : left) drop_(std::move(c));
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  void Run() {
    for (;;) {
      std::unique_ptr<ClientConnection> c;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
        if (queue_.empty()) return;
        c = std::move(queue_.front());
        queue_.pop_front();
      }
      serve_(std::move(c));
    }
  }

  Serve serve_;
  Serve drop_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<ClientConnection>> queue_;
  bool stopped_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace vaultd
