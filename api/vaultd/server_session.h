// ServerSession: Poco's HTTP server session for one client connection, kept
// for the connection's life (not per request: that would reset the socket's
// timeouts on every request).
//
// Adds how many bytes of the next request it has already read from the
// socket (pipelining): those cannot go back to the waiting room, which only
// sees what the kernel holds. It leaves the socket open when it ends (Poco's
// would close it): the connection's owner closes it, and an error answer may
// still be written after the session is gone. Not thread-safe.
#pragma once

#include <Poco/Net/HTTPServerSession.h>

namespace vaultd {

class ServerSession : public Poco::Net::HTTPServerSession {
 public:
  using Poco::Net::HTTPServerSession::HTTPServerSession;
  ~ServerSession() override {
    try {
      detachSocket();
    } catch (...) {
      // Nothing attached.
    }
  }
  int Buffered() const { return buffered(); }
};

}  // namespace vaultd
