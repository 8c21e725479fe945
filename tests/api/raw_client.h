// Raw TCP clients for the connection-layer tests: exact bytes on the wire
// (malformed heads, dripping clients), a chosen loopback source address
// (127.0.0.0/8, to act as many clients), and whether the server closed.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace vault::testing {

// A connected socket from `source` (e.g. "127.0.0.7") to 127.0.0.1:port;
// -1 on failure.
inline int ConnectFrom(const std::string& source, uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool SendAll(int fd, const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

struct RawReply {
  std::string bytes;
  bool closed = false;  // the server closed (EOF or reset) before the timeout
  std::string status_line() const { return bytes.substr(0, bytes.find("\r\n")); }
};

// Reads until the server closes or `timeout` passes.
inline RawReply ReadUntilClosed(int fd, std::chrono::milliseconds timeout) {
  RawReply r;
  const auto end = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return r;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return r;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      r.closed = true;
      return r;
    }
    r.bytes.append(buf, static_cast<size_t>(n));
  }
}

// Sends `bytes` on a fresh connection from 127.0.0.1 and reads until close.
inline RawReply RawRequest(uint16_t port, const std::string& bytes,
                           std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  RawReply r;
  int fd = ConnectFrom("127.0.0.1", port);
  if (fd < 0) return r;
  SendAll(fd, bytes);
  r = ReadUntilClosed(fd, timeout);
  ::close(fd);
  return r;
}

}  // namespace vault::testing
