// bench_borrow's helpers: options, timing statistics, database counts, random ids and the vault config.
#include "bench/borrow_bench_support.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace borrow_bench {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_borrow: %s\n", what.c_str());
  std::exit(1);
}

void Must(const Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

double Ms(Steady::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Secs(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Nearest rank.
double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size(), std::max<size_t>(rank, 1)) - 1];
}

TimePoint At(const char* text) {
  TimePoint t;
  if (!ParseUtc(text, &t)) Die(std::string("bad time ") + text);
  return t;
}

int ClearanceLevel(const std::string& c) { return c == "public" ? 0 : c == "internal" ? 1 : 2; }

namespace {

int64_t Scalar(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) Die(std::string("prepare: ") + sqlite3_errmsg(db));
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

}  // namespace

DbCounts Count(const std::string& db_path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Die("open " + db_path);
  sqlite3_busy_timeout(db, 5000);
  DbCounts c;
  c.audit = Scalar(db, "SELECT COUNT(*) FROM audit_events");
  c.notifications = Scalar(db, "SELECT COUNT(*) FROM notifications");
  c.events = Scalar(db, "SELECT COUNT(*) FROM borrow_events");
  c.overdue = Scalar(db, "SELECT COUNT(*) FROM borrows WHERE state = 'overdue'");
  c.issued = Scalar(db, "SELECT COUNT(*) FROM borrows WHERE state = 'issued'");
  c.renewal_requested = Scalar(db, "SELECT COUNT(*) FROM borrows WHERE state = 'renewal_requested'");
  c.suspended = Scalar(db, "SELECT COUNT(*) FROM borrows WHERE suspended = 1");
  c.escalated = Scalar(db, "SELECT COUNT(*) FROM borrows WHERE escalated = 1");
  sqlite3_close(db);
  return c;
}

std::string Hex(std::mt19937_64& rng, int chars) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < chars; ++i) out += kDigits[rng() & 15];
  return out;
}

std::string LoanId(std::mt19937_64& rng) {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string id = "JY";
  for (int i = 0; i < 12; ++i) id += kAlphabet[rng() & 31];
  return id;
}

Options Parse(int argc, char** argv) {
  Options o;
  if (argc < 2 || argv[1][0] == '-') {
    Die("usage: bench_borrow DIR [--loans N] [--users N] [--departments N] [--docs N] [--overdue-share F] "
        "[--runs N] [--list-samples N] [--seed N]");
  }
  o.dir = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--loans") o.loans = std::atoi(v);
    else if (k == "--users") o.users = std::atoi(v);
    else if (k == "--departments") o.departments = std::atoi(v);
    else if (k == "--docs") o.docs = std::atoi(v);
    else if (k == "--overdue-share") o.overdue_share = std::atof(v);
    else if (k == "--runs") o.runs = std::atoi(v);
    else if (k == "--list-samples") o.list_samples = std::atoi(v);
    else if (k == "--seed") o.seed = std::strtoull(v, nullptr, 10);
    else Die("unknown option " + k);
  }
  if ((argc - 2) % 2) Die("an option lacks its value");
  if (o.loans < 1 || o.users < 1 || o.departments < 1 || o.docs < o.departments || o.runs < 1 ||
      o.list_samples < 1 || o.overdue_share < 0 || o.overdue_share > 1) {
    Die("bad option values");
  }
  return o;
}

LocalVaultConfig ConfigFor(const std::string& data_dir, const std::string& key_file, const Clock* clock) {
  LocalVaultConfig c;
  c.data_dir = data_dir;
  c.key_file = key_file;
  c.clock = clock;
  // Setup only: 500 accounts at the production Argon2id cost would take
  // minutes and no timed path hashes a password (libsodium's minimums).
  c.login_policy.argon2_opslimit = 1;
  c.login_policy.argon2_memlimit = 8192;
  return c;
}

}  // namespace borrow_bench
