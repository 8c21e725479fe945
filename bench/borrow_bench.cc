// Loan scheduler and loan listing benchmark (bench/borrow.sh).
//
//   bench_borrow DIR [--loans N] [--users N] [--departments N] [--docs N]
//                    [--overdue-share F] [--runs N] [--list-samples N] [--seed N]
//
// Builds a real vault in DIR/setup (SQLite file on disk, blobs, key file in
// DIR/keys) with a FakeClock: dept managers and staff users, --docs small
// ingested documents, and --loans issued loans inserted with
// BorrowStore::Insert (the loan rows, items and their request/approve/issue
// events as BorrowService would have written them). Due times are spread so
// that --overdue-share of the loans are past due at the scheduler time, with
// a tail long enough overdue to be suspended or escalated; the rest fall due
// over the next loan period (those within the reminder window get reminders).
//
// Then, --runs times, on a fresh copy of that data directory opened with
// LocalVault::Open (cold SQLite cache, warm OS page cache):
//   1. BorrowService::RunSchedule() at the scheduler time: timed; the loans
//      moved, audit events, loan events and outbox rows are checked against
//      the database (an independent read-only SQLite connection);
//   2. a second RunSchedule() at the same time: timed; must change and send
//      nothing (checked the same way);
//   3. BorrowService::List(user, BorrowListQuery{}) for --list-samples random
//      borrowers: each call timed, the page checked against what was inserted;
//   4. the parts of a pass that can be timed from outside (OnLoan(),
//      IdentityStore::ListUsers()), medians of 5.
// Prints `key=value` lines on stdout (progress on stderr); exit status 1 on a
// failed check or error.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "vault/base/byte_stream.h"
#include "vault/base/clock.h"
#include "vault/borrow/borrow.h"
#include "vault/borrow/borrow_policy.h"
#include "vault/borrow/borrow_service.h"
#include "vault/borrow/borrow_store.h"
#include "vault/borrow/default_borrowing.h"
#include "vault/local/local_vault.h"
#include "vault/policy/policy_engine.h"
#include "vault/services/services.h"
#include "bench/borrow_bench_support.h"

namespace fs = std::filesystem;
using namespace vault;
using namespace borrow_bench;

int main(int argc, char** argv) {
  const Options opt = Parse(argc, argv);
  const TimePoint scheduler_time = At("2026-11-22T09:00:00Z");
  const TimePoint setup_time = scheduler_time - Days(90);
  FakeClock clock(setup_time);
  std::mt19937_64 rng(opt.seed);

  fs::create_directories(opt.dir);
  const std::string key_file = (fs::path(opt.dir) / "keys" / "master.key").string();
  const std::string setup_dir = (fs::path(opt.dir) / "setup").string();
  if (fs::exists(setup_dir)) Die(setup_dir + " exists; give an empty scratch directory");

  auto policy = Must(BorrowPolicy::FromJson(kDefaultBorrowingJson), "borrowing policy");

  // ------------------------------------------------------------ setup
  const Steady::time_point setup_start = Steady::now();
  LocalVaultConfig setup_config = ConfigFor(setup_dir, key_file, &clock);
  Must(LocalVault::Init(setup_config).status(), "init");
  Expected expected;
  double users_s = 0, docs_s = 0, insert_s = 0;
  std::vector<Person> staff;
  {
    auto lv = Must(LocalVault::Open(setup_config), "open");
    static const char* kDepartments[] = {"华南销售部", "华东销售部", "华北销售部", "西南销售部", "西北销售部",
                                         "东北销售部", "华中销售部", "大客户部",   "渠道部",     "海外销售部"};
    std::vector<std::string> depts;
    for (int d = 0; d < opt.departments; ++d) {
      depts.push_back(d < 10 ? std::string(kDepartments[d]) : "销售" + std::to_string(d + 1) + "部");
    }
    auto add_user = [&](const std::string& name, const std::string& role, const std::string& dept,
                        const std::string& clearance) {
      NewUser u;
      u.username = name;
      u.display_name = name;
      u.role = role;
      u.department = dept;
      u.clearance = clearance;
      u.password = "benchmark password " + name;
      Must(lv->identity().AddUser(u).status(), "add user " + name);
    };
    Steady::time_point t0 = Steady::now();
    char name[32];
    for (int d = 0; d < opt.departments; ++d) {
      std::snprintf(name, sizeof name, "mgr%02d", d + 1);
      add_user(name, "dept_manager", depts[static_cast<size_t>(d)], "confidential");
    }
    add_user("legal01", "legal", "法务部", "confidential");
    add_user("archive01", "archive_admin", "档案室", "confidential");
    for (int u = 0; u < opt.users; ++u) {
      std::snprintf(name, sizeof name, "staff%04d", u + 1);
      Person p{name, depts[static_cast<size_t>(u % opt.departments)], u % 5 == 0 ? "confidential" : "internal"};
      add_user(p.username, "staff", p.department, p.clearance);
      staff.push_back(p);
    }
    users_s = Secs(Steady::now() - t0);
    std::fprintf(stderr, "[bench_borrow] %d users in %.1f s\n", opt.users + opt.departments + 2, users_s);

    // Documents: 45% internal contracts (rule contract), 25% internal orders
    // and 20% public quotations (rule default), 10% confidential NDAs (rule
    // confidential), spread over the departments.
    t0 = Steady::now();
    std::vector<Doc> docs;
    std::map<std::string, std::vector<size_t>> docs_of_dept;
    for (int i = 0; i < opt.docs; ++i) {
      const int k = (i / opt.departments) % 20;  // every department gets every kind
      IngestRequest r;
      r.meta.customer_number = "C" + std::to_string(1000 + i % 97);
      r.meta.doc_type = k < 9 ? "contract" : k < 14 ? "order" : k < 18 ? "quotation" : "nda";
      r.meta.classification = k < 14 ? "internal" : k < 18 ? "public" : "confidential";
      r.meta.department = depts[static_cast<size_t>(i % opt.departments)];
      r.meta.title = "基准文档 " + std::to_string(i + 1) + " " + r.meta.doc_type;
      r.filename = "doc" + std::to_string(i + 1) + ".pdf";
      r.actor = "archive01";
      std::string body = "%PDF-1.4\n% benchmark document " + std::to_string(i + 1) + "\n";
      body.resize(4096, 'x');
      StringSource src(body);
      DocumentRecord rec = Must(lv->vault().Ingest(r, src), "ingest");
      Doc d;
      d.id = rec.id;
      d.archive_number = rec.archive_number;
      d.title = rec.meta.title;
      d.classification = rec.meta.classification;
      d.doc_type = rec.meta.doc_type;
      d.department = rec.meta.department;
      d.version = rec.current_version;
      d.rule = policy->RuleFor(d.classification, d.doc_type, d.department).name;
      docs_of_dept[d.department].push_back(docs.size());
      docs.push_back(std::move(d));
    }
    docs_s = Secs(Steady::now() - t0);
    std::fprintf(stderr, "[bench_borrow] %d documents in %.1f s\n", opt.docs, docs_s);

    // Loans.
    t0 = Steady::now();
    BorrowStore& store = lv->borrows();
    std::uniform_real_distribution<double> unit(0, 1);
    std::map<std::string, std::set<size_t>> open_docs;  // a borrower never holds a document twice
    std::set<std::string> ids;
    const int64_t day = 86400;
    for (int i = 0; i < opt.loans; ++i) {
      const Person& who = staff[rng() % staff.size()];
      std::vector<size_t>& pool = docs_of_dept[who.department];
      std::set<size_t>& held = open_docs[who.username];
      auto pick = [&](const std::string& rule) -> long {
        auto fits = [&](size_t d) {
          return !held.count(d) && ClearanceLevel(docs[d].classification) <= ClearanceLevel(who.clearance) &&
                 (rule.empty() || docs[d].rule == rule);
        };
        for (int attempt = 0; attempt < 50; ++attempt) {
          const size_t d = pool[rng() % pool.size()];
          if (fits(d)) return static_cast<long>(d);
        }
        const size_t start = rng() % pool.size();
        for (size_t n = 0; n < pool.size(); ++n) {
          const size_t d = pool[(start + n) % pool.size()];
          if (fits(d)) return static_cast<long>(d);
        }
        return -1;
      };
      long first = pick("");
      if (first < 0) Die("not enough documents for " + who.username + "; raise --docs");
      const std::string rule_name = docs[static_cast<size_t>(first)].rule;
      const LoanRule* rule = nullptr;
      for (const auto& r : policy->rules()) {
        if (r.name == rule_name) rule = &r;
      }
      std::vector<size_t> chosen{static_cast<size_t>(first)};
      held.insert(chosen[0]);
      const double more = unit(rng);
      const int extra = more < 0.05 ? 2 : more < 0.20 ? 1 : 0;
      for (int e = 0; e < extra; ++e) {
        long d = pick(rule_name);
        if (d < 0) break;
        chosen.push_back(static_cast<size_t>(d));
        held.insert(static_cast<size_t>(d));
      }

      // Due time: past due for overdue_share of the loans (70% of those by
      // up to 2 days, 20% by 2-20 days, 10% by 20-40 days); the rest fall
      // due over the next loan period.
      int64_t due_offset;  // seconds after the scheduler time
      const Seconds period = rule->default_period;
      if (unit(rng) < opt.overdue_share) {
        const double tail = unit(rng);
        const double late_days = tail < 0.7 ? unit(rng) * 2 : tail < 0.9 ? 2 + unit(rng) * 18 : 20 + unit(rng) * 20;
        due_offset = -std::max<int64_t>(60, static_cast<int64_t>(late_days * day));
      } else {
        due_offset = 1 + static_cast<int64_t>(unit(rng) * static_cast<double>(period.count() - 1));
      }
      const TimePoint due = scheduler_time + std::chrono::seconds(due_offset);
      const TimePoint issued = due - period;
      const TimePoint approved = issued - std::chrono::hours(2);
      const TimePoint requested = approved - std::chrono::hours(20);

      Borrow b;
      do {
        b.id = LoanId(rng);
      } while (!ids.insert(b.id).second);
      b.borrower = who.username;
      b.borrower_department = who.department;
      b.purpose = "客户回访核对合同条款（基准）";
      const double kind = unit(rng);
      b.kind = kind < 0.3 ? "electronic" : kind < 0.9 ? "paper" : "reading_room";
      if (std::find(rule->kinds.begin(), rule->kinds.end(), b.kind) == rule->kinds.end()) b.kind = rule->kinds[0];
      b.period = period;
      b.rule = rule->name;
      b.chain = rule->approval_chain;
      b.step = static_cast<int>(b.chain.size());
      b.requested_at = FormatUtc(requested);
      b.approved_at = FormatUtc(approved);
      b.issued_at = FormatUtc(issued);
      b.due_at = FormatUtc(due);
      b.revision = 1 + static_cast<int64_t>(b.chain.size()) + 1;
      for (size_t n = 0; n < chosen.size(); ++n) {
        const Doc& d = docs[chosen[n]];
        BorrowItem item;
        item.position = static_cast<int>(n);
        item.document_id = d.id;
        item.archive_number = d.archive_number;
        item.title = d.title;
        item.classification = d.classification;
        item.doc_type = d.doc_type;
        item.department = d.department;
        item.version = d.version;
        if (b.kind == "electronic") {
          // Stand-ins: no export is made (Issue is not what is timed).
          item.export_id = Hex(rng, 32);
          item.copy_artifact = Hex(rng, 32);
          item.issued_sha256 = Hex(rng, 64);
          item.issued_pages = 1;
        } else {
          item.issued_pages = 1 + static_cast<int64_t>(rng() % 40);
        }
        b.items.push_back(std::move(item));
      }
      auto event = [&](const std::string& at, const std::string& actor, const std::string& action,
                       const std::string& from, const std::string& to, const std::string& detail) {
        BorrowEvent e;
        e.at = at;
        e.actor = actor;
        e.action = action;
        e.from_state = from;
        e.to_state = to;
        e.round = b.round;
        e.detail = detail;
        b.events.push_back(std::move(e));
      };
      event(b.requested_at, b.borrower, "request", "", b.chain.empty() ? borrow_state::kApproved
                                                                         : borrow_state::kRequested,
            "rule " + b.rule + ", " + b.kind + ", " + FormatIsoDuration(period) + ", " + b.purpose);
      for (size_t s = 0; s < b.chain.size(); ++s) {
        const std::string& step = b.chain[s];
        const std::string actor = step == "dept_manager" ? "mgr01" : step == "legal" ? "legal01" : "archive01";
        const bool last = s + 1 == b.chain.size();
        event(b.approved_at, actor, "approve", borrow_state::kRequested,
              last ? borrow_state::kApproved : borrow_state::kRequested, step);
      }
      std::string detail = b.kind;
      for (const auto& it : b.items) detail += ", " + it.archive_number + " " + std::to_string(it.issued_pages) + " pages";
      event(b.issued_at, "archive01", "issue", borrow_state::kApproved, borrow_state::kIssued, detail);
      b.state = borrow_state::kIssued;
      // About 3% asked for a renewal an hour ago that still waits for
      // approval (only loans then inside the renewal window).
      const TimePoint renew_at = scheduler_time - std::chrono::hours(1);
      if (due_offset > 0 && due - rule->renew_not_before <= renew_at && !b.chain.empty() && unit(rng) < 0.15) {
        b.round = 1;
        b.state = borrow_state::kRenewalRequested;
        b.resume_state = borrow_state::kIssued;
        b.step = 0;
        ++b.revision;
        event(FormatUtc(renew_at), b.borrower, "renew", borrow_state::kIssued,
              borrow_state::kRenewalRequested, "renewal by " + FormatIsoDuration(rule->renewal_period));
      }
      Must(store.Insert(b), "insert loan");
      ++expected.loans;
      expected.items += static_cast<int64_t>(b.items.size());
      expected.events += static_cast<int64_t>(b.events.size());
      if (due_offset <= 0) ++expected.overdue;
      ++expected.loans_of[b.borrower];
      if ((i + 1) % 2000 == 0) {
        std::fprintf(stderr, "[bench_borrow] %d loans inserted (%.1f s)\n", i + 1, Secs(Steady::now() - t0));
      }
    }
    insert_s = Secs(Steady::now() - t0);
  }  // closes the vault: the data directory is a consistent copy source
  const double setup_s = Secs(Steady::now() - setup_start);
  const std::string setup_db = (fs::path(setup_dir) / "metadata.db").string();
  const DbCounts base = Count(setup_db);
  if (base.issued + base.renewal_requested != expected.loans || base.events != expected.events) {
    Die("setup: the database does not hold the loans inserted");
  }
  const int64_t db_bytes = static_cast<int64_t>(fs::file_size(setup_db));

  std::printf("loans=%lld\n", static_cast<long long>(expected.loans));
  std::printf("loan_items=%lld\n", static_cast<long long>(expected.items));
  std::printf("loan_events=%lld\n", static_cast<long long>(expected.events));
  std::printf("renewal_requested=%lld\n", static_cast<long long>(base.renewal_requested));
  std::printf("borrowers=%zu\n", expected.loans_of.size());
  std::printf("users=%d\n", opt.users + opt.departments + 2);
  std::printf("departments=%d\n", opt.departments);
  std::printf("documents=%d\n", opt.docs);
  std::printf("expected_overdue=%lld\n", static_cast<long long>(expected.overdue));
  std::printf("scheduler_time=%s\n", FormatUtc(scheduler_time).c_str());
  std::printf("setup_users_s=%.2f\n", users_s);
  std::printf("setup_docs_s=%.2f\n", docs_s);
  std::printf("setup_insert_s=%.2f\n", insert_s);
  std::printf("setup_total_s=%.2f\n", setup_s);
  std::printf("db_mib=%.1f\n", static_cast<double>(db_bytes) / 1048576.0);
  std::fflush(stdout);

  // ------------------------------------------------------------ timed runs
  clock.Set(scheduler_time);
  std::vector<double> pass1, pass2, onloan, listusers, list_ms;
  std::vector<std::string> failures;
  auto check = [&](bool ok, const std::string& what) {
    if (!ok) failures.push_back(what);
  };
  ScheduleReport first{}, second{};
  DbCounts after1{}, after2{};
  std::vector<std::string> borrowers;
  for (const auto& [name, n] : expected.loans_of) borrowers.push_back(name);
  for (int run = 1; run <= opt.runs; ++run) {
    const std::string run_dir = (fs::path(opt.dir) / ("run" + std::to_string(run))).string();
    fs::remove_all(run_dir);
    fs::copy(setup_dir, run_dir, fs::copy_options::recursive);
    const std::string db = (fs::path(run_dir) / "metadata.db").string();
    {
      // Wired as vaultd wires it (the built-in policies, the fake clock).
      ServicesOptions wiring;
      wiring.config = ConfigFor(run_dir, key_file, &clock);
      auto services = Must(Services::Open(std::move(wiring)), "open run copy");
      BorrowService& service = services->borrows();
      LocalVault* lv = &services->vault();

      const DbCounts before = Count(db);
      Steady::time_point t0 = Steady::now();
      first = Must(service.RunSchedule(), "first pass");
      pass1.push_back(Ms(Steady::now() - t0));
      after1 = Count(db);
      t0 = Steady::now();
      second = Must(service.RunSchedule(), "second pass");
      pass2.push_back(Ms(Steady::now() - t0));
      after2 = Count(db);
      std::fprintf(stderr, "[bench_borrow] run %d: first pass %.1f ms (%lld overdue, %lld notifications), second %.1f ms\n",
                   run, pass1.back(), static_cast<long long>(first.overdue),
                   static_cast<long long>(first.notifications), pass2.back());

      const std::string r = "run " + std::to_string(run) + ": ";
      const int64_t flagged = first.overdue + first.suspended + first.escalated;
      check(first.on_loan == expected.loans, r + "first pass saw " + std::to_string(first.on_loan) + " loans on loan");
      check(first.overdue == expected.overdue, r + "first pass moved " + std::to_string(first.overdue) +
                                                   " loans, expected " + std::to_string(expected.overdue));
      check(after1.overdue - before.overdue == expected.overdue, r + "overdue rows after the first pass");
      check(after1.suspended == first.suspended, r + "suspended rows vs report");
      check(after1.escalated == first.escalated, r + "escalated rows vs report");
      check(after1.audit - before.audit == flagged, r + "audit events of the first pass: " +
                                                        std::to_string(after1.audit - before.audit) + ", expected " +
                                                        std::to_string(flagged));
      check(after1.events - before.events == flagged, r + "loan events of the first pass");
      check(after1.notifications - before.notifications == first.notifications, r + "outbox rows vs report");
      check(first.notifications >= first.overdue, r + "fewer notifications than overdue loans");
      check(second.on_loan == expected.loans, r + "second pass saw a different number of loans on loan");
      check(second.overdue == 0 && second.suspended == 0 && second.escalated == 0 && second.notifications == 0,
            r + "the second pass reported changes (" + std::to_string(second.overdue) + " overdue, " +
                std::to_string(second.suspended) + " suspended, " + std::to_string(second.escalated) +
                " escalated, " + std::to_string(second.notifications) + " notifications)");
      check(after2.audit == after1.audit && after2.events == after1.events &&
                after2.notifications == after1.notifications && after2.overdue == after1.overdue &&
                after2.suspended == after1.suspended && after2.escalated == after1.escalated,
            r + "the second pass changed the database");

      // Listing one's own loans.
      std::mt19937_64 pick(opt.seed + static_cast<uint64_t>(run));
      std::map<std::string, const Person*> by_name;
      for (const auto& p : staff) by_name[p.username] = &p;
      for (int i = 0; i < opt.list_samples + 20; ++i) {
        const std::string& name = borrowers[pick() % borrowers.size()];
        const Person& p = *by_name[name];
        Subject who;
        who.username = p.username;
        who.role = "staff";
        who.department = p.department;
        who.clearance = p.clearance;
        t0 = Steady::now();
        std::vector<Borrow> page = Must(service.List(who, BorrowListQuery{}), "list");
        const double ms = Ms(Steady::now() - t0);
        if (i >= 20) list_ms.push_back(ms);  // the first 20 warm up
        const size_t want = static_cast<size_t>(std::min<int64_t>(100, expected.loans_of[name]));
        bool ok = page.size() == want;
        for (const auto& b : page) ok = ok && b.borrower == name && !b.items.empty();
        if (!ok) {
          check(false, r + "list of " + name + " returned " + std::to_string(page.size()) + " loans, expected " +
                           std::to_string(want));
          break;
        }
      }

      // The parts of a pass that can be timed from outside.
      for (int i = 0; i < 5; ++i) {
        t0 = Steady::now();
        auto loans = Must(lv->borrows().OnLoan(), "on loan");
        onloan.push_back(Ms(Steady::now() - t0));
        check(static_cast<int64_t>(loans.size()) == expected.loans, r + "OnLoan size");
        t0 = Steady::now();
        Must(lv->identity().ListUsers(), "list users");
        listusers.push_back(Ms(Steady::now() - t0));
      }
    }
    fs::remove_all(run_dir);
  }

  std::printf("runs=%d\n", opt.runs);
  std::printf("pass1_ms_median=%.1f\n", Median(pass1));
  std::printf("pass1_ms_min=%.1f\n", *std::min_element(pass1.begin(), pass1.end()));
  std::printf("pass1_ms_max=%.1f\n", *std::max_element(pass1.begin(), pass1.end()));
  std::string all;
  for (double v : pass1) all += (all.empty() ? "" : ",") + std::to_string(static_cast<int>(std::lround(v)));
  std::printf("pass1_ms_all=%s\n", all.c_str());
  std::printf("pass1_on_loan=%lld\n", static_cast<long long>(first.on_loan));
  std::printf("pass1_overdue=%lld\n", static_cast<long long>(first.overdue));
  std::printf("pass1_suspended=%lld\n", static_cast<long long>(first.suspended));
  std::printf("pass1_escalated=%lld\n", static_cast<long long>(first.escalated));
  std::printf("pass1_notifications=%lld\n", static_cast<long long>(first.notifications));
  std::printf("pass1_audit_events=%lld\n", static_cast<long long>(first.overdue + first.suspended + first.escalated));
  std::printf("pass2_ms_median=%.1f\n", Median(pass2));
  std::printf("pass2_overdue=%lld\n", static_cast<long long>(second.overdue));
  std::printf("pass2_suspended=%lld\n", static_cast<long long>(second.suspended));
  std::printf("pass2_escalated=%lld\n", static_cast<long long>(second.escalated));
  std::printf("pass2_notifications=%lld\n", static_cast<long long>(second.notifications));
  std::printf("pass2_db_unchanged=%s\n",
              after2.audit == after1.audit && after2.events == after1.events &&
                      after2.notifications == after1.notifications && after2.overdue == after1.overdue
                  ? "yes"
                  : "NO");
  std::printf("onloan_ms_median=%.1f\n", Median(onloan));
  std::printf("listusers_ms_median=%.1f\n", Median(listusers));
  std::printf("list_samples=%zu\n", list_ms.size());
  std::printf("list_loans_per_user_mean=%.1f\n",
              static_cast<double>(expected.loans) / static_cast<double>(expected.loans_of.size()));
  std::printf("list_ms_p50=%.3f\n", Percentile(list_ms, 0.50));
  std::printf("list_ms_p95=%.3f\n", Percentile(list_ms, 0.95));
  std::printf("list_ms_p99=%.3f\n", Percentile(list_ms, 0.99));
  std::printf("list_ms_max=%.3f\n", Percentile(list_ms, 1.0));
  std::printf("checks=%s\n", failures.empty() ? "ok" : "FAILED");
  for (const auto& f : failures) std::fprintf(stderr, "bench_borrow: CHECK FAILED: %s\n", f.c_str());
  return failures.empty() ? 0 : 1;
}
