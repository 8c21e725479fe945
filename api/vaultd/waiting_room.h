// WaitingRoom: where connections wait until they hold a complete request,
// so that workers only ever serve clients that have sent one.
//
// One thread accepts connections and watches every parked one with epoll:
// new connections, and keep-alive connections a worker handed back after a
// response. On plain HTTP it peeks at the bytes the kernel has queued (never
// consuming them) and hands the connection to a worker when the request
// head, and a small body, are there (see request_framing.h). A client that
// sends nothing, or drips its head a line at a time, costs a descriptor and
// a little kernel memory, never a thread:
// - the whole head must arrive within head_timeout of the connection
//   opening, or of its first byte after a keep-alive pause;
// - an idle keep-alive connection is closed after keep_alive_timeout;
// - an address holding max_connections_per_client connections has further
//   ones refused;
// - at max_connections, the longest-idle parked connection is closed to
//   make room, and a new connection is refused only when none is idle.
// TLS connections are handed over at their first byte (their queued bytes
// are encrypted); the worker reads the head under the same deadline, which
// the same thread enforces as a watchdog on every busy connection.
//
// Thread-safe: Park() may be called from any thread.
#pragma once

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "api/vaultd/client_connection.h"
#include "api/vaultd/connections.h"
#include "api/vaultd/request_framing.h"

namespace vaultd {

struct Metrics;

class WaitingRoom {
 public:
  struct Options {
    int max_connections = 4096;
    int max_connections_per_client = 128;  // 0: no limit (behind a proxy)
    std::chrono::milliseconds head_timeout{10000};
    std::chrono::milliseconds keep_alive_timeout{15000};
    FramingLimits framing;
    bool tls = false;
  };
  using Dispatch = std::function<void(std::unique_ptr<ClientConnection>)>;

  // `registry` and `metrics` must outlive the room.
  WaitingRoom(Poco::Net::ServerSocket listener, Connections* registry, Metrics* metrics, Options options,
              Dispatch dispatch);
  ~WaitingRoom();

  void Start();
  // Stops accepting and closes every parked connection. Returns once the
  // room's thread ended; Park() then closes what it is given.
  void Stop();
  // A worker hands back a keep-alive connection with nothing buffered.
  void Park(std::unique_ptr<ClientConnection> c);
  // Closes a connection that is not parked (refused, rejected, served).
  void Close(std::unique_ptr<ClientConnection> c);

 private:
  void Run();
  void Accept();
  void TakeReturned();
  void OnReadable(int fd, uint32_t events);
  void Expire(ClientConnection::Clock::time_point now);
  void Watch(std::unique_ptr<ClientConnection> c);
  void Unwatch(int fd);
  bool EvictOldestIdle();

  Poco::Net::ServerSocket listener_;
  Connections* registry_;
  Metrics* metrics_;
  Options options_;
  Dispatch dispatch_;
  int epoll_ = -1;
  int wake_ = -1;  // eventfd: returned connections or stop
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  bool closed_ = false;                                     // guarded by mu_
  std::vector<std::unique_ptr<ClientConnection>> returned_;  // guarded by mu_
  std::unordered_map<int, std::unique_ptr<ClientConnection>> parked_;  // room thread only
  std::vector<char> peek_;
};

}  // namespace vaultd
