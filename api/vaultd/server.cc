#include "api/vaultd/server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timer.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "api/vaultd/exchange.h"
#include "api/vaultd/inflight.h"
#include "api/vaultd/routes.h"
#include "vault/keys/signer.h"

namespace vaultd {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(Ctx& ctx) : ctx_(ctx) {}
  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    struct Registration {
      InFlight* registry;
      uint64_t id = 0;
      ~Registration() {
        if (id) registry->Remove(id);
      }
    } registration{ctx_.inflight};
    if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req)) {
      registration.id = ctx_.inflight->Add(impl->socket());
    }
    try {
      Exchange(ctx_, req, resp).Serve();
    } catch (const std::exception&) {
      ctx_.metrics->errors++;
      if (resp.sent()) {
        AbortConnection(req);
      } else {
        std::string body = "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}";
        resp.setStatus(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
        resp.setContentType("application/json");
        resp.setContentLength64(static_cast<Poco::Int64>(body.size()));
        resp.sendBuffer(body.data(), body.size());
      }
    }
  }

 private:
  Ctx& ctx_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<Ctx> ctx) : ctx_(std::move(ctx)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(*ctx_);
  }

 private:
  std::shared_ptr<Ctx> ctx_;
};

}  // namespace

VaultServer::VaultServer(vault::LocalVault* vault, const vault::PolicyEngine* policy, ServerOptions options)
    : vault_(vault), policy_(policy), options_(std::move(options)) {}

VaultServer::~VaultServer() { Stop(); }

const std::vector<RouteInfo>& VaultServer::Routes() {
  static const std::vector<RouteInfo> kRoutes = [] {
    std::vector<RouteInfo> out;
    for (const Route& r : RouteTable()) out.push_back({r.method, r.pattern});
    return out;
  }();
  return kRoutes;
}

vault::Status VaultServer::Start() {
  const bool tls = !options_.tls_certificate_file.empty() || !options_.tls_private_key_file.empty();
  if (tls && (options_.tls_certificate_file.empty() || options_.tls_private_key_file.empty())) {
    return vault::InvalidArgumentError("config.tls", "HTTPS needs both a certificate and a private key");
  }
  try {
    const Poco::Net::SocketAddress address(options_.listen_host, options_.port);
    Poco::Net::ServerSocket socket;
    if (tls) {
      static std::once_flag ssl_once;
      std::call_once(ssl_once, [] { Poco::Net::initializeSSL(); });
      Poco::Net::Context::Ptr context = new Poco::Net::Context(
          Poco::Net::Context::TLS_SERVER_USE, options_.tls_private_key_file,
          options_.tls_certificate_file, "", Poco::Net::Context::VERIFY_NONE, 9, false,
          "HIGH:!aNULL:!MD5:!RC4:!3DES");
      context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
      socket = Poco::Net::SecureServerSocket(address, 64, context);
    } else {
      socket = Poco::Net::ServerSocket(address);
    }
    port_ = socket.address().port();
    auto params = new Poco::Net::HTTPServerParams();
    params->setMaxThreads(options_.max_threads);
    params->setMaxQueued(options_.max_queued);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(15, 0));  // slow clients do not pin workers for long
    logins_ = std::make_unique<LoginGate>(std::max(1, options_.max_concurrent_logins));
    inflight_ = std::make_unique<InFlight>();
    stopping_ = false;
    auto ctx = std::make_shared<Ctx>(
        Ctx{vault_, policy_, &metrics_, &options_, logins_.get(), inflight_.get(), &stopping_});
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(ctx), socket, params);
    server_->start();
    if (options_.checkpoint_interval_seconds > 0) {
      checkpoints_ = std::make_unique<Poco::Timer>(options_.checkpoint_interval_seconds * 1000,
                                                   options_.checkpoint_interval_seconds * 1000);
      checkpoints_->start(Poco::TimerCallback<VaultServer>(*this, &VaultServer::OnCheckpointTimer));
    }
    return vault::Status::Ok();
  } catch (const Poco::Exception& e) {
    return vault::UnavailableError(tls ? "server.tls_failed" : "server.listen_failed",
                                   "cannot listen on " + options_.listen_host + ":" +
                                                               std::to_string(options_.port) + ": " + e.displayText());
  }
}

void VaultServer::OnCheckpointTimer(Poco::Timer&) {
  vault::Status s = WriteCheckpointIfChanged();
  if (!s.ok()) {
    // No logger yet: a failed checkpoint must not go unnoticed.
    std::fprintf(stderr, "vaultd: audit checkpoint failed [%s]: %s\n", s.reason().c_str(), s.message().c_str());
  }
}

vault::Status VaultServer::WriteCheckpointIfChanged() {
  auto cps = vault_->audit().Checkpoints();
  if (!cps.ok()) return cps.status();
  vault::AuditFilter last;
  last.after_seq = cps->empty() ? 0 : cps->back().size;
  last.limit = 1;
  auto newer = vault_->audit().List(last);
  if (!newer.ok()) return newer.status();
  if (newer->empty() && !cps->empty()) return vault::Status::Ok();  // nothing new to sign
  auto signer = vault::Signer::FromKeyRing(vault_->keys(), "audit");
  if (!signer.ok()) return signer.status();
  return vault_->audit().WriteCheckpoint(**signer).status();
}

void VaultServer::Stop() {
  if (checkpoints_) {
    checkpoints_->stop();
    checkpoints_.reset();
  }
  if (!server_) return;
  // Stop accepting, close idle keep-alive connections and let in-flight
  // requests finish. Poco's stopAll(false) waits for each request without a
  // bound, so it runs aside while we watch the clock; past the grace period
  // the sockets of the requests still running are shut down (their clients
  // see a short body), which lets stopAll return.
  stopping_ = true;  // from now on every request is answered 503 and its connection closed
  auto done = std::make_shared<std::atomic<bool>>(false);
  Poco::Net::HTTPServer* server = server_.get();
  std::thread graceful([server, done] {
    server->stopAll(false);
    *done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options_.shutdown_grace_seconds);
  while (!*done && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!*done) {
    std::fprintf(stderr, "vaultd: requests still running after %ld s; cutting them\n",
                 static_cast<long>(options_.shutdown_grace_seconds));
  }
  // Past the deadline, cut whatever runs, again and again: a keep-alive
  // connection not yet told to stop may start one more request, which is
  // refused (stopping_) or cut here.
  while (!*done) {
    inflight_->ShutdownAll();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  graceful.join();
  // No handler may outlive Stop(): the vault it uses is destroyed after it.
  // Idle connections end at their keep-alive timeout at the latest.
  while (server_->currentConnections() > 0) {
    inflight_->ShutdownAll();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  server_.reset();
}

}  // namespace vaultd
