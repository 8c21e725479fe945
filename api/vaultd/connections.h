// Connections: every open client connection and whether it is handling a
// request, so shutdown can close the idle ones at once, give the busy ones a
// grace period, then cut them.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>

namespace vaultd {

class Connections {
 public:
  uint64_t Add(const Poco::Net::StreamSocket& socket) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.emplace(++next_, Entry{socket, false});  // the copy keeps the descriptor open
    return next_;
  }
  void SetBusy(uint64_t id, bool busy) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it != entries_.end()) it->second.busy = busy;
  }
  void Remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.erase(id);
    cv_.notify_all();
  }
  // shutdown(2) on the descriptors: blocked reads and writes fail at once.
  // A plain syscall, safe beside another thread's I/O on the socket (TLS
  // included, which would not tolerate a concurrent SSL_shutdown).
  void ShutdownIdle() { Shutdown(/*busy_too=*/false); }
  int ShutdownAll() { return Shutdown(/*busy_too=*/true); }
  // Waits until no connection is left or `deadline` passes.
  bool WaitEmpty(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_until(lock, deadline, [this] { return entries_.empty(); });
  }

 private:
  struct Entry {
    Poco::Net::StreamSocket socket;
    bool busy;
  };
  int Shutdown(bool busy_too) {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (auto& kv : entries_) {
      if (!busy_too && kv.second.busy) continue;
      ::shutdown(kv.second.socket.impl()->sockfd(), SHUT_RDWR);
      ++n;
    }
    return n;
  }
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_ = 0;
  std::map<uint64_t, Entry> entries_;
};

}  // namespace vaultd
