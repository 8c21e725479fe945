// Alert pass benchmark (bench/alerts.sh).
//
//   bench_alerts DIR [--events N] [--users N] [--batch N] [--seed N]
//
// Builds a real vault in DIR (SQLite file on disk, key file in DIR/keys)
// with a FakeClock starting Monday 09:00 at UTC+08:00: --users staff
// accounts and 40 small records (a quarter confidential), then appends
// --events audit events exactly as vaultd writes them, in AppendAll
// batches of --batch, the clock moving one minute per batch: 55% metadata
// views, 20% stamped exports, 10% refused requests, 10% content reads, 5%
// logins from one of two addresses per user. Then times, with the shipped
// policies/alerts.json:
//   1. AlertScanner::RunPass over the whole backlog (events/s);
//   2. a second pass with nothing new (must evaluate 0 events);
//   3. one more batch appended, and the pass over it (what each
//      vaultd.alert_scan_seconds interval costs at that rate).
// Prints key=value lines on stdout; exit status 1 on a failed check.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "vault/base/byte_stream.h"
#include "vault/local/local_vault.h"
#include "vault/services/services.h"

using namespace vault;
using Ms = std::chrono::duration<double, std::milli>;

namespace {

int Fail(const std::string& what) {
  std::fprintf(stderr, "bench_alerts: %s\n", what.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Fail("usage: bench_alerts DIR [--events N] [--users N] [--batch N] [--seed N]");
  const std::string dir = argv[1];
  int64_t events = 100000, users = 200, batch = 1000, seed = 7;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const int64_t v = std::atoll(argv[i + 1]);
    if (k == "--events") events = v;
    else if (k == "--users") users = v;
    else if (k == "--batch") batch = v;
    else if (k == "--seed") seed = v;
    else return Fail("unknown option " + k);
  }
  if (events < 1 || users < 1 || batch < 1) return Fail("counts must be positive");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir + "/keys");
  TimePoint start;
  ParseUtc("2026-12-07T01:00:00Z", &start);  // Monday 09:00 at UTC+08:00
  FakeClock clock(start);
  LocalVaultConfig config;
  config.data_dir = dir + "/data";
  config.key_file = dir + "/keys/master.key";
  config.clock = &clock;
  config.login_policy.argon2_opslimit = 1;
  config.login_policy.argon2_memlimit = 8u << 20;
  if (auto init = LocalVault::Init(config); !init.ok()) return Fail(init.status().ToString());
  auto lv = LocalVault::Open(config);
  if (!lv.ok()) return Fail(lv.status().ToString());
  ServicesOptions o;
  o.vault = lv->get();
  o.clock = &clock;
  auto services = Services::Open(std::move(o));
  if (!services.ok()) return Fail(services.status().ToString());

  std::vector<std::string> records;
  for (int i = 0; i < 40; ++i) {
    IngestRequest r;
    r.meta.customer_number = "C" + std::to_string(100 + i);
    r.meta.doc_type = "contract";
    r.meta.title = "record " + std::to_string(i);
    r.meta.department = "华南销售部";
    r.meta.classification = i % 4 == 0 ? "confidential" : "internal";
    StringSource src("content " + std::to_string(i));
    auto d = (*lv)->vault().Ingest(r, src);
    if (!d.ok()) return Fail(d.status().ToString());
    records.push_back(d->archive_number);
  }
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  auto append_batch = [&](int64_t n) -> Status {
    std::vector<AuditRecord> rs;
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t u = rng() % static_cast<uint64_t>(users);
      const std::string user = "staff" + std::to_string(u);
      const std::string client = "10.0." + std::to_string(u % 250) + "." + std::to_string(rng() % 2 + 1);
      const std::string& rec = records[rng() % records.size()];
      const int kind = static_cast<int>(rng() % 100);
      if (kind < 55) rs.push_back({user, "staff", "document.metadata", rec, "ok", client, "r", ""});
      else if (kind < 75) rs.push_back({user, "staff", "document.export", rec, "ok", client, "r", "export X, version 1"});
      else if (kind < 85) rs.push_back({user, "staff", "export.trace", "CODE", "denied", client, "r", "access.denied"});
      else if (kind < 95) rs.push_back({user, "staff", "document.read_content", rec, "ok", client, "r", "v1"});
      else rs.push_back({user, "staff", "session.create", user, "ok", client, "r", ""});
    }
    Status s = (*lv)->audit().AppendAll(rs);
    clock.Advance(std::chrono::minutes(1));
    return s;
  };
  const auto seed_start = std::chrono::steady_clock::now();
  for (int64_t done = 0; done < events; done += batch) {
    if (Status s = append_batch(std::min(batch, events - done)); !s.ok()) return Fail(s.ToString());
  }
  const double seed_s = Ms(std::chrono::steady_clock::now() - seed_start).count() / 1000;

  AlertScanner& scanner = (*services)->alerts();
  auto t0 = std::chrono::steady_clock::now();
  auto first = scanner.RunPass(events + batch);
  const double first_ms = Ms(std::chrono::steady_clock::now() - t0).count();
  if (!first.ok()) return Fail(first.status().ToString());
  if (first->events < events) return Fail("the first pass evaluated " + std::to_string(first->events) + " events");
  t0 = std::chrono::steady_clock::now();
  auto second = scanner.RunPass();
  const double second_ms = Ms(std::chrono::steady_clock::now() - t0).count();
  if (!second.ok() || second->events != 0) return Fail("the second pass evaluated events again");
  if (Status s = append_batch(batch); !s.ok()) return Fail(s.ToString());
  t0 = std::chrono::steady_clock::now();
  auto third = scanner.RunPass();
  const double third_ms = Ms(std::chrono::steady_clock::now() - t0).count();
  // The batch, and the alert.raise events of its own alerts.
  if (!third.ok() || third->events < batch) return Fail("the interval pass did not evaluate the new batch");
  AlertFilter all;
  all.limit = 200;
  int64_t listed = 0;
  for (const char* state : {"open", "acknowledged"}) {
    all.state = state;
    all.before_id = 0;
    while (true) {
      auto page = (*lv)->alerts().List(all);
      if (!page.ok()) return Fail(page.status().ToString());
      if (page->empty()) break;
      listed += static_cast<int64_t>(page->size());
      all.before_id = page->back().id;
    }
  }
  if (listed != first->raised + third->raised) return Fail("alerts stored differ from alerts raised");
  std::printf("events=%lld\nusers=%lld\nbatch=%lld\nseed_s=%.1f\n", static_cast<long long>(first->events),
              static_cast<long long>(users), static_cast<long long>(batch), seed_s);
  std::printf("first_pass_ms=%.0f\nfirst_pass_events_per_s=%.0f\nfirst_raised=%lld\nfirst_extended=%lld\n", first_ms,
              1000.0 * static_cast<double>(first->events) / first_ms, static_cast<long long>(first->raised),
              static_cast<long long>(first->extended));
  std::printf("first_notifications=%lld\nidle_pass_ms=%.1f\ninterval_pass_ms=%.1f\ninterval_raised=%lld\n",
              static_cast<long long>(first->notifications), second_ms, third_ms,
              static_cast<long long>(third->raised));
  std::printf("db_mib=%.1f\n",
              static_cast<double>(std::filesystem::file_size(config.data_dir + "/metadata.db")) / (1 << 20));
  return 0;
}
