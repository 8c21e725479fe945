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
#include "api/vaultd/idle_memory_release.h"
#include "api/vaultd/routes.h"
#include "api/vaultd/waiting_room.h"
#include "vault/keys/signer.h"

namespace vaultd {

namespace {

// Each open connection is a descriptor: make room for max_connections and
// the vault's own files, up to the hard limit.
void RaiseDescriptorLimit(int max_connections, EventLog& log) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  const rlim_t want = static_cast<rlim_t>(max_connections) * 2 + 256;
  if (lim.rlim_cur >= want) return;
  lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min(want, lim.rlim_max);
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur < want) {
    log.Write(LogLevel::kWarning, "vaultd.descriptor_limit",
              {{"message", "the descriptor limit is below what the connections need"},
               {"limit", static_cast<int64_t>(lim.rlim_cur)},
               {"max_connections", max_connections}});
  }
}

}  // namespace

VaultServer::VaultServer(vault::LocalVault* vault, const vault::PolicyEngine* policy, ServerOptions options)
    : vault_(vault), policy_(policy), options_(std::move(options)) {
  if (!options_.log) {
    LogSettings quiet;
    quiet.level = LogLevel::kError;
    options_.log = std::make_shared<EventLog>(quiet, nullptr, [](const std::string& line) {
      std::fprintf(stderr, "%s\n", line.c_str());
    });
  }
}

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
  services.certificate_wording = options_.certificate_wording;
  auto built = vault::Services::Open(std::move(services));
  if (!built.ok()) return built.status();
  services_ = std::move(built).value();
  const std::string& font = services_->policies().watermark().font_file();
  if (access(font.c_str(), R_OK) != 0) {
    options_.log->Write(LogLevel::kWarning, "vaultd.font_missing",
                        {{"message", "the stamp font is missing; exports will fail until it is installed"},
                         {"font", font}});
  }
  // A destruction a crash interrupted is finished before anything else, by
  // the node that leads the periodic work (Leading() resumes on taking the
  // lease; on SQLite this node is the only one).
  // Key operations, fixity and sampling: built before the first Leading(),
  // which resumes an interrupted rewrap.
  vault::KeyOperations::Deps kd;
  kd.vault = &vault_->vault();
  kd.keys = &vault_->keys();
  kd.metadata = &vault_->metadata();
  kd.db = vault_->shared_database();
  kd.audit = &vault_->audit();
  kd.clock = clock_;
  auto key_ops = vault::KeyOperations::Open(std::move(kd));
  if (!key_ops.ok()) return key_ops.status();
  key_ops_ = std::move(key_ops).value();
  vault::FixitySchedule::Deps fd;
  fd.vault = &vault_->vault();
  fd.keys = &vault_->keys();
  fd.db = vault_->shared_database();
  fd.audit = &vault_->audit();
  fd.clock = clock_;
  fd.pace = {options_.fixity_bytes_per_second, options_.fixity_blobs_per_second};
  auto fixity = vault::FixitySchedule::Open(std::move(fd));
  if (!fixity.ok()) return fixity.status();
  fixity_ = std::move(fixity).value();
  vault::QualitySampling::Deps qd;
  qd.db = vault_->shared_database();
  qd.metadata = &vault_->metadata();
  qd.clock = clock_;
  qd.percent = options_.quality_sample_percent;
  qd.random = options_.quality_random;
  auto sampling = vault::QualitySampling::Open(std::move(qd));
  if (!sampling.ok()) return sampling.status();
  sampling_ = std::move(sampling).value();
  vault::BackupOperations::Deps bd;
  bd.vault = vault_;
  bd.vault_config = options_.backup_vault_config;
  bd.root = options_.backup_dir;
  bd.policies_dir = options_.backup_policies_dir;
  bd.font_file = font;
  bd.drill_database = options_.backup_drill_database;
  bd.clock = clock_;
  auto backups = vault::BackupOperations::Open(std::move(bd));
  if (!backups.ok()) return backups.status();
  backups_ = std::move(backups).value();
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
    RaiseDescriptorLimit(options_.max_connections, *options_.log);
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
                                         clock_, &services_->access(), options_.log.get()});
    ctx->key_ops = key_ops_.get();
    ctx->fixity = fixity_.get();
    ctx->sampling = sampling_.get();
    ctx->backups = backups_.get();
    ctx->leading = [this] { return Leading(); };
    WaitingRoom::Options room;
    room.workers = std::max(1, options_.max_threads);
    room.max_connections = std::max(16, options_.max_connections);
    room.max_connections_per_client = std::max(0, options_.max_connections_per_client);
    room.head_timeout = std::chrono::seconds(std::max(1L, options_.request_head_timeout_seconds));
    room.keep_alive_timeout = std::chrono::seconds(std::max(1L, options_.keep_alive_timeout_seconds));
    room.tls = tls;
    if (options_.release_memory_after_idle_ms > 0) {
      idle_release_ = std::make_unique<IdleMemoryRelease>(
          std::chrono::milliseconds(options_.release_memory_after_idle_ms), &metrics_.memory_releases);
    }
    room_ = std::make_unique<WaitingRoom>(socket, connections_.get(), &metrics_, room,
                                          [ctx, params, idle = idle_release_.get()](ClientConnection& c) {
                                            BusyScope busy(idle);
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
    if (options_.fixity_interval_seconds > 0) {
      const long tick = static_cast<long>(std::min<int64_t>(options_.fixity_interval_seconds, 600)) * 1000;
      fixity_timer_ = std::make_unique<Poco::Timer>(tick, tick);
      fixity_timer_->start(Poco::TimerCallback<VaultServer>(*this, &VaultServer::OnFixityTimer));
    }
    if (options_.backup_drill_interval_seconds > 0 && backups_->configured()) {
      const long tick = static_cast<long>(std::min<int64_t>(options_.backup_drill_interval_seconds, 600)) * 1000;
      drill_timer_ = std::make_unique<Poco::Timer>(tick, tick);
      drill_timer_->start(Poco::TimerCallback<VaultServer>(*this, &VaultServer::OnDrillTimer));
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
      options_.log->Write(LogLevel::kInfo, "vaultd.leader",
                          {{"message", "this node now runs the periodic work (loan scheduler, audit checkpoints)"}});
    }
    // The previous leader may have died in the middle of a destruction.
    RunPass("destruction.resume", [&] {
      if (vault::Status resumed = services_->destructions().Resume(); !resumed.ok()) {
        options_.log->Write(LogLevel::kError, "destruction.resume_failed",
                            {{"code", resumed.reason()}, {"message", resumed.message()}});
      }
    });
    // ... or of a rewrap: data keys still under a retired master key are
    // moved now (in the background).
    if (key_ops_) {
      auto progress = key_ops_->Progress();
      if (progress.ok() && progress->remaining > 0 && progress->state != "running") {
        (void)key_ops_->StartRewrap("vaultd");
      }
    }
  }
  return now_leading;
}

void VaultServer::RunPass(const char* pass, const std::function<void()>& work) {
  std::lock_guard<std::mutex> lock(lead_mu_);
  if (options_.periodic_hook) options_.periodic_hook(pass, true);
  const auto started = std::chrono::steady_clock::now();
  work();
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  options_.log->Write(LogLevel::kDebug, "periodic.pass", {{"pass", pass}, {"duration_ms", static_cast<int64_t>(millis)}});
  if (options_.periodic_hook) options_.periodic_hook(pass, false);
}

void VaultServer::OnCheckpointTimer(Poco::Timer&) {
  if (!Leading()) return;
  RunPass("audit.checkpoint", [&] {
    vault::Status s = WriteCheckpointIfChanged();
    if (!s.ok()) {
      options_.log->Write(LogLevel::kError, "audit.checkpoint_failed", {{"code", s.reason()}, {"message", s.message()}});
    }
  });
}

void VaultServer::OnBorrowTimer(Poco::Timer&) {
  if (!Leading()) return;
  if (options_.quality_sample_auto) {
    RunPass("quality.sample", [&] {
      const std::string period = vault::QualitySampling::QuarterOf(clock_->Now());
      auto samples = sampling_->List();
      if (!samples.ok()) return;
      for (const auto& s : *samples) {
        if (s.period == period) return;
      }
      auto drawn = sampling_->Draw("vaultd", period);
      const vault::AuditRecord event{"vaultd", "-", "quality.draw", period, drawn.ok() ? "ok" : "error", "vaultd", "",
                                     drawn.ok() ? std::to_string(drawn->size) + " of " +
                                                      std::to_string(drawn->population) + " record(s)"
                                                : drawn.status().reason()};
      (void)vault_->audit().Append(event);
    });
  }
  RunPass("borrow.schedule", [&] {
    auto report = services_->borrows().RunSchedule();
    metrics_.schedule_last_ok = report.ok();
    metrics_.schedule_last_run = static_cast<int64_t>(std::time(nullptr));
    if (!report.ok()) {
      options_.log->Write(LogLevel::kError, "borrow.schedule_failed",
                          {{"code", report.status().reason()}, {"message", report.status().message()}});
    }
  });
}

void VaultServer::OnFixityTimer(Poco::Timer&) {
  if (!Leading()) return;
  auto due = fixity_->Due(std::chrono::seconds(options_.fixity_interval_seconds));
  if (!due.ok() || !*due) return;
  if (options_.periodic_hook) options_.periodic_hook("fixity.schedule", true);
  auto run = fixity_->RunOnce();
  if (!run.ok() && run.status().reason() != "fixity.cancelled") {
    options_.log->Write(LogLevel::kError, "fixity.failed",
                        {{"code", run.status().reason()}, {"message", run.status().message()}});
  } else if (run.ok() && !run->intact()) {
    options_.log->Write(LogLevel::kError, "fixity.damage",
                        {{"report", "FIX-" + std::to_string(run->id)},
                         {"changed", static_cast<int64_t>(run->changed)},
                         {"missing", static_cast<int64_t>(run->missing)}});
  }
  if (options_.periodic_hook) options_.periodic_hook("fixity.schedule", false);
}

void VaultServer::OnDrillTimer(Poco::Timer&) {
  if (!Leading()) return;
  auto due = backups_->DrillDue(std::chrono::seconds(options_.backup_drill_interval_seconds));
  if (!due.ok() || !*due) return;
  if (options_.periodic_hook) options_.periodic_hook("backup.drill", true);
  auto drill = backups_->RunDrill();
  if (!drill.ok() && drill.status().reason() == "backup.none") {
    options_.log->Write(LogLevel::kWarning, "backup.drill_skipped",
                        {{"message", "no backup in vaultd.backup_dir verifies; nothing to drill"}});
  } else if (!drill.ok()) {
    options_.log->Write(LogLevel::kError, "backup.drill_error",
                        {{"code", drill.status().reason()}, {"message", drill.status().message()}});
  } else if (drill->result != "passed") {
    options_.log->Write(LogLevel::kError, "backup.drill_failed",
                        {{"report", drill->name}, {"problems", static_cast<int64_t>(drill->problems.size())}});
  } else if (!drill->pdf_error.empty()) {
    options_.log->Write(LogLevel::kWarning, "backup.drill_pdf_failed", {{"report", drill->name}, {"message", drill->pdf_error}});
  }
  if (options_.periodic_hook) options_.periodic_hook("backup.drill", false);
}

void VaultServer::OnAlertTimer(Poco::Timer&) {
  // The leader alone: one ordered scan of the shared audit log, so no
  // window is judged twice (vault/alerts/alert_scanner.h).
  if (!Leading()) return;
  RunPass("alert.scan", [&] {
    auto report = services_->alerts().RunPass();
    if (!report.ok()) {
      options_.log->Write(LogLevel::kError, "alert.pass_failed",
                          {{"code", report.status().reason()}, {"message", report.status().message()}});
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
  if (fixity_timer_) {
    fixity_->Cancel();  // a paced pass ends at its next pause
    fixity_timer_->stop();
    fixity_timer_.reset();
  }
  if (drill_timer_) {
    drill_timer_->stop();  // waits for a drill under way
    drill_timer_.reset();
  }
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
    options_.log->Write(LogLevel::kWarning, "vaultd.shutdown_cut",
                        {{"message", "requests still running after the grace period; cutting them"},
                         {"grace_seconds", static_cast<int64_t>(options_.shutdown_grace_seconds)}});
  }
  // No handler may outlive Stop(): the vault it uses is destroyed after it.
  while (!connections_->WaitEmpty(std::chrono::steady_clock::now() + std::chrono::milliseconds(20))) {
    connections_->ShutdownAll();
  }
  room_->Join();  // every worker has returned
  room_.reset();
  idle_release_.reset();
  // A rewrap under way finishes (it is short: 500 keys per transaction);
  // the vault it uses is destroyed after the server.
  if (key_ops_) key_ops_->WaitIdle();
}

}  // namespace vaultd
