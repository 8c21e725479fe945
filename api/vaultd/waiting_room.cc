#include "api/vaultd/waiting_room.h"

#include <Poco/Exception.h>

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "api/vaultd/server.h"

namespace vaultd {
namespace {

using Clock = ClientConnection::Clock;

// A request head that arrives in more pieces than this is refused: peeking
// re-reads what is queued, so a client sending a byte per packet must not
// make the room's thread do quadratic work.
constexpr int kMaxWakeups = 512;
constexpr auto kScanInterval = std::chrono::milliseconds(100);

// Plain-HTTP answers the room writes itself, without a worker: best effort,
// never blocking (the client may not be reading).
void SendAndForget(ClientConnection& c, const char* status_line, const char* code, const char* message) {
  if (c.tls) return;
  const std::string body = std::string("{\"error\":{\"code\":\"") + code + "\",\"message\":\"" + message + "\"}}";
  const std::string bytes = std::string("HTTP/1.1 ") + status_line +
                            "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  (void)::send(c.socket.impl()->sockfd(), bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

}  // namespace

WaitingRoom::WaitingRoom(Poco::Net::ServerSocket listener, Connections* registry, Metrics* metrics,
                         Options options, Dispatch dispatch)
    : listener_(std::move(listener)),
      registry_(registry),
      metrics_(metrics),
      options_(std::move(options)),
      dispatch_(std::move(dispatch)),
      peek_(options_.framing.max_head_bytes + options_.framing.max_waited_body_bytes + 1) {}

WaitingRoom::~WaitingRoom() { Stop(); }

void WaitingRoom::Start() {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_;
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
  ev.data.fd = listener_.impl()->sockfd();
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, ev.data.fd, &ev);
  thread_ = std::thread([this] { Run(); });
}

void WaitingRoom::Stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  uint64_t one = 1;
  (void)!::write(wake_, &one, sizeof one);
  thread_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    for (auto& c : returned_) Close(std::move(c));
    returned_.clear();
  }
  for (auto& kv : parked_) {
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, kv.first, nullptr);
    registry_->Remove(kv.second->id);
  }
  parked_.clear();
  try {
    listener_.close();
  } catch (const Poco::Exception&) {
    // already closed
  }
  ::close(wake_);
  ::close(epoll_);
}

void WaitingRoom::Park(std::unique_ptr<ClientConnection> c) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!closed_ && !stop_) {
      returned_.push_back(std::move(c));
      uint64_t one = 1;
      (void)!::write(wake_, &one, sizeof one);
      return;
    }
  }
  Close(std::move(c));
}

void WaitingRoom::Close(std::unique_ptr<ClientConnection> c) {
  if (!c) return;
  registry_->Remove(c->id);
  c.reset();  // the last reference closes the descriptor
}

void WaitingRoom::Run() {
  std::vector<epoll_event> events(256);
  Clock::time_point last_scan = Clock::now();
  while (!stop_) {
    const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                               static_cast<int>(kScanInterval.count()));
    for (int i = 0; i < n && !stop_; ++i) {
      const int fd = events[static_cast<size_t>(i)].data.fd;
      if (fd == wake_) {
        uint64_t count;
        (void)!::read(wake_, &count, sizeof count);
        TakeReturned();
      } else if (fd == listener_.impl()->sockfd()) {
        Accept();
      } else {
        OnReadable(fd, events[static_cast<size_t>(i)].events);
      }
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
    Watch(std::move(c));
  }
}

bool WaitingRoom::EvictOldestIdle() {
  int victim = -1;
  Clock::time_point oldest = Clock::time_point::max();
  for (const auto& kv : parked_) {
    if (!kv.second->has_bytes && kv.second->parked_at < oldest) {
      oldest = kv.second->parked_at;
      victim = kv.first;
    }
  }
  if (victim < 0) return false;
  metrics_->connections_evicted++;
  auto it = parked_.find(victim);
  std::unique_ptr<ClientConnection> c = std::move(it->second);
  Unwatch(victim);
  Close(std::move(c));
  return true;
}

void WaitingRoom::TakeReturned() {
  std::vector<std::unique_ptr<ClientConnection>> back;
  {
    std::lock_guard<std::mutex> lock(mu_);
    back.swap(returned_);
  }
  const Clock::time_point now = Clock::now();
  for (auto& c : back) {
    c->parked_at = now;
    c->deadline = now + options_.keep_alive_timeout;
    c->has_bytes = false;
    c->wakeups = 0;
    Watch(std::move(c));
  }
}

void WaitingRoom::Watch(std::unique_ptr<ClientConnection> c) {
  const int fd = c->socket.impl()->sockfd();
  epoll_event ev{};
  // Edge-triggered: peeking leaves the bytes queued, so level-triggered
  // readiness would fire again at once; an edge comes with each arrival.
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  ev.data.fd = fd;
  if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    Close(std::move(c));
    return;
  }
  parked_[fd] = std::move(c);
}

void WaitingRoom::Unwatch(int fd) {
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  parked_.erase(fd);
}

void WaitingRoom::OnReadable(int fd, uint32_t events) {
  auto it = parked_.find(fd);
  if (it == parked_.end()) return;
  ClientConnection& c = *it->second;
  auto take = [&] {
    std::unique_ptr<ClientConnection> out = std::move(it->second);
    Unwatch(fd);
    return out;
  };
  if (events & (EPOLLERR | EPOLLHUP)) return Close(take());
  if (c.tls) return dispatch_(take());  // the worker reads the head under the watchdog
  int queued = 0;
  if (::ioctl(fd, FIONREAD, &queued) != 0) return Close(take());
  if (queued <= 0) {
    if (events & EPOLLRDHUP) Close(take());  // closed by the client
    return;
  }
  if (!c.has_bytes) {
    c.has_bytes = true;
    c.deadline = std::min(c.deadline, Clock::now() + options_.head_timeout);
  }
  const ssize_t got = ::recv(fd, peek_.data(), std::min(peek_.size(), static_cast<size_t>(queued)),
                             MSG_PEEK | MSG_DONTWAIT);
  if (got <= 0) return;
  QueuedRequest q = CheckQueuedRequest(std::string_view(peek_.data(), static_cast<size_t>(got)), options_.framing);
  if (q.state == QueuedRequest::State::kIncomplete && ++c.wakeups > kMaxWakeups) {
    q.state = QueuedRequest::State::kRejected;
    q.error = vault::InvalidArgumentError("request.bad_header", "the request head arrived in too many pieces");
  }
  switch (q.state) {
    case QueuedRequest::State::kIncomplete:
      // The client sent part of a request and will send no more: a worker
      // answers what it can (request.truncated, request.bad_header).
      if (events & EPOLLRDHUP) dispatch_(take());
      return;
    case QueuedRequest::State::kReady:
      return dispatch_(take());
    case QueuedRequest::State::kRejected:
      c.rejection = q.error;
      return dispatch_(take());  // the worker answers and audits it
  }
}

void WaitingRoom::Expire(Clock::time_point now) {
  std::vector<int> overdue;
  for (const auto& kv : parked_) {
    if (kv.second->deadline <= now) overdue.push_back(kv.first);
  }
  for (int fd : overdue) {
    auto it = parked_.find(fd);
    std::unique_ptr<ClientConnection> c = std::move(it->second);
    Unwatch(fd);
    if (c->has_bytes) {
      metrics_->head_timeouts++;
      SendAndForget(*c, "408 Request Timeout", "request.head_timeout",
                    "the request did not arrive in time");
    }
    Close(std::move(c));
  }
}

}  // namespace vaultd
