// WaitingRoom: where connections wait until they hold a complete request,
// and the worker threads that serve them.
//
// Every connection without a request under way is registered in one epoll
// set. The workers wait on that set themselves (leader/followers): the
// worker that sees bytes arrive peeks at what the kernel has queued (never
// consuming it) and, when the request head and a small body are there (see
// request_framing.h), serves the connection itself, with no hand-off to
// another thread; otherwise it leaves the connection parked and waits for
// the next event. After a keep-alive response the connection is parked
// again. So a client that sends nothing, or drips its head a line at a
// time, costs a descriptor and a little kernel memory, never a worker.
//
// One more thread, the gatekeeper, accepts connections and keeps time:
// - the whole head must arrive within head_timeout of the connection
//   opening, or of its first byte after a keep-alive pause (408, closed);
// - an idle keep-alive connection is closed after keep_alive_timeout;
// - an address holding max_connections_per_client connections has further
//   ones refused (503);
// - at max_connections the longest-idle parked connection is closed to make
//   room, and a new connection is refused only when none is idle;
// - it is the watchdog of the deadlines of heads and bodies read on workers
//   (Connections::ShutdownOverdue). TLS connections are served from their
//   first byte, since their queued bytes are encrypted; their head is read
//   under that deadline.
//
// Thread-safe.
#pragma once

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
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
    int workers = 16;
    int max_connections = 4096;
    int max_connections_per_client = 128;  // 0: no limit (behind a proxy)
    std::chrono::milliseconds head_timeout{10000};
    std::chrono::milliseconds keep_alive_timeout{15000};
    FramingLimits framing;
    bool tls = false;
  };
  // Serves the requests of a connection whose request is ready (or whose
  // `rejection` is set); says whether to park, linger or close it.
  using Serve = std::function<AfterServe(ClientConnection&)>;

  // `registry` and `metrics` must outlive the room.
  WaitingRoom(Poco::Net::ServerSocket listener, Connections* registry, Metrics* metrics, Options options,
              Serve serve);
  ~WaitingRoom();

  void Start();
  // Stops accepting and closes every parked connection; requests under way
  // go on (their connections close afterwards).
  void StopAccepting();
  // Waits for every worker to return (call after the requests under way
  // ended or were cut).
  void Join();

 private:
  struct Entry {
    std::unique_ptr<ClientConnection> conn;  // null while a worker holds it
    bool held = false;
    uint32_t pending = 0;  // events that arrived while held
  };
  enum class Verdict { kWait, kServe, kClose };
  using Clock = ClientConnection::Clock;

  void Gatekeeper();
  void Worker();
  void Accept();
  void OnEvent(uint64_t id, uint32_t events, std::vector<char>& peek);
  Verdict Evaluate(ClientConnection& c, uint32_t events, std::vector<char>& peek);
  void Park(std::unique_ptr<ClientConnection> c);
  void Close(std::unique_ptr<ClientConnection> c);
  void Expire(Clock::time_point now);
  // Reads and discards what a lingering connection's client still sends;
  // false once the client closed (or failed).
  bool Drain(ClientConnection& c, std::vector<char>& scratch);
  // Drains a lingering connection this worker holds, then leaves it parked
  // (or closes it once its client closed).
  void Linger(uint64_t id, std::unique_ptr<ClientConnection> c, std::vector<char>& scratch);
  bool EvictOldestIdle();

  Poco::Net::ServerSocket listener_;
  Connections* registry_;
  Metrics* metrics_;
  Options options_;
  Serve serve_;
  int epoll_ = -1;
  int stop_fd_ = -1;  // eventfd, level-triggered: once written, wakes everyone
  std::atomic<bool> stop_{false};
  std::thread gatekeeper_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  bool closed_ = false;                           // guarded by mu_
  std::unordered_map<uint64_t, Entry> entries_;  // guarded by mu_
};

}  // namespace vaultd
