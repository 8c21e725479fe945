// Connections: every open client connection, where it is (parked in the
// waiting room or on a worker), how many each client address holds, and the
// deadline of a read under way on a worker.
//
// Used for three things: refusing a client address that holds too many
// connections; the watchdog, which shuts down a connection whose request
// head or body did not arrive by its deadline (the whole head or body, not
// one read, so a client dripping a byte at a time cannot hold a worker);
// and shutdown, which closes the idle connections at once, gives the busy
// ones a grace period, then cuts them.
//
// Thread-safe.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace vaultd {

class Connections {
 public:
  using Clock = std::chrono::steady_clock;

  // Registers a connection from `client`; 0 when that address already holds
  // `per_client_limit` connections (0: no limit).
  uint64_t Add(const Poco::Net::StreamSocket& socket, const std::string& client, int per_client_limit) {
    std::lock_guard<std::mutex> lock(mu_);
    int& held = per_client_[client];
    if (per_client_limit > 0 && held >= per_client_limit) return 0;
    ++held;
    entries_.emplace(++next_, Entry{socket, client, false, Clock::time_point::max()});  // the copy keeps the fd open
    return next_;
  }
  void SetBusy(uint64_t id, bool busy) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it != entries_.end()) it->second.busy = busy;
  }
  // The read under way on a worker must end by `deadline`, or the watchdog
  // shuts the socket down (the blocked read then fails).
  void SetReadDeadline(uint64_t id, Clock::time_point deadline) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it != entries_.end()) it->second.read_deadline = deadline;
  }
  void ClearReadDeadline(uint64_t id) { SetReadDeadline(id, Clock::time_point::max()); }
  void Remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;
    auto held = per_client_.find(it->second.client);
    if (held != per_client_.end() && --held->second <= 0) per_client_.erase(held);
    entries_.erase(it);
    cv_.notify_all();
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_.size();
  }
  // The watchdog: shuts down every connection whose read deadline passed.
  // Returns how many.
  int ShutdownOverdue(Clock::time_point now) {
    std::lock_guard<std::mutex> lock(mu_);
    int n = 0;
    for (auto& kv : entries_) {
      if (kv.second.read_deadline > now) continue;
      kv.second.read_deadline = Clock::time_point::max();
      ::shutdown(kv.second.socket.impl()->sockfd(), SHUT_RDWR);
      ++n;
    }
    return n;
  }
  // shutdown(2) on the descriptors: blocked reads and writes fail at once.
  // A plain syscall, safe beside another thread's I/O on the socket (TLS
  // included, which would not tolerate a concurrent SSL_shutdown).
  void ShutdownIdle() { Shutdown(/*busy_too=*/false); }
  int ShutdownAll() { return Shutdown(/*busy_too=*/true); }
  // Waits until no connection is left or `deadline` passes.
  bool WaitEmpty(Clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_until(lock, deadline, [this] { return entries_.empty(); });
  }

 private:
  struct Entry {
    Poco::Net::StreamSocket socket;
    std::string client;
    bool busy;
    Clock::time_point read_deadline;
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
  std::map<std::string, int> per_client_;
};

}  // namespace vaultd
