// vaultd: the vault's HTTP service.
//
//   vaultd --data DIR --key FILE [--config FILE] [--listen HOST:PORT] [--policies DIR]
//
// Configuration: a .properties file (Poco convention) with a default for
// every key (docs/operations.md): vaultd.listen, vaultd.data_dir,
// vaultd.key_file, vaultd.policies_dir, vaultd.max_threads,
// vaultd.max_queued, vaultd.max_upload_bytes, vaultd.token_lifetime_seconds,
// vaultd.web_root (the built web UI; default: api/web/dist of the source
// tree beside a build directory, else ../share/vault/web beside the binary),
// vaultd.log_format (json | text), vaultd.log_level,
// vaultd.certificate.organisation, vaultd.certificate.performer_title,
// vaultd.backup_dir, vaultd.backup_drill_interval_hours,
// vaultd.backup_drill_database, vaultd.release_memory_after_idle_ms,
// vaultd.malloc_arena_max.
// --check-config checks the configuration and exits (config_check.h).
// Command-line options override the file. SIGTERM/SIGINT stop accepting,
// let in-flight requests finish, then exit.
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <sys/stat.h>

#include <iostream>

#include "api/vaultd/config_check.h"
#include "api/vaultd/event_log.h"
#include "api/vaultd/idle_memory_release.h"
#include "api/vaultd/server.h"
#include "api/common/no_core_dumps.h"
#include "vault/policy/policy_set.h"

namespace {

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A source build runs build/<type>/vaultd next to api/web/dist; an installed
// vaultd (bin/vaultd) finds the UI in share/vault/web.
std::string DefaultWebRoot(const std::string& binary_dir) {
  const std::string source_build = binary_dir + "../../api/web/dist";
  if (IsDirectory(source_build)) return source_build;
  return binary_dir + "../share/vault/web";
}

class VaultdApp : public Poco::Util::ServerApplication {
 protected:
  void defineOptions(Poco::Util::OptionSet& options) override {
    ServerApplication::defineOptions(options);
    auto opt = [&](const char* name, const char* help, const char* arg) {
      options.addOption(Poco::Util::Option(name, "", help).required(false).repeatable(false).argument(arg));
    };
    opt("data", "vault data directory", "DIR");
    opt("key", "master key file (outside the data directory)", "FILE");
    opt("database", "metadata database: postgresql://... or a libpq conninfo (default: DATA/metadata.db)", "CONN");
    opt("config", "properties file", "FILE");
    opt("listen", "HOST:PORT (default 127.0.0.1:8640)", "ADDR");
    opt("policies", "directory with roles.json (default: built in)", "DIR");
    opt("web-root", "the built web UI (default: api/web/dist of a source build)", "DIR");
    options.addOption(Poco::Util::Option("help", "h", "show this help").required(false));
    options.addOption(Poco::Util::Option("check-config", "", "check the configuration, the key file, the paths and "
                                         "the database, then exit (0: usable)").required(false));
  }

  void handleOption(const std::string& name, const std::string& value) override {
    ServerApplication::handleOption(name, value);
    if (name == "help") help_ = true;
    if (name == "check-config") check_config_ = true;
    if (name == "config") loadConfiguration(value);
    if (name == "data") config().setString("vaultd.data_dir", value);
    if (name == "key") config().setString("vaultd.key_file", value);
    if (name == "database") config().setString("vaultd.database", value);
    if (name == "listen") config().setString("vaultd.listen", value);
    if (name == "policies") config().setString("vaultd.policies_dir", value);
    if (name == "web-root") config().setString("vaultd.web_root", value);
  }

  int main(const std::vector<std::string>&) override {
    api::DisableCoreDumps();
    if (help_) {
      Poco::Util::HelpFormatter f(options());
      f.setUsage("--data DIR --key FILE [--config FILE] [--listen HOST:PORT] [--policies DIR]");
      f.setHeader("vaultd: the sales-archive vault's HTTP service");
      f.format(std::cout);
      return EXIT_OK;
    }
    if (check_config_) return vaultd::CheckConfiguration(config(), std::cout) ? EXIT_OK : EXIT_CONFIG;
    auto log_settings = vaultd::LogSettingsFrom(config());
    if (!log_settings.ok()) {
      std::cerr << "vaultd: error [" << log_settings.status().reason() << "]: " << log_settings.status().message() << "\n";
      return EXIT_CONFIG;
    }
    auto log = std::make_shared<vaultd::EventLog>(*log_settings);
    vault::CertificateWording wording;
    wording.organisation = config().getString("vaultd.certificate.organisation", wording.organisation);
    wording.performer_title = config().getString("vaultd.certificate.performer_title", wording.performer_title);
    if (vault::Status st = wording.Validate(); !st.ok()) {
      std::cerr << "vaultd: error [" << st.reason() << "]: vaultd.certificate: " << st.message() << "\n";
      return EXIT_CONFIG;
    }
    // Before the workers start: each thread otherwise gets an arena of its
    // own, up to 8 per core, and keeps its free memory there.
    vaultd::IdleMemoryRelease::CapArenas(config().getInt("vaultd.malloc_arena_max", 4));
    vault::LocalVaultConfig cfg;
    cfg.data_dir = config().getString("vaultd.data_dir", "");
    cfg.key_file = config().getString("vaultd.key_file", "");
    // Empty: the SQLite file in the data directory (vault/db/engine.h).
    cfg.database = config().getString("vaultd.database", "");
    cfg.login_policy.token_lifetime =
        std::chrono::seconds(config().getInt64("vaultd.token_lifetime_seconds", 8 * 3600));
    auto lv = vault::LocalVault::Open(cfg);
    if (!lv.ok()) {
      std::cerr << "vaultd: error [" << lv.status().reason() << "]: " << lv.status().message() << "\n";
      return EXIT_CONFIG;
    }
    auto policies = vault::PolicySet::Load(config().getString("vaultd.policies_dir", ""));
    if (!policies.ok()) {
      std::cerr << "vaultd: error [" << policies.status().reason() << "]: " << policies.status().message() << "\n";
      return EXIT_CONFIG;
    }
    vaultd::ServerOptions opts;
    opts.log = log;
    opts.certificate_wording = wording;
    if (vault::Status st = vaultd::ParseListenAddress(config().getString("vaultd.listen", "127.0.0.1:8640"),
                                                      &opts.listen_host, &opts.port);
        !st.ok()) {
      std::cerr << "vaultd: error [" << st.reason() << "]: " << st.message() << "\n";
      return EXIT_CONFIG;
    }
    opts.max_threads = config().getInt("vaultd.max_threads", 16);
    opts.max_queued = config().getInt("vaultd.max_queued", 64);
    opts.max_connections = config().getInt("vaultd.max_connections", 4096);
    opts.max_connections_per_client = config().getInt("vaultd.max_connections_per_client", 128);
    opts.request_head_timeout_seconds = config().getInt("vaultd.request_head_timeout_seconds", 10);
    opts.keep_alive_timeout_seconds = config().getInt("vaultd.keep_alive_timeout_seconds", 15);
    opts.min_body_bytes_per_second = config().getInt64("vaultd.min_body_bytes_per_second", 16 * 1024);
    opts.max_concurrent_large_bodies = config().getInt("vaultd.max_concurrent_large_bodies", 8);
    opts.max_upload_bytes = config().getInt64("vaultd.max_upload_bytes", 512ll << 20);
    opts.checkpoint_interval_seconds = config().getInt("vaultd.checkpoint_interval_seconds", 3600);
    opts.tls_certificate_file = config().getString("vaultd.tls_certificate", "");
    opts.tls_private_key_file = config().getString("vaultd.tls_private_key", "");
    opts.max_concurrent_logins = config().getInt("vaultd.max_concurrent_logins", 4);
    opts.policies = policies->get();  // read and validated once, above
    opts.borrow_schedule_seconds = config().getInt("vaultd.borrow_schedule_seconds", 60);
    opts.alert_scan_seconds = config().getInt("vaultd.alert_scan_seconds", 60);
    opts.max_concurrent_exports = config().getInt("vaultd.max_concurrent_exports", 2);
    opts.shutdown_grace_seconds = config().getInt("vaultd.shutdown_grace_seconds", 30);
    opts.release_memory_after_idle_ms =
        config().getInt64("vaultd.release_memory_after_idle_ms", opts.release_memory_after_idle_ms);
    opts.fixity_interval_seconds = config().getInt64("vaultd.fixity_interval_seconds", opts.fixity_interval_seconds);
    opts.fixity_bytes_per_second = config().getInt64("vaultd.fixity_bytes_per_second", opts.fixity_bytes_per_second);
    opts.fixity_blobs_per_second = config().getInt64("vaultd.fixity_blobs_per_second", opts.fixity_blobs_per_second);
    opts.quality_sample_percent = config().getInt("vaultd.quality_sample_percent", opts.quality_sample_percent);
    opts.quality_sample_auto = config().getBool("vaultd.quality_sample_auto", true);
    opts.backup_dir = config().getString("vaultd.backup_dir", "");
    opts.backup_vault_config = cfg;
    opts.backup_policies_dir = config().getString("vaultd.policies_dir", "");
    opts.backup_drill_interval_seconds = config().getInt64("vaultd.backup_drill_interval_hours", 168) * 3600;
    opts.backup_drill_database = config().getString("vaultd.backup_drill_database", "");
    opts.single_admin_role_grants = config().getBool("vaultd.single_admin_role_grants", false);
    opts.web_root = config().getString("vaultd.web_root", DefaultWebRoot(config().getString("application.dir", "./")));
    if (opts.single_admin_role_grants) {
      log->Write(vaultd::LogLevel::kWarning, "vaultd.single_admin_role_grants",
                 {{"message", "vaultd.single_admin_role_grants = true: one admin alone grants admin, "
                              "archive_admin and legal (no four-eyes check)"}});
    }
    vaultd::VaultServer server(lv->get(), &(*policies)->roles(), opts);
    vault::Status st = server.Start();
    if (!st.ok()) {
      std::cerr << "vaultd: error [" << st.reason() << "]: " << st.message() << "\n";
      return EXIT_UNAVAILABLE;
    }
    const std::string url = std::string(opts.tls_certificate_file.empty() ? "http" : "https") + "://" +
                            opts.listen_host + ":" + std::to_string(server.port()) + "/";
    if (log_settings->format == vaultd::LogFormat::kText) {
      std::cout << "vaultd listening on " << url << std::endl;  // what scripts/run.sh and the tests wait for
    }
    log->Write(vaultd::LogLevel::kInfo, "vaultd.start", {{"message", "listening"}, {"url", url}});
    waitForTerminationRequest();
    log->Write(vaultd::LogLevel::kInfo, "vaultd.stop", {{"message", "stopping (finishing in-flight requests)"}});
    server.Stop();
    log->Write(vaultd::LogLevel::kInfo, "vaultd.stopped");
    return EXIT_OK;
  }

 private:
  bool help_ = false;
  bool check_config_ = false;
};

}  // namespace

POCO_SERVER_MAIN(VaultdApp)
