// bench_audit_seed DIR [--events N] [--batch B] [--checkpoint-every C]
//
// Seeds a vault for bench/web.sh's audit viewer row: DIR/setup (key file
// DIR/keys/master.key) with one auditor, auditor01 / "benchmark password
// auditor01", and N audit events (default 1,000,000) appended through the
// audit log's own append path (AuditLog::AppendAll: canonical form, SHA-256
// chain, one transaction per batch of B, default 20,000), with a signed
// checkpoint every C events (default 10,000), as vaultd's timer would write
// them. Events vary in actor (500 staff), action, object and outcome.
// Prints seeded_events, seconds and the database size; exits non-zero on any
// error.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "vault/audit/audit_log.h"
#include "vault/keys/signer.h"
#include "vault/local/local_vault.h"

namespace fs = std::filesystem;
using namespace vault;

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_audit_seed: %s\n", what.c_str());
  std::exit(1);
}

void Must(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

int64_t Flag(int argc, char** argv, const std::string& name, int64_t fallback) {
  for (int i = 2; i + 1 < argc; ++i) {
    if (argv[i] == name) {
      char* end = nullptr;
      long long v = std::strtoll(argv[i + 1], &end, 10);
      if (!end || *end || v <= 0) Die(name + " needs a positive number");
      return v;
    }
  }
  return fallback;
}

AuditRecord Event(int64_t i) {
  static const char* kActions[] = {"document.list", "document.metadata", "document.read_content", "document.export",
                                   "borrow.request", "borrow.read", "session.create", "notification.list"};
  char buf[64];
  AuditRecord r;
  std::snprintf(buf, sizeof buf, "staff%04lld", static_cast<long long>(i % 500 + 1));
  r.actor = buf;
  r.role = "staff";
  r.action = kActions[(i * 7) % 8];
  std::snprintf(buf, sizeof buf, "C%04lld_HT_%06lld", static_cast<long long>(i % 997 + 1), static_cast<long long>(i % 100003));
  r.object = buf;
  r.outcome = i % 25 == 0 ? "denied" : (i % 101 == 0 ? "error" : "ok");
  std::snprintf(buf, sizeof buf, "10.0.%lld.%lld", static_cast<long long>(i / 250 % 250), static_cast<long long>(i % 250));
  r.client = buf;
  std::snprintf(buf, sizeof buf, "bench-%lld", static_cast<long long>(i));
  r.request_id = buf;
  if (r.outcome == "denied") r.detail = "default.deny: action not granted to role staff";
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) Die("usage: bench_audit_seed DIR [--events N] [--batch B] [--checkpoint-every C]");
  const std::string dir = argv[1];
  const int64_t events = Flag(argc, argv, "--events", 1000000);
  const int64_t batch = Flag(argc, argv, "--batch", 20000);
  const int64_t every = Flag(argc, argv, "--checkpoint-every", 10000);
  const std::string setup = (fs::path(dir) / "setup").string();
  if (fs::exists(setup)) Die(setup + " exists; give an empty scratch directory");
  fs::create_directories(dir);

  FakeClock clock(std::chrono::system_clock::from_time_t(1767225600));  // 2026-01-01T00:00:00Z
  LocalVaultConfig config;
  config.data_dir = setup;
  config.key_file = (fs::path(dir) / "keys" / "master.key").string();
  config.clock = &clock;
  config.login_policy.argon2_opslimit = 1;  // setup only; no timed path hashes a password
  config.login_policy.argon2_memlimit = 8192;
  Must(LocalVault::Init(config).status(), "init");
  auto opened = LocalVault::Open(config);
  if (!opened.ok()) Die("open: " + opened.status().ToString());
  std::unique_ptr<LocalVault> lv = std::move(opened).value();
  NewUser u;
  u.username = "auditor01";
  u.display_name = "auditor01";
  u.role = "auditor";
  u.department = "审计部";
  u.clearance = "internal";
  u.password = "benchmark password auditor01";
  Must(lv->identity().AddUser(u).status(), "add auditor01");
  auto signer = Signer::FromKeyRing(lv->keys(), "audit");
  if (!signer.ok()) Die("signer: " + signer.status().ToString());

  const auto t0 = std::chrono::steady_clock::now();
  AuditLog& log = lv->audit();
  AuditFilter last;
  last.newest_first = true;
  last.limit = 1;
  int64_t have = log.List(last).ok() && !log.List(last)->empty() ? log.List(last)->at(0).seq : 0;
  int64_t next_checkpoint = (have / every + 1) * every;
  std::vector<AuditRecord> records;
  for (int64_t i = 0; i < events;) {
    // A batch never crosses a checkpoint, so checkpoints land on multiples of `every`.
    const int64_t n = std::min({batch, events - i, next_checkpoint - have});
    records.clear();
    for (int64_t k = 0; k < n; ++k) records.push_back(Event(i + k));
    Must(log.AppendAll(records), "append");
    have += n;
    i += n;
    clock.Advance(std::chrono::seconds(n));
    if (have == next_checkpoint) {
      Must(log.WriteCheckpoint(**signer).status(), "checkpoint");
      next_checkpoint += every;
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("seeded_events=%lld\nlog_events=%lld\nseconds=%.1f\ncheckpoints=%zu\ndb_bytes=%lld\n",
              static_cast<long long>(events), static_cast<long long>(have), secs, log.Checkpoints()->size(),
              static_cast<long long>(fs::file_size(fs::path(setup) / "metadata.db")));
  return 0;
}
