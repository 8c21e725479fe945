// VaultConnection: vaultd's own HTTP/1.1 connection loop over Poco's
// request and response classes, in place of Poco's HTTPServerConnection, so
// that (1) a request whose head cannot be parsed (a huge header, too many
// fields, a bad request line) still gets a JSON error with a stable code and
// is audited, and (2) shutdown is ours to bound (see Connections).
#pragma once

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <memory>

namespace vaultd {

struct Ctx;

class VaultConnection : public Poco::Net::TCPServerConnection {
 public:
  VaultConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                  std::shared_ptr<Ctx> ctx);
  void run() override;

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  std::shared_ptr<Ctx> ctx_;
};

class VaultConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  VaultConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, std::shared_ptr<Ctx> ctx)
      : params_(std::move(params)), ctx_(std::move(ctx)) {}
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
    return new VaultConnection(socket, params_, ctx_);
  }

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  std::shared_ptr<Ctx> ctx_;
};

}  // namespace vaultd
