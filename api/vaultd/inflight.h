// InFlight: the sockets of requests being handled, so a shutdown that runs
// past its grace period can cut them. Poco's own abort path cannot be used
// while a graceful stop is waiting (both take the same per-connection
// delegate lock), so vaultd keeps this registry itself.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <mutex>

namespace vaultd {

class InFlight {
 public:
  uint64_t Add(const Poco::Net::StreamSocket& socket) {
    std::lock_guard<std::mutex> lock(mu_);
    sockets_.emplace(++next_, socket);  // the copy keeps the descriptor open
    return next_;
  }
  void Remove(uint64_t id) {
    std::lock_guard<std::mutex> lock(mu_);
    sockets_.erase(id);
  }
  // Shuts every registered socket down (both directions); blocked reads and
  // writes in their handlers fail at once. A plain shutdown(2) on the
  // descriptor: safe beside another thread's I/O, TLS included.
  int ShutdownAll() {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& kv : sockets_) ::shutdown(kv.second.impl()->sockfd(), SHUT_RDWR);
    return static_cast<int>(sockets_.size());
  }

 private:
  std::mutex mu_;
  uint64_t next_ = 0;
  std::map<uint64_t, Poco::Net::StreamSocket> sockets_;
};

}  // namespace vaultd
