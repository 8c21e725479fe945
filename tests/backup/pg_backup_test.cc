// Backups of a PostgreSQL vault, against the real throwaway server of the
// conformance run (scripts/pg-test.sh sets VAULT_TEST_PG; skipped on
// SQLite): pg_dump streamed into the sealed copy while writers keep
// ingesting, restored by psql into a fresh database with every committed
// document identical and the audit chain intact; a destruction certified
// after the backup replayed by the restore (a forged one refused, with what
// was loaded dropped again); a flipped byte in the sealed
// dump failing restore and drill naming the file with the target left
// empty; no plaintext SQL in the backup; incremental blobs; pg_dump or psql
// missing or failing with stable codes, the password never on pg_dump's
// command line nor in the error; targets that are not empty or do not
// select the schema refused with nothing loaded.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/filesystem.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "tests/backup/backup_fixture.h"
#include "vault/backup/backup_create.h"
#include "vault/backup/backup_drill.h"
#include "vault/backup/backup_restore.h"
#include "vault/services/services.h"

namespace vault {
namespace {

namespace fs = boost::filesystem;
constexpr auto kYear = std::chrono::hours(24 * 366);

// Runs one statement on the test server (`dbname` "" = VAULT_TEST_PG's
// own); the first column of its rows.
std::vector<std::string> PgRows(const std::string& sql, const std::string& dbname = "") {
  std::string conninfo = std::getenv("VAULT_TEST_PG");
  if (!dbname.empty()) conninfo += " dbname=" + dbname;
  PGconn* c = PQconnectdb(conninfo.c_str());
  EXPECT_EQ(PQstatus(c), CONNECTION_OK) << PQerrorMessage(c);
  PGresult* r = PQexec(c, sql.c_str());
  const ExecStatusType st = PQresultStatus(r);
  EXPECT_TRUE(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) << sql << ": " << PQresultErrorMessage(r);
  std::vector<std::string> out;
  for (int i = 0; st == PGRES_TUPLES_OK && i < PQntuples(r); ++i) out.push_back(PQgetvalue(r, i, 0));
  PQclear(r);
  PQfinish(c);
  return out;
}

class PgBackupTest : public testing::BackupFixture {
 protected:
  void SetUp() override {
    if (!testing::TestOnPostgres()) GTEST_SKIP() << "PostgreSQL backups: run by scripts/pg-test.sh (VAULT_TEST_PG)";
    OpenVault();
    // The schema of this test's vault: the one its setting names.
    const std::string& db = config_.database;
    const size_t at = db.find("search_path=");
    ASSERT_NE(at, std::string::npos) << db;
    schema_ = db.substr(at + 12, db.find('\'', at) - at - 12);
  }

  void TearDown() override {
    services_.reset();
    for (const std::string& name : databases_) PgRows("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  // A new, empty database on the test server, and the setting that selects
  // this vault's schema name in it (what a restore target must be).
  std::string FreshDatabase() {
    static std::atomic<int> counter{0};
    const std::string name = "restore_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    PgRows("CREATE DATABASE " + name);
    databases_.push_back(name);
    return std::string(std::getenv("VAULT_TEST_PG")) + " dbname=" + name + " options='-csearch_path=" + schema_ + "'";
  }

  static std::string DbNameOf(const std::string& setting) {
    const size_t at = setting.rfind("dbname=");
    return setting.substr(at + 7, setting.find(' ', at) - at - 7);
  }

  // Tables of this vault's schema in the database `dbname`.
  size_t TablesIn(const std::string& dbname) {
    return PgRows("SELECT tablename FROM pg_tables WHERE schemaname = '" + schema_ + "'", dbname).size();
  }



  StatusOr<BackupReport> Backup(const std::string& name, const std::string& base = "",
                                const std::string& pg_bin = "", const std::string& database = "") {
    LocalVaultConfig c = config_;
    auto lv = LocalVault::Open(c);
    if (!lv.ok()) return lv.status();
    BackupCreateOptions o;
    o.data_dir = config_.data_dir;
    o.database = database.empty() ? config_.database : database;
    o.dir = dir_.Join(name);
    o.base_dir = base.empty() ? "" : dir_.Join(base);
    o.pg_bin_dir = pg_bin;
    o.clock = &clock_;
    return CreateBackup(**lv, o);
  }

  StatusOr<RestoreReport> Restore(const std::string& name, const std::string& to, const std::string& database,
                                  const std::string& certs, bool force = false, const std::string& pg_bin = "") {
    RestoreOptions o;
    o.backup_dir = dir_.Join(name);
    o.target = config_;
    o.target.data_dir = dir_.Join(to);
    o.target.database = database;
    o.certificates = certs;
    o.force_without_certificates = force;
    o.pg_bin_dir = pg_bin;
    return RestoreBackup(o);
  }

  std::unique_ptr<LocalVault> OpenRestored(const std::string& to, const std::string& database) {
    LocalVaultConfig c = config_;
    c.data_dir = dir_.Join(to);
    c.database = database;
    return std::move(LocalVault::Open(c)).value();
  }


  // The live vault's certificates as `vaultctl cert bundle` writes them.
  std::string Bundle(const std::string& name) {
    const std::string bundle = dir_.Join(name);
    fs::create_directories(bundle);
    auto live = std::move(lv_->destructions().Certificates()).value();
    for (const auto& c : live) {
      testing::WriteFile(bundle + "/" + c.id + ".json", c.json);
      std::string raw;
      for (size_t i = 0; i + 1 < c.signature.size(); i += 2) {
        raw += static_cast<char>(std::stoi(c.signature.substr(i, 2), nullptr, 16));
      }
      testing::WriteFile(bundle + "/" + c.id + ".json.sig", raw);
    }
    testing::WriteFile(bundle + "/bundle.json", "{\"certificates\":" + std::to_string(live.size()) + "}");
    return bundle;
  }




  // A script standing in for pg_dump in DIR (for the tests of what reaches
  // its command line, environment and stderr).
  std::string FakePgBin(const std::string& name, const std::string& body) {
    const std::string dir = dir_.Join(name);
    fs::create_directories(dir);
    testing::WriteFile(dir + "/pg_dump", "#!/bin/sh\n" + body);
    ::chmod((dir + "/pg_dump").c_str(), 0755);
    return dir;
  }

  StatusOr<DrillReport> Drill(const std::string& name) { return BackupFixture::Drill(name, std::getenv("VAULT_TEST_PG")); }

  std::string schema_;
  std::vector<std::string> databases_;
};

TEST_F(PgBackupTest, OnlineBackupDuringWritesRestoresIntoAFreshDatabase) {
  std::map<std::string, std::string> committed;  // id -> content
  std::mutex mu;
  for (int i = 0; i < 5; ++i) {
    const std::string content = testing::PseudoRandom(70000 + i * 1000, 100 + i);
    committed[Ingest("before " + std::to_string(i), content)] = content;
  }
  ASSERT_TRUE(lv_->audit().WriteCheckpoint(*services_->certificate_signer().Current().value()).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 60 && !stop; ++i) {  // bounded: at most 120 documents
        const std::string content = testing::PseudoRandom(20000 + i * 300, 1000 * (w + 1) + i);
        const std::string id = Ingest("during " + std::to_string(w) + "-" + std::to_string(i), content);
        std::lock_guard<std::mutex> lock(mu);
        committed[id] = content;
        ++written;
      }
    });
  }
  while (written < 10) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::map<std::string, std::string> before_backup;
  {
    std::lock_guard<std::mutex> lock(mu);
    before_backup = committed;
  }
  auto backup = Backup("b1");
  const int written_at_end = written;
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_TRUE(backup.ok()) << backup.status().ToString();
  EXPECT_GT(written_at_end, 10) << "the writers must still have been running during the backup";
  EXPECT_EQ(backup->manifest.engine, "postgresql");
  EXPECT_EQ(backup->manifest.database_schema, schema_);
  EXPECT_EQ(backup->manifest.database_format, "pg_dump-plain");
  EXPECT_NE(testing::ReadFile(dir_.Join("b1/manifest.json")).find("\"engine\":\"postgresql\""), std::string::npos);

  const std::string target = FreshDatabase();
  auto restored = Restore("b1", "restored", target, Bundle("bundle"));
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_TRUE(restored->replayed.empty());
  auto rv = OpenRestored("restored", target);
  for (const auto& [id, content] : before_backup) {
    auto got = Read(*rv, id);
    ASSERT_TRUE(got.ok()) << id << ": " << got.status().ToString();
    EXPECT_TRUE(*got == content) << id;
  }
  DocumentFilter every;
  every.limit = 1000;
  auto all = rv->vault().Search(every);
  ASSERT_TRUE(all.ok());
  EXPECT_GE(all->documents.size(), before_backup.size());
  for (const auto& d : all->documents) {
    auto got = Read(*rv, d.id);
    ASSERT_TRUE(got.ok()) << d.id;
    ASSERT_TRUE(committed.count(d.id)) << d.id;
    EXPECT_TRUE(*got == committed[d.id]) << d.id;
  }
  auto audit = rv->audit().Verify();
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok) << (audit->problems.empty() ? "" : audit->problems.front());
  EXPECT_GE(audit->checkpoints, 1);
  auto fixity = rv->vault().Verify();
  ASSERT_TRUE(fixity.ok());
  EXPECT_TRUE(fixity->intact());
  AuditFilter restore_events;
  restore_events.action = "backup.restore";
  auto events = rv->audit().List(restore_events);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->size(), 1u);
  // The restored vault writes on (its sequences were carried past the ids).
  IngestRequest r;
  r.meta.customer_number = "C100";
  r.meta.doc_type = "quotation";
  r.meta.title = "after the restore";
  r.meta.department = "华南销售部";
  r.meta.classification = "internal";
  StringSource src("new");
  EXPECT_TRUE(rv->vault().Ingest(r, src).ok());
  EXPECT_TRUE(std::move(rv->audit().Verify()).value().ok);
}

TEST_F(PgBackupTest, BackupHoldsNoPlaintextSqlAndNoMasterKey) {
  const std::string marker = "MARKER-pgbackup-41f2-客户档案标题";
  Ingest(marker, testing::PseudoRandom(5000, 1) + marker);
  auto b = Backup("b1");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_GT(b->manifest.database_size, 1000);
  const std::string key = testing::ReadFile(config_.key_file);
  ASSERT_FALSE(key.empty());
  int files = 0;
  for (auto& e : fs::recursive_directory_iterator(dir_.Join("b1"))) {
    if (!fs::is_regular_file(e.path())) continue;
    ++files;
    const std::string bytes = testing::ReadFile(e.path().string());
    EXPECT_EQ(bytes.find(marker), std::string::npos) << e.path() << " holds the title in clear";
    for (const char* sql : {"PostgreSQL database dump", "CREATE TABLE", "COPY ", "search_path"}) {
      EXPECT_EQ(bytes.find(sql), std::string::npos) << e.path() << " holds SQL in clear: " << sql;
    }
    EXPECT_EQ(bytes.find(key), std::string::npos) << e.path();
  }
  EXPECT_GE(files, 5);
  // And the sealed dump does hold the title: restored, it is there.
  const std::string target = FreshDatabase();
  ASSERT_TRUE(Restore("b1", "restored", target, "", /*force=*/true).ok());
  EXPECT_EQ(PgRows("SELECT count(*) FROM " + schema_ + ".documents WHERE title = '" + marker + "'",
                   DbNameOf(target)),
            std::vector<std::string>{"1"});
}

TEST_F(PgBackupTest, DestructionAfterBackupIsReplayedBeforeTheRestoredVaultExists) {
  const std::string content = "报价内容 " + std::string(150000, 'q');
  const std::string doomed = Ingest("将被销毁的报价单", content);
  const std::string kept = Ingest("保留的报价单", content + "kept");
  clock_.Advance(4 * kYear);  // a quotation's retention (3 years) has expired
  ASSERT_TRUE(Backup("b1").ok());
  const std::string cert = Destroy(doomed);
  ASSERT_FALSE(cert.empty());
  const std::string archive_number = std::move(lv_->vault().Get(doomed)).value().archive_number;

  // Without the certificates: refused, nothing loaded.
  const std::string target = FreshDatabase();
  auto refused = Restore("b1", "restored", target, "");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().reason(), "backup.certificates_required");
  EXPECT_EQ(TablesIn(DbNameOf(target)), 0u);
  EXPECT_FALSE(fs::exists(dir_.Join("restored")));

  // A forged certificate is found after psql committed the load: what was
  // loaded is dropped again, and the same target takes the next restore.
  const std::string forged = Bundle("forged");
  std::string json = testing::ReadFile(forged + "/" + cert + ".json");
  json.replace(json.find("王监销"), std::string("王监销").size(), "李监销");
  testing::WriteFile(forged + "/" + cert + ".json", json);
  auto refused_forged = Restore("b1", "restored", target, forged);
  ASSERT_FALSE(refused_forged.ok());
  EXPECT_EQ(refused_forged.status().reason(), "backup.certificate_untrusted");
  EXPECT_EQ(TablesIn(DbNameOf(target)), 0u) << "a restore that failed after the load left its tables";
  EXPECT_FALSE(fs::exists(dir_.Join("restored")));

  auto restored = Restore("b1", "restored", target, Bundle("bundle"));
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  ASSERT_EQ(restored->replayed.size(), 1u);
  EXPECT_EQ(restored->replayed[0].document_id, doomed);
  EXPECT_EQ(restored->replayed[0].archive_number, archive_number);
  EXPECT_EQ(restored->replayed[0].certificate_id, cert);
  EXPECT_TRUE(restored->replayed[0].in_backup);
  EXPECT_GE(restored->replayed[0].keys_erased, 1);
  EXPECT_GE(restored->replayed[0].blobs_overwritten, 1);
  auto rv = OpenRestored("restored", target);
  EXPECT_FALSE(Read(*rv, doomed).ok()) << "a record destroyed after the backup came back";
  auto still = Read(*rv, kept);
  ASSERT_TRUE(still.ok());
  EXPECT_TRUE(*still == content + "kept");
  auto versions = rv->vault().Versions(doomed);
  ASSERT_TRUE(versions.ok());
  for (const auto& v : *versions) {
    EXPECT_FALSE(fs::exists(rv->blobs().PathOf(v.blob_name))) << "its blob is still in the restored copy";
  }
  EXPECT_FALSE(std::move(rv->destructions().DestroyedBy(doomed)).value().empty());
  auto certs = std::move(rv->destructions().Certificates()).value();
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_EQ(certs.front().id, cert);
  EXPECT_TRUE(std::move(rv->audit().Verify()).value().ok);
  AuditFilter f;
  f.action = "backup.destruction_replayed";
  EXPECT_EQ(std::move(rv->audit().List(f)).value().size(), 1u);
}

TEST_F(PgBackupTest, FlippedByteInTheSealedDumpFailsRestoreAndDrillNamingTheFile) {
  Ingest("报价单", testing::PseudoRandom(100000, 7));
  ASSERT_TRUE(lv_->audit().WriteCheckpoint(*services_->certificate_signer().Current().value()).ok());
  ASSERT_TRUE(Backup("b1").ok());
  auto clean = Drill("b1");
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_TRUE(clean->passed) << (clean->problems.empty() ? "" : clean->problems.front());
  EXPECT_NE(clean->json.find("\"engine\":\"postgresql\""), std::string::npos);
  EXPECT_NE(clean->json.find("\"fixity\":{\"changed\":0,\"intact\":true,\"missing\":0,\"ok\":1"), std::string::npos)
      << clean->json;
  const std::string d = clean->report_dir;
  EXPECT_EQ(std::system(("openssl pkeyutl -verify -pubin -inkey " + d + "/signing.pem -rawin -in " + d +
                         "/drill-report.json -sigfile " + d + "/drill-report.json.sig >/dev/null 2>&1")
                            .c_str()),
            0);
  EXPECT_TRUE(PgRows("SELECT datname FROM pg_database WHERE datname LIKE 'vault_drill_%'").empty())
      << "the drill's throwaway database was not dropped";

  fs::create_directories(dir_.Join("b2"));
  for (auto& e : fs::recursive_directory_iterator(dir_.Join("b1"))) {
    const fs::path to = dir_.Join("b2") / fs::relative(e.path(), dir_.Join("b1"));
    if (fs::is_directory(e.path())) fs::create_directories(to);
    else fs::copy_file(e.path(), to);
  }
  FlipByte(dir_.Join("b2/metadata.db.sealed"), 200);
  const std::string target = FreshDatabase();
  auto restored = Restore("b2", "restored", target, "", /*force=*/true);
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.status().reason(), "backup.file_corrupt");
  EXPECT_NE(restored.status().message().find("metadata.db.sealed"), std::string::npos) << restored.status().message();
  EXPECT_FALSE(fs::exists(dir_.Join("restored")));
  EXPECT_EQ(TablesIn(DbNameOf(target)), 0u) << "a failed restore left tables in the target";
  auto drill = Drill("b2");
  ASSERT_TRUE(drill.ok()) << drill.status().ToString();
  EXPECT_FALSE(drill->passed);
  ASSERT_FALSE(drill->problems.empty());
  EXPECT_NE(drill->problems.front().find("metadata.db.sealed"), std::string::npos) << drill->problems.front();
  EXPECT_TRUE(PgRows("SELECT datname FROM pg_database WHERE datname LIKE 'vault_drill_%'").empty());
}

TEST_F(PgBackupTest, IncrementalBackupLinksUnchangedBlobs) {
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(Ingest("doc " + std::to_string(i), testing::PseudoRandom(30000, i)));
  auto full = Backup("full");
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->files_linked, 0);
  const std::string added = Ingest("added", "new content");
  auto inc = Backup("inc", "full");
  ASSERT_TRUE(inc.ok()) << inc.status().ToString();
  EXPECT_EQ(inc->manifest.base_backup_id, full->manifest.backup_id);
  EXPECT_EQ(inc->files_linked, 10);
  EXPECT_EQ(inc->files_copied, 1);
  fs::remove_all(dir_.Join("full"));
  const std::string target = FreshDatabase();
  auto restored = Restore("inc", "restored", target, "", /*force=*/true);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  auto rv = OpenRestored("restored", target);
  EXPECT_TRUE(*std::move(Read(*rv, added)) == "new content");
  EXPECT_TRUE(*std::move(Read(*rv, ids[3])) == testing::PseudoRandom(30000, 3));
}

TEST_F(PgBackupTest, PgDumpMissingOrFailingLeavesNoPartialBackupAndNeverShowsThePassword) {
  Ingest("报价单", "content");
  const std::string secret = "S3cret-pw-9d41";
  const std::string with_password = config_.database + " password=" + secret;

  auto missing = Backup("b-missing", "", dir_.Join("no-such-bin"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().reason(), "backup.pg_dump_missing");
  EXPECT_FALSE(fs::exists(dir_.Join("b-missing/metadata.db.sealed")));
  EXPECT_FALSE(fs::exists(dir_.Join("b-missing/manifest.json")));

  // A pg_dump that writes part of a dump, shows its environment's password
  // on stderr and fails: a stable code, no password in the message, no
  // partial sealed file, no manifest.
  const std::string argv_log = dir_.Join("argv.log");
  const std::string failing = FakePgBin(
      "fail-bin", "echo \"$@\" > " + argv_log + "\nprintf 'CREATE TABLE half;\\n'\n"
                  "echo \"pg_dump: error: query failed: password is $PGPASSWORD\" >&2\nexit 1\n");
  auto failed = Backup("b-failed", "", failing, with_password);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().reason(), "backup.pg_dump_failed");
  EXPECT_EQ(failed.status().message().find(secret), std::string::npos) << failed.status().message();
  EXPECT_NE(failed.status().message().find("query failed"), std::string::npos) << failed.status().message();
  EXPECT_FALSE(fs::exists(dir_.Join("b-failed/metadata.db.sealed")));
  EXPECT_FALSE(fs::exists(dir_.Join("b-failed/manifest.json")));
  EXPECT_EQ(testing::ReadFile(argv_log).find(secret), std::string::npos) << "the password was on the command line";

  // The real pg_dump behind a wrapper that records what it was given: the
  // password arrives in its environment only, and the backup restores.
  const std::string env_log = dir_.Join("env.log");
  const std::string wrapped = FakePgBin(
      "wrap-bin", "echo \"$@\" > " + argv_log + "\necho \"$PGPASSWORD\" > " + env_log +
                      "\nexec \"$(PATH=/usr/bin:/bin command -v pg_dump)\" \"$@\"\n");
  auto ok = Backup("b-ok", "", wrapped, with_password);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(testing::ReadFile(argv_log).find(secret), std::string::npos);
  EXPECT_NE(testing::ReadFile(argv_log).find("--schema=\"" + schema_ + "\""), std::string::npos);
  EXPECT_EQ(testing::ReadFile(env_log), secret + "\n");

  // psql missing: the restore stops before loading anything.
  const std::string target = FreshDatabase();
  auto no_psql = Restore("b-ok", "restored", target, "", true, dir_.Join("no-such-bin"));
  ASSERT_FALSE(no_psql.ok());
  EXPECT_EQ(no_psql.status().reason(), "backup.psql_missing");
  EXPECT_FALSE(fs::exists(dir_.Join("restored")));
  EXPECT_EQ(TablesIn(DbNameOf(target)), 0u);
}

TEST_F(PgBackupTest, RestoreRefusesATargetThatIsNotEmptyOrDoesNotSelectTheSchema) {
  const std::string doc = Ingest("报价单", "content");
  ASSERT_TRUE(Backup("b1").ok());
  // No target database: a PostgreSQL backup needs one.
  auto none = Restore("b1", "restored", "", "", true);
  EXPECT_EQ(none.status().reason(), "backup.target_database_required");
  // The live vault's own database: its schema holds the vault.
  auto onto_live = Restore("b1", "restored", config_.database, "", true);
  ASSERT_FALSE(onto_live.ok());
  EXPECT_EQ(onto_live.status().reason(), "backup.target_database_not_empty");
  EXPECT_FALSE(fs::exists(dir_.Join("restored")));
  EXPECT_TRUE(Read(*lv_, doc).ok());
  // A fresh database whose search_path does not select the schema: the
  // whole load rolls back.
  const std::string fresh = FreshDatabase();
  const std::string unselected = fresh.substr(0, fresh.find(" options="));
  auto mismatch = Restore("b1", "restored", unselected, "", true);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.status().reason(), "backup.target_schema_mismatch") << mismatch.status().ToString();
  EXPECT_EQ(TablesIn(DbNameOf(fresh)), 0u);
  EXPECT_FALSE(fs::exists(dir_.Join("restored")));
  // The same database with the schema selected takes it.
  auto ok = Restore("b1", "restored", fresh, "", true);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(*std::move(Read(*OpenRestored("restored", fresh), doc)) == "content");
}

}  // namespace
}  // namespace vault
