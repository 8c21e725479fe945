// ClientConnection: one accepted client socket, as it moves between the
// waiting room (no complete request yet) and a worker (serving requests).
// Owned by exactly one of them at a time; not thread-safe.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/vaultd/server_session.h"
#include "vault/base/status.h"

namespace vaultd {

// What becomes of a connection after a worker served it.
enum class AfterServe {
  kClose,   // close now
  kPark,    // keep-alive: wait for the next request in the waiting room
  kLinger,  // the answer went out before the request body was read: stop
            // sending, discard what the client still sends for a moment,
            // then close (closing at once would reset the connection and
            // could destroy the answer before the client read it)
};

struct ClientConnection {
  using Clock = std::chrono::steady_clock;

  Poco::Net::StreamSocket socket;
  std::string client;  // the peer's address, for the audit log and per-client limits
  uint64_t id = 0;     // in the Connections registry
  bool tls = false;
  // Poco's session over the socket, made at the first request and kept
  // while the connection lives (declared after `socket`: destroyed first).
  std::unique_ptr<ServerSession> session;
  // Set by the waiting room when the queued head is malformed or ambiguous:
  // the worker answers it with this error and closes.
  vault::Status rejection;

  // Waiting-room bookkeeping.
  Clock::time_point parked_at;
  Clock::time_point deadline;  // closed when it passes with no complete request
  bool has_bytes = false;      // part of a request is queued
  bool lingering = false;      // draining the rest of a refused body before closing
  int wakeups = 0;             // arrivals of bytes since parked
};

}  // namespace vaultd
