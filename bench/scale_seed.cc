// bench_scale_seed DIR [--docs N] [--customers C] [--batch B]
//
// Seeds a vault for bench/scale.sh: DIR/setup (key file DIR/keys/master.key)
// with archive01 (archive_admin) and staff01 (staff in department 华南销售部,
// one assigned customer, internal clearance), passwords "benchmark password
// <name>", and N document rows (default 1,000,000) over C customers (default
// 50,000) in 8 departments, written with batched SQL in transactions of B
// rows (default 20,000) through the vault's one db::Database. Rows carry
// metadata only (no versions or blobs: the benchmark reads metadata). Then
// the title index is built by the store's own code
// (SqliteMetadataStore::RebuildSearchIndex, what `vaultctl index rebuild`
// runs), so the index is the real one. Titles are drawn from a fixed
// vocabulary with known frequencies (see Title below).
//
// Prints docs, seconds for the rows and for the index, index rows, the
// database size, one document id and the staff customer; exits non-zero on
// any error. Engine-agnostic apart from opening the LocalVault: the inserts
// are plain `?` SQL.
#include <Poco/Data/Statement.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "vault/local/local_vault.h"

namespace fs = std::filesystem;
using namespace vault;
using namespace Poco::Data::Keywords;

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_scale_seed: %s\n", what.c_str());
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

const char* kDepartments[] = {"华南销售部", "华东销售部", "华北销售部", "西南销售部",
                              "华中销售部", "东北销售部", "大客户部",   "海外销售部"};
// Frequencies: a region 1/8, a company 1/16, a year 1/8, a product 1/20
// (so 服务器采购, five characters, is about 1 in 20 titles), a document kind
// 1/6 (合同 about 1 in 3 titles, it is in two kinds), a project word 1/50.
const char* kRegions[] = {"上海", "深圳", "北京", "成都", "武汉", "沈阳", "杭州", "广州"};
const char* kCompanies[] = {"恒通科技", "华信电子", "东方物流", "金桥贸易", "长城机械", "蓝海医疗", "星辰软件", "瑞丰食品",
                            "宏达建材", "天成汽车", "新元能源", "博远教育", "安泰保险", "中和化工", "海川纺织", "云帆传媒"};
const char* kYears[] = {"2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026"};
const char* kProducts[] = {"服务器采购", "软件许可", "运维服务", "网络设备", "数据中心", "安全审计", "云存储",
                           "办公家具", "物流运输", "培训服务", "咨询服务", "广告投放", "原材料", "备件供应",
                           "年度维保", "系统集成", "终端设备", "打印耗材", "视频会议", "电力设备"};
const char* kKinds[] = {"合同", "框架合同", "报价单", "订单", "交付凭证", "保密协议"};
const char* kTypes[][2] = {{"contract", "HT"}, {"contract", "HT"}, {"quotation", "BJ"},
                           {"order", "DD"},    {"delivery_note", "JF"}, {"nda", "BM"}};
const char* kClassifications[] = {"public", "internal", "internal", "confidential"};

std::string Words50(int k) {
  static const char* kA[] = {"Phoenix", "Atlas", "Orion", "Nova", "Vega", "Lyra", "Draco", "Hydra", "Titan", "Apollo"};
  static const char* kB[] = {"Alpha", "Bravo", "Delta", "Echo", "Kilo"};
  return std::string(kA[k % 10]) + " " + kB[k / 10 % 5];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) Die("usage: bench_scale_seed DIR [--docs N] [--customers C] [--batch B]");
  const std::string dir = argv[1];
  const int64_t docs = Flag(argc, argv, "--docs", 1000000);
  const int64_t customers = Flag(argc, argv, "--customers", 50000);
  const int64_t batch = Flag(argc, argv, "--batch", 20000);
  const std::string setup = (fs::path(dir) / "setup").string();
  if (fs::exists(setup)) Die(setup + " exists; give an empty scratch directory");
  fs::create_directories(dir);

  FakeClock clock(std::chrono::system_clock::from_time_t(1767225600));  // 2026-01-01T00:00:00Z
  LocalVaultConfig config;
  config.data_dir = setup;
  config.key_file = (fs::path(dir) / "keys" / "master.key").string();
  config.clock = &clock;
  config.login_policy.argon2_opslimit = 1;  // setup only; logins are not timed
  config.login_policy.argon2_memlimit = 8192;
  Must(LocalVault::Init(config).status(), "init");
  auto opened = LocalVault::Open(config);
  if (!opened.ok()) Die("open: " + opened.status().ToString());
  std::unique_ptr<LocalVault> lv = std::move(opened).value();

  // Customer k belongs to department k % 8; staff01 serves customer 8 (华南销售部).
  const std::string staff_customer = "C00008";
  for (const char* name : {"archive01", "staff01"}) {
    NewUser u;
    u.username = name;
    u.display_name = name;
    u.role = name[0] == 'a' ? "archive_admin" : "staff";
    u.department = kDepartments[0];
    u.clearance = name[0] == 'a' ? "confidential" : "internal";
    u.password = std::string("benchmark password ") + name;
    Must(lv->identity().AddUser(u).status(), std::string("add ") + name);
  }
  Must(lv->identity().AssignCustomer("staff01", staff_customer), "assign customer");

  std::mt19937_64 rng(20261207);
  const auto t0 = std::chrono::steady_clock::now();
  std::string first_id;
  for (int64_t start = 0; start < docs; start += batch) {
    const int64_t n = std::min(batch, docs - start);
    std::vector<std::string> id, number, customer, customer_name, type, code, title, dept, cls, created, fields;
    std::vector<Poco::Int64> seq;
    for (int64_t i = start; i < start + n; ++i) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                    static_cast<unsigned long long>(i));
      id.push_back(buf);
      const int64_t c = static_cast<int64_t>(rng() % static_cast<uint64_t>(customers)) + 1;
      std::snprintf(buf, sizeof buf, "C%05lld", static_cast<long long>(c));
      customer.push_back(buf);
      customer_name.push_back(std::string(kCompanies[c % 16]) + "有限公司");
      const int kind = static_cast<int>(rng() % 6);
      type.push_back(kTypes[kind][0]);
      code.push_back(kTypes[kind][1]);
      // Sequences need only be unique per (customer, type): the row index is.
      seq.push_back(i + 1);
      std::snprintf(buf, sizeof buf, "%s_%s_%07lld", customer.back().c_str(), kTypes[kind][1],
                    static_cast<long long>(i + 1));
      number.push_back(buf);
      title.push_back(std::string(kRegions[rng() % 8]) + kCompanies[rng() % 16] + kYears[rng() % 8] + "年" +
                      kProducts[rng() % 20] + kKinds[kind] + " " + Words50(static_cast<int>(rng() % 50)));
      dept.push_back(kDepartments[c % 8]);
      cls.push_back(kClassifications[rng() % 4]);
      // One document every 3 minutes from 2020 on, in order: distinct times.
      const std::time_t at = 1577836800 + static_cast<std::time_t>(i) * 180;
      std::tm tm{};
      gmtime_r(&at, &tm);
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
      created.push_back(buf);
      fields.push_back("{}");
    }
    if (first_id.empty()) first_id = id.front();
    try {
      lv->database().WithWriter([&](db::Connection& c) {
        c << "BEGIN IMMEDIATE", now;
        c << "INSERT INTO documents (id, archive_number, customer_number, customer_name, doc_type, type_code, "
             "sequence, title, department, product_line, region, business_stage, classification, retention_class, "
             "fields_json, current_version, created_at, updated_at, created_by) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', 'won', ?, 'contract_10y', ?, 1, ?, ?, 'bench')",
            use(id), use(number), use(customer), use(customer_name), use(type), use(code), use(seq), use(title),
            use(dept), use(cls), use(fields), use(created), use(created), now;
        c << "COMMIT", now;
      });
    } catch (const Poco::Exception& e) {
      Die("insert: " + e.displayText());
    }
  }
  const double rows_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto t1 = std::chrono::steady_clock::now();
  auto counts = lv->metadata().RebuildSearchIndex();
  if (!counts.ok()) Die("index: " + counts.status().ToString());
  const double index_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  Must(lv->metadata().Checkpoint(), "checkpoint");
  std::printf("docs=%lld\nrows_seconds=%.1f\nindex_seconds=%.1f\nindex_rows=%lld\ndb_bytes=%lld\nsample_id=%s\n"
              "staff_customer=%s\n",
              static_cast<long long>(docs), rows_s, index_s, static_cast<long long>(counts->terms),
              static_cast<long long>(fs::file_size(fs::path(setup) / "metadata.db")), first_id.c_str(),
              staff_customer.c_str());
  return 0;
}
