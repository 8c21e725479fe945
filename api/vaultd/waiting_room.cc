#include "api/vaultd/waiting_room.h"

#include <Poco/Exception.h>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "api/vaultd/server.h"

namespace vaultd {
namespace {

// A request head that arrives in more pieces than this is refused: peeking
// re-reads what is queued, so a client sending a byte per packet must not
// make the workers do quadratic work.
constexpr int kMaxWakeups = 512;
constexpr auto kScanInterval = std::chrono::milliseconds(100);
constexpr uint64_t kStopId = 0;  // connection ids start at 1
// How long a connection whose request body was refused unread keeps
// discarding it before it is closed, so the client can read the answer.
constexpr auto kLingerTime = std::chrono::seconds(2);

// Plain-HTTP answers written without a worker: best effort, never blocking
// (the client may not be reading).
void SendAndForget(ClientConnection& c, const char* status_line, const char* code, const char* message) {
  if (c.tls) return;
  const std::string body = std::string("{\"error\":{\"code\":\"") + code + "\",\"message\":\"" + message + "\"}}";
  const std::string bytes = std::string("HTTP/1.1 ") + status_line +
                            "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  (void)::send(c.socket.impl()->sockfd(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

int FdOf(const ClientConnection& c) { return c.socket.impl()->sockfd(); }

}  // namespace

WaitingRoom::WaitingRoom(Poco::Net::ServerSocket listener, Connections* registry, Metrics* metrics,
                         Options options, Serve serve)
    : listener_(std::move(listener)),
      registry_(registry),
      metrics_(metrics),
      options_(std::move(options)),
      serve_(std::move(serve)) {}

WaitingRoom::~WaitingRoom() {
  StopAccepting();
  Join();
}

void WaitingRoom::Start() {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;  // level-triggered and never read: wakes every worker
  ev.data.u64 = kStopId;
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, stop_fd_, &ev);
  gatekeeper_ = std::thread([this] { Gatekeeper(); });
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { Worker(); });
}

void WaitingRoom::StopAccepting() {
  if (!gatekeeper_.joinable()) return;
  stop_ = true;
  uint64_t one = 1;
  (void)!::write(stop_fd_, &one, sizeof one);
  gatekeeper_.join();
  try {
    listener_.close();
  } catch (const Poco::Exception&) {
    // already closed
  }
  std::vector<std::unique_ptr<ClientConnection>> parked;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    for (auto& kv : entries_) {
      if (!kv.second.held) parked.push_back(std::move(kv.second.conn));
    }
    entries_.clear();  // a held one is closed by its worker, which sees closed_
  }
  for (auto& c : parked) {
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, FdOf(*c), nullptr);
    Close(std::move(c));
  }
}

void WaitingRoom::Join() {
  for (auto& t : workers_) t.join();
  workers_.clear();
  if (epoll_ >= 0) {
    ::close(stop_fd_);
    ::close(epoll_);
    epoll_ = stop_fd_ = -1;
  }
}

void WaitingRoom::Close(std::unique_ptr<ClientConnection> c) {
  if (!c) return;
  registry_->Remove(c->id);
  c.reset();  // the last reference closes the descriptor
}

void WaitingRoom::Park(std::unique_ptr<ClientConnection> c) {
  const uint64_t id = c->id;
  const int fd = FdOf(*c);
  {
    // Registered under the lock, so that nobody evicts or expires the entry
    // before its descriptor is in the epoll set.
    std::lock_guard<std::mutex> lock(mu_);
    if (!closed_) {
      Entry& e = entries_[id];
      e.conn = std::move(c);
      e.held = false;
      e.pending = 0;
      epoll_event ev{};
      // Edge-triggered: peeking leaves the bytes queued, so level-triggered
      // readiness would fire again at once; an edge comes with each
      // arrival. Bytes already queued are reported when the descriptor is
      // added.
      ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
      ev.data.u64 = id;
      if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        c = std::move(e.conn);
        entries_.erase(id);
      }
    }
  }
  if (c) Close(std::move(c));  // the room is closed, or epoll refused it
}

void WaitingRoom::Gatekeeper() {
  const int listen_fd = listener_.impl()->sockfd();
  Clock::time_point last_scan = Clock::now();
  while (!stop_) {
    pollfd fds[2] = {{listen_fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(kScanInterval.count())) > 0 && (fds[0].revents & POLLIN) && !stop_) {
      Accept();
    }
    const Clock::time_point now = Clock::now();
    if (now - last_scan >= kScanInterval) {
      last_scan = now;
      Expire(now);
      if (int cut = registry_->ShutdownOverdue(now); cut > 0) metrics_->head_timeouts += cut;
    }
  }
}

void WaitingRoom::Accept() {
  const int listen_fd = listener_.impl()->sockfd();
  for (int i = 0; i < 256; ++i) {
    pollfd p{listen_fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) return;
    auto c = std::make_unique<ClientConnection>();
    try {
      c->socket = listener_.acceptConnection();
      // A response goes out as a head write then body writes; with Nagle's
      // algorithm the body waited for the client's delayed ACK of the head,
      // 40 ms on every keep-alive request whose answer spans several writes
      // (bench/scale.sh: a list page 4 ms on a fresh connection, 45 ms on a
      // reused one). Answers are written whole, so there is nothing to
      // coalesce.
      c->socket.setNoDelay(true);
      c->client = c->socket.peerAddress().host().toString();
    } catch (const Poco::Exception&) {
      continue;  // the client went away between poll and accept, or TLS setup failed
    }
    c->tls = options_.tls;
    if (registry_->size() >= static_cast<size_t>(options_.max_connections) && !EvictOldestIdle()) {
      metrics_->connections_refused++;
      SendAndForget(*c, "503 Service Unavailable", "server.too_many_connections",
                    "the server holds too many connections; try again later");
      continue;
    }
    c->id = registry_->Add(c->socket, c->client, options_.max_connections_per_client);
    if (c->id == 0) {
      metrics_->connections_refused++;
      SendAndForget(*c, "503 Service Unavailable", "server.too_many_connections",
                    "this address holds too many connections");
      continue;
    }
    c->parked_at = Clock::now();
    c->deadline = c->parked_at + options_.head_timeout;
    Park(std::move(c));
  }
}

bool WaitingRoom::EvictOldestIdle() {
  std::unique_ptr<ClientConnection> victim;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.held || it->second.conn->has_bytes) continue;
      if (oldest == entries_.end() || it->second.conn->parked_at < oldest->second.conn->parked_at) oldest = it;
    }
    if (oldest == entries_.end()) return false;
    victim = std::move(oldest->second.conn);
    entries_.erase(oldest);
  }
  metrics_->connections_evicted++;
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, FdOf(*victim), nullptr);
  Close(std::move(victim));
  return true;
}

void WaitingRoom::Expire(Clock::time_point now) {
  std::vector<std::unique_ptr<ClientConnection>> overdue;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (!it->second.held && it->second.conn->deadline <= now) {
        overdue.push_back(std::move(it->second.conn));
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& c : overdue) {
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, FdOf(*c), nullptr);
    if (c->has_bytes && !c->lingering) {
      metrics_->head_timeouts++;
      SendAndForget(*c, "408 Request Timeout", "request.head_timeout", "the request did not arrive in time");
    }
    Close(std::move(c));
  }
}

void WaitingRoom::Worker() {
  epoll_event ev{};
  std::vector<char> peek(options_.framing.max_head_bytes + options_.framing.max_waited_body_bytes + 1);
  while (!stop_) {
    // One event at a time, so the others stay with the workers still waiting.
    const int n = ::epoll_wait(epoll_, &ev, 1, -1);
    if (n <= 0 || ev.data.u64 == kStopId) continue;
    OnEvent(ev.data.u64, ev.events, peek);
  }
}

void WaitingRoom::OnEvent(uint64_t id, uint32_t events, std::vector<char>& peek) {
  std::unique_ptr<ClientConnection> c;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return;  // closed, or being served
    if (it->second.held) {
      // Another worker is looking at it: it will look again.
      it->second.pending |= events;
      return;
    }
    c = std::move(it->second.conn);
    it->second.held = true;
    it->second.pending = 0;
  }
  if (c->lingering) return Linger(id, std::move(c), peek);
  for (;;) {
    const Verdict v = Evaluate(*c, events, peek);
    if (v == Verdict::kWait) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = entries_.find(id);
      if (it == entries_.end()) break;  // the room closed: close it below
      if (it->second.pending != 0) {
        events = it->second.pending;  // bytes arrived while we looked
        it->second.pending = 0;
        continue;
      }
      it->second.conn = std::move(c);
      it->second.held = false;
      return;
    }
    if (v == Verdict::kClose) break;
    // Served here. The descriptor stays in the epoll set (no syscalls to
    // remove and add it per request); events while it is served find no
    // entry and are dropped, and the look below, after the response, sees
    // whatever they announced.
    {
      std::lock_guard<std::mutex> lock(mu_);
      entries_.erase(id);
    }
    const AfterServe after = serve_(*c);
    if (after == AfterServe::kClose || (after == AfterServe::kPark && stop_)) break;
    c->parked_at = Clock::now();
    if (after == AfterServe::kLinger) {
      // Nothing more is sent; what the client still sends is discarded as
      // it arrives, until it closes or kLingerTime passes.
      ::shutdown(FdOf(*c), SHUT_WR);
      c->lingering = true;
      c->deadline = c->parked_at + kLingerTime;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (closed_) break;
        Entry& e = entries_[id];
        e.held = true;
        e.pending = 0;
      }
      return Linger(id, std::move(c), peek);
    }
    // Keep-alive: the next request is waited for in the room, not on this
    // worker. Registered as held first, then looked at once: a request that
    // arrived during the response is served at once.
    c->deadline = c->parked_at + options_.keep_alive_timeout;
    c->has_bytes = false;
    c->wakeups = 0;
    c->rejection = vault::Status::Ok();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_) break;
      Entry& e = entries_[id];
      e.held = true;
      e.pending = 0;
    }
    events = EPOLLIN;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.erase(id);
  }
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, FdOf(*c), nullptr);
  Close(std::move(c));
}

void WaitingRoom::Linger(uint64_t id, std::unique_ptr<ClientConnection> c, std::vector<char>& scratch) {
  // The entry is held by this worker.
  for (;;) {
    const bool open = Drain(*c, scratch);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (open && it != entries_.end()) {
      if (it->second.pending != 0) {  // more arrived while we drained
        it->second.pending = 0;
        continue;
      }
      it->second.conn = std::move(c);
      it->second.held = false;
      return;
    }
    if (it != entries_.end()) entries_.erase(it);
    break;
  }
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, FdOf(*c), nullptr);
  Close(std::move(c));
}

bool WaitingRoom::Drain(ClientConnection& c, std::vector<char>& scratch) {
  for (int i = 0; i < 64; ++i) {  // at most 64 buffers per event; the rest comes with the next
    const ssize_t n = ::recv(FdOf(c), scratch.data(), scratch.size(), MSG_DONTWAIT);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  }
  return true;
}

WaitingRoom::Verdict WaitingRoom::Evaluate(ClientConnection& c, uint32_t events, std::vector<char>& peek) {
  if (events & (EPOLLERR | EPOLLHUP)) return Verdict::kClose;
  const int fd = FdOf(c);
  // One peek shows what is queued (up to the largest request waited for);
  // for TLS, whether anything is (its bytes are encrypted).
  const ssize_t got = ::recv(fd, peek.data(), c.tls ? 1 : peek.size(), MSG_PEEK | MSG_DONTWAIT);
  if (got == 0) return Verdict::kClose;  // closed by the client
  if (got < 0) return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? Verdict::kWait : Verdict::kClose;
  if (c.tls) return Verdict::kServe;  // the worker reads the head under the watchdog
  if (!c.has_bytes) {
    c.has_bytes = true;
    c.deadline = std::min(c.deadline, Clock::now() + options_.head_timeout);
  }
  QueuedRequest q = CheckQueuedRequest(std::string_view(peek.data(), static_cast<size_t>(got)), options_.framing);
  if (q.state == QueuedRequest::State::kIncomplete && ++c.wakeups > kMaxWakeups) {
    q.state = QueuedRequest::State::kRejected;
    q.error = vault::InvalidArgumentError("request.bad_header", "the request head arrived in too many pieces");
  }
  switch (q.state) {
    case QueuedRequest::State::kIncomplete:
      // A client that sent part of a request and will send no more gets
      // what a worker can answer (request.truncated, request.bad_header).
      return (events & EPOLLRDHUP) ? Verdict::kServe : Verdict::kWait;
    case QueuedRequest::State::kReady:
      return Verdict::kServe;
    case QueuedRequest::State::kRejected:
      c.rejection = q.error;  // the worker answers and audits it
      return Verdict::kServe;
  }
  return Verdict::kWait;
}

}  // namespace vaultd
