#include "api/vaultd/server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timer.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#include "api/vaultd/connection.h"
#include "api/vaultd/connections.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "api/vaultd/waiting_room.h"
#include "vault/keys/signer.h"

namespace vaultd {

namespace {

// Each open connection is a descriptor: make room for max_connections and
// the vault's own files, up to the hard limit.
void RaiseDescriptorLimit(int max_connections) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  const rlim_t want = static_cast<rlim_t>(max_connections) * 2 + 256;
  if (lim.rlim_cur >= want) return;
  lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min(want, lim.rlim_max);
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur < want) {
    std::fprintf(stderr, "vaultd: warning: the descriptor limit (%llu) is below what %d connections need\n",
                 static_cast<unsigned long long>(lim.rlim_cur), max_connections);
  }
}

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
  clock_ = options_.clock ? options_.clock : vault::SystemClock();
  const bool tls = !options_.tls_certificate_file.empty() || !options_.tls_private_key_file.empty();
  if (tls && (options_.tls_certificate_file.empty() || options_.tls_private_key_file.empty())) {
    return vault::InvalidArgumentError("config.tls", "HTTPS needs both a certificate and a private key");
  }
  vault::ServicesOptions services;
  services.vault = vault_;
  services.policies = options_.policies;
  services.policy_texts.watermark = options_.watermark_json;
  services.policy_texts.borrowing = options_.borrowing_json;
  services.policy_texts.retention = options_.retention_json;
  services.policy_texts.destruction = options_.destruction_json;
  services.policy_texts.alerts = options_.alerts_json;
  services.roles = policy_;
  services.clock = clock_;
  auto built = vault::Services::Open(std::move(services));
  if (!built.ok()) return built.status();
  services_ = std::move(built).value();
  const std::string& font = services_->policies().watermark().font_file();
  if (access(font.c_str(), R_OK) != 0) {
    std::fprintf(stderr, "vaultd: warning: the stamp font %s is missing; exports will fail until it is installed\n",
                 font.c_str());
  }
  // A destruction a crash interrupted is finished before anything else, by
  // the node that leads the periodic work (Leading() resumes on taking the
  // lease; on SQLite this node is the only one).
  lease_ = std::make_unique<vault::db::LeaderLease>(vault_->database().target(), "vaultd.periodic");
  (void)Leading();
  // The four-eyes opt-out for role grants is on record at every start.
  const vault::AuditRecord started{
      "vaultd", "-", "system.start", "vaultd", "ok", "local", "",
      std::string("single_admin_role_grants=") + (options_.single_admin_role_grants ? "true" : "false")};
  if (auto recorded = vault_->audit().Append(started); !recorded.ok()) return recorded.status();
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
      socket = Poco::Net::SecureServerSocket(address, 1024, context);
    } else {
      socket = Poco::Net::ServerSocket(address, 1024);
    }
    port_ = socket.address().port();
    RaiseDescriptorLimit(options_.max_connections);
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams();
    params->setKeepAlive(true);
    // Poco counts this down only in hasMoreRequests(), which vaultd does not
    // call (the waiting room decides when the next request is there); its
    // default 0 would mean "no keep-alive" to canKeepAlive().
    params->setMaxKeepAliveRequests(1 << 30);
    // A backstop per read; the deadlines for a whole head or body are the
    // watchdog's (see WaitingRoom).
    params->setTimeout(Poco::Timespan(15, 0));
    logins_ = std::make_unique<ConcurrencyGate>(std::max(1, options_.max_concurrent_logins));
    exports_gate_ = std::make_unique<ConcurrencyGate>(std::max(1, options_.max_concurrent_exports));
    large_bodies_ = std::make_unique<ConcurrencyGate>(std::max(1, options_.max_concurrent_large_bodies));
    connections_ = std::make_unique<Connections>();
    stopping_ = false;
    metrics_.started_at = static_cast<int64_t>(std::time(nullptr));
    auto ctx = std::make_shared<Ctx>(Ctx{vault_, policy_, &metrics_, &options_, logins_.get(), connections_.get(),
                                         &stopping_, &services_->exporter(), exports_gate_.get(),
                                         &services_->borrows(), &services_->destructions(), large_bodies_.get(),
                                         clock_, &services_->access()});
    WaitingRoom::Options room;
    room.workers = std::max(1, options_.max_threads);
    room.max_connections = std::max(16, options_.max_connections);
    room.max_connections_per_client = std::max(0, options_.max_connections_per_client);
    room.head_timeout = std::chrono::seconds(std::max(1L, options_.request_head_timeout_seconds));
    room.keep_alive_timeout = std::chrono::seconds(std::max(1L, options_.keep_alive_timeout_seconds));
    room.tls = tls;
    room_ = std::make_unique<WaitingRoom>(socket, connections_.get(), &metrics_, room,
                                          [ctx, params](ClientConnection& c) {
                                            return ServeConnection(*ctx, params, c);
                                          });
    room_->Start();
    if (options_.checkpoint_interval_seconds > 0) {
      checkpoints_ = std::make_unique<Poco::Timer>(options_.checkpoint_interval_seconds * 1000,
                                                   options_.checkpoint_interval_seconds * 1000);
      checkpoints_->start(Poco::TimerCallback<VaultServer>(*this, &VaultServer::OnCheckpointTimer));
    }
    if (options_.borrow_schedule_seconds > 0) {
      // First pass soon after start: loans that fell due while vaultd was
      // down move at once (reminders already sent are not sent again).
      borrow_timer_ = std::make_unique<Poco::Timer>(1000, options_.borrow_schedule_seconds * 1000);
      borrow_timer_->start(Poco::TimerCallback<VaultServer>(*this, &VaultServer::OnBorrowTimer));
    }
    if (options_.alert_scan_seconds > 0) {
      alert_timer_ = std::make_unique<Poco::Timer>(options_.alert_scan_seconds * 1000,
                                                   options_.alert_scan_seconds * 1000);
      alert_timer_->start(Poco::TimerCallback<VaultServer>(*this, &VaultServer::OnAlertTimer));
    }
    return vault::Status::Ok();
  } catch (const Poco::Exception& e) {
    return vault::UnavailableError(tls ? "server.tls_failed" : "server.listen_failed",
                                   "cannot listen on " + options_.listen_host + ":" +
                                                               std::to_string(options_.port) + ": " + e.displayText());
  }
}

bool VaultServer::Leading() {
  const bool was = metrics_.leader.load();
  const bool now_leading = lease_ && lease_->Hold();
  metrics_.leader = now_leading;
  if (now_leading && !was) {
    metrics_.leader_since = static_cast<int64_t>(std::time(nullptr));
    if (vault_->database().engine() == vault::db::Engine::kPostgres) {
      std::fprintf(stderr, "vaultd: this node now runs the periodic work (loan scheduler, audit checkpoints)\n");
    }
    // The previous leader may have died in the middle of a destruction.
    RunPass("destruction.resume", [&] {
      if (vault::Status resumed = services_->destructions().Resume(); !resumed.ok()) {
        std::fprintf(stderr, "vaultd: resuming an interrupted destruction failed [%s]: %s\n",
                     resumed.reason().c_str(), resumed.message().c_str());
      }
    });
  }
  return now_leading;
}

void VaultServer::RunPass(const char* pass, const std::function<void()>& work) {
  std::lock_guard<std::mutex> lock(lead_mu_);
  if (options_.periodic_hook) options_.periodic_hook(pass, true);
  work();
  if (options_.periodic_hook) options_.periodic_hook(pass, false);
}

void VaultServer::OnCheckpointTimer(Poco::Timer&) {
  if (!Leading()) return;
  RunPass("audit.checkpoint", [&] {
    vault::Status s = WriteCheckpointIfChanged();
    if (!s.ok()) {
      // No logger yet: a failed checkpoint must not go unnoticed.
      std::fprintf(stderr, "vaultd: audit checkpoint failed [%s]: %s\n", s.reason().c_str(), s.message().c_str());
    }
  });
}

void VaultServer::OnBorrowTimer(Poco::Timer&) {
  if (!Leading()) return;
  RunPass("borrow.schedule", [&] {
    auto report = services_->borrows().RunSchedule();
    metrics_.schedule_last_ok = report.ok();
    metrics_.schedule_last_run = static_cast<int64_t>(std::time(nullptr));
    if (!report.ok()) {
      std::fprintf(stderr, "vaultd: loan scheduler pass failed [%s]: %s\n", report.status().reason().c_str(),
                   report.status().message().c_str());
    }
  });
}

void VaultServer::OnAlertTimer(Poco::Timer&) {
  // The leader alone: one ordered scan of the shared audit log, so no
  // window is judged twice (vault/alerts/alert_scanner.h).
  if (!Leading()) return;
  RunPass("alert.scan", [&] {
    auto report = services_->alerts().RunPass();
    if (!report.ok()) {
      std::fprintf(stderr, "vaultd: alert pass failed [%s]: %s\n", report.status().reason().c_str(),
                   report.status().message().c_str());
    }
  });
}

vault::StatusOr<vault::AlertPassReport> VaultServer::RunAlertPass() {
  if (!services_) return vault::FailedPreconditionError("server.not_started", "the server has not started");
  std::lock_guard<std::mutex> lock(lead_mu_);  // one pass at a time, as the timer's
  return services_->alerts().RunPass();
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
  if (borrow_timer_) {
    borrow_timer_->stop();  // waits for a pass under way
    borrow_timer_.reset();
  }
  if (alert_timer_) {
    alert_timer_->stop();
    alert_timer_.reset();
  }
  // Another node takes the periodic work over at its next pass.
  if (lease_) {
    lease_->Release();
    metrics_.leader = false;
  }
  if (!room_) return;
  // From now on every request is answered 503 and its connection closed.
  stopping_ = true;
  // No new connections; parked (idle) ones close at once. Requests under
  // way get the grace period, then their sockets are shut down (their
  // clients see a short body, never a complete-looking one) and their
  // handlers unwind.
  room_->StopAccepting();
  connections_->ShutdownIdle();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options_.shutdown_grace_seconds);
  while (!connections_->WaitEmpty(std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)))) {
    if (std::chrono::steady_clock::now() >= deadline) break;
    connections_->ShutdownIdle();  // queued for a worker, or just finished
  }
  if (!connections_->WaitEmpty(std::chrono::steady_clock::now())) {
    std::fprintf(stderr, "vaultd: requests still running after %ld s; cutting them\n",
                 static_cast<long>(options_.shutdown_grace_seconds));
  }
  // No handler may outlive Stop(): the vault it uses is destroyed after it.
  while (!connections_->WaitEmpty(std::chrono::steady_clock::now() + std::chrono::milliseconds(20))) {
    connections_->ShutdownAll();
  }
  room_->Join();  // every worker has returned
  room_.reset();
}

}  // namespace vaultd
