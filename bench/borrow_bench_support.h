// bench_borrow's helpers: options, timing statistics, database counts, random ids and the vault config.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/local/local_vault.h"

namespace borrow_bench {

using namespace vault;

using Steady = std::chrono::steady_clock;
using Days = std::chrono::duration<int64_t, std::ratio<86400>>;

struct Options {
  std::string dir;
  int loans = 10000;
  int users = 500;
  int departments = 10;
  int docs = 800;
  double overdue_share = 0.10;
  int runs = 3;
  int list_samples = 1000;
  uint64_t seed = 20261122;
};

struct Person {
  std::string username, department, clearance;
};

struct Doc {
  std::string id, archive_number, title, classification, doc_type, department, rule;
  uint32_t version = 0;
};
[[noreturn]] void Die(const std::string& what);

template <typename T>
T Must(StatusOr<T> v, const std::string& what) {
  if (!v.ok()) Die(what + ": " + v.status().ToString());
  return std::move(v).value();
}

void Must(const Status& s, const std::string& what);
double Ms(Steady::duration d);
double Secs(Steady::duration d);
double Median(std::vector<double> v);
// Nearest rank.
double Percentile(std::vector<double> v, double p);
TimePoint At(const char* text);
int ClearanceLevel(const std::string& c);

// Counts from an independent read-only connection.
struct DbCounts {
  int64_t audit = 0, notifications = 0, events = 0, overdue = 0, issued = 0, renewal_requested = 0;
  int64_t suspended = 0, escalated = 0;
};
DbCounts Count(const std::string& db_path);
std::string Hex(std::mt19937_64& rng, int chars);
std::string LoanId(std::mt19937_64& rng);
Options Parse(int argc, char** argv);

// What the setup inserted, for the checks.
struct Expected {
  int64_t loans = 0, overdue = 0, items = 0, events = 0;
  std::map<std::string, int64_t> loans_of;  // borrower -> loans
};

LocalVaultConfig ConfigFor(const std::string& data_dir, const std::string& key_file, const Clock* clock);

}  // namespace borrow_bench
