// Backups and restore drills run by vaultd itself, on the real server over
// HTTP (api/vaultd/handlers_backups.cc, vault/operations/backup_operations.h):
// the route makes full and incremental backups into the configured root that
// the real `vaultctl backup restore` and `drill` accept; only system admins
// may back up; a second backup while one runs is 409; the scheduled drill's
// signed JSON and PDF reports verify with the real openssl and the PDF reads
// back with pdftotext; a damaged backup fails the scheduled drill and
// notifies admins and auditors. SQLite only, like every backup test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/test_database.h"
#include "vault/crypto/sha256.h"

namespace vault::testing {
namespace {

using ::testing::HasSubstr;

class VaultdBackupServiceTest : public VaultdTest {
 protected:
  void SetUp() override {
    if (TestOnPostgres()) GTEST_SKIP() << "backups cover SQLite vaults (PostgreSQL: pg_dump, docs/operations.md)";
    VaultdTest::SetUp();
  }
  void TearDown() override {
    if (server_) VaultdTest::TearDown();
  }
  void Configure(vaultd::ServerOptions& opts) override {
    opts.backup_dir = Root();
    opts.backup_vault_config = config_;
    opts.backup_drill_interval_seconds = drill_interval_;
  }
  std::string Root() { return dir_.Join("backups"); }

  // Runs the real vaultctl with this vault's key; its exit code, output in `out`.
  int Vaultctl(const std::string& args, std::string* out) {
    const std::string file = dir_.Join("vaultctl.out");
    const std::string cmd = std::string("VAULT_DATABASE= ") + VAULT_VAULTCTL + " --data '" + config_.data_dir +
                            "' --key '" + config_.key_file + "' " + args + " >'" + file + "' 2>&1";
    const int rc = std::system(cmd.c_str());
    *out = ReadFile(file);
    return WEXITSTATUS(rc);
  }

  // Waits for a drill report whose result is `result`; its listing entry.
  Poco::JSON::Object::Ptr WaitForDrill(const std::string& token, const std::string& result) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      Reply r = Call("GET", "/api/v1/backups/drills", token);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) return nullptr;
      auto items = r.json()->getArray("items");
      for (size_t i = 0; i < items->size(); ++i) {
        if (items->getObject(i)->getValue<std::string>("result") == result) return items->getObject(i);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return nullptr;
  }

  // Fetches a drill report file over HTTP into the temp dir; its bytes.
  std::string Fetch(const std::string& token, const std::string& drill, const std::string& file) {
    Reply r = Call("GET", "/api/v1/backups/drills/" + drill + "/" + file, token);
    EXPECT_EQ(r.status, 200) << file << ": " << r.body;
    std::ofstream(dir_.Join(file), std::ios::binary) << r.body;
    return r.body;
  }

  int OpensslVerify(const std::string& file) {
    const std::string cmd = "openssl pkeyutl -verify -pubin -inkey '" + dir_.Join("signing.pem") + "' -rawin -in '" +
                            dir_.Join(file) + "' -sigfile '" + dir_.Join(file + ".sig") + "' >/dev/null 2>&1";
    return std::system(cmd.c_str());
  }

  // The audit events of `action` with `outcome`, once there is at least one
  // (a drill's report is on disk a moment before it is audited).
  size_t WaitForAudit(const std::string& action, const std::string& outcome) {
    AuditFilter f;
    f.action = action;
    f.outcome = outcome;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    size_t n = 0;
    while ((n = lv_->audit().List(f)->size()) == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return n;
  }

  int64_t drill_interval_ = 0;
};

TEST_F(VaultdBackupServiceTest, TheRouteMakesFullAndIncrementalBackupsThatVaultctlRestoresAndDrills) {
  const std::string admin = Login("admin1");
  Reply full = Call("POST", "/api/v1/backups", admin);
  ASSERT_EQ(full.status, 201) << full.body;
  auto f = full.json();
  const std::string name = f->getValue<std::string>("name");
  EXPECT_EQ(f->getValue<std::string>("backup_id").size(), 32u);
  EXPECT_FALSE(f->getValue<bool>("incremental"));
  EXPECT_EQ(f->getValue<int64_t>("files"), 4);  // the sealed database and three blobs
  EXPECT_EQ(f->getValue<int64_t>("files_copied"), 3);
  EXPECT_GT(f->getValue<int64_t>("bytes"), 0);
  EXPECT_EQ(f->getValue<std::string>("manifest_sha256"), Sha256::HexOf(ReadFile(Root() + "/" + name + "/manifest.json")));

  const DocumentRecord later = Put("华南销售部", "internal", "filed after the first backup");
  Reply inc = Call("POST", "/api/v1/backups", admin, R"({"incremental":true})");
  ASSERT_EQ(inc.status, 201) << inc.body;
  auto i = inc.json();
  const std::string inc_name = i->getValue<std::string>("name");
  EXPECT_NE(inc_name, name);
  EXPECT_EQ(i->getValue<std::string>("base_backup_id"), f->getValue<std::string>("backup_id"));
  EXPECT_EQ(i->getValue<int64_t>("files_linked"), 3);  // the three blobs the first backup holds
  EXPECT_EQ(i->getValue<int64_t>("files_copied"), 1);  // the new blob (and the database, sealed anew)
  EXPECT_EQ(i->getValue<int64_t>("files"), 5);

  Reply list = Call("GET", "/api/v1/backups", admin);
  ASSERT_EQ(list.status, 200) << list.body;
  auto items = list.json()->getArray("items");
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("name"), inc_name);  // newest first
  EXPECT_EQ(items->getObject(1)->getValue<std::string>("name"), name);
  for (size_t n = 0; n < 2; ++n) EXPECT_EQ(items->getObject(n)->getValue<std::string>("manifest"), "verified");

  // The real vaultctl restores the incremental backup and drills it.
  std::string out;
  ASSERT_EQ(Vaultctl("backup restore '" + Root() + "/" + inc_name + "' --to '" + dir_.Join("restored") +
                         "' --certificates '" + config_.data_dir + "'",
                     &out),
            0)
      << out;
  LocalVaultConfig rc = config_;
  rc.data_dir = dir_.Join("restored");
  auto restored = LocalVault::Open(rc);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  StringSink sink;
  ASSERT_TRUE((*restored)->vault().ReadContent(later.id, 0, sink).ok());
  EXPECT_EQ(sink.data(), "filed after the first backup");
  ASSERT_EQ(Vaultctl("backup drill '" + Root() + "/" + inc_name + "' --out '" + dir_.Join("drill") + "' --tmp '" +
                         dir_.path() + "'",
                     &out),
            0)
      << out;
  EXPECT_THAT(ReadFile(dir_.Join("drill/drill-report.json")), HasSubstr("\"result\":\"passed\""));

  // Both creations are audited with the backup's name.
  AuditFilter created;
  created.action = "backup.create";
  auto events = lv_->audit().List(created);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ(events->at(0).record.object, name);
  EXPECT_EQ(events->at(0).record.outcome, "ok");
  EXPECT_EQ(events->at(1).record.object, inc_name);
}

TEST_F(VaultdBackupServiceTest, OnlySystemAdminsBackUpAndNoRequestNamesAPath) {
  for (const char* user : {"archivist", "manager_s", "staff_s", "legal1", "auditor1"}) {
    const std::string token = Login(user);
    EXPECT_EQ(Call("POST", "/api/v1/backups", token).status, 403) << user;
    EXPECT_EQ(Call("GET", "/api/v1/backups", token).status, 403) << user;
  }
  EXPECT_EQ(Call("POST", "/api/v1/backups").status, 401);
  // Drill reports: system admins and audit readers.
  EXPECT_EQ(Call("GET", "/api/v1/backups/drills", Login("auditor1")).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/backups/drills", Login("archivist")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/backups/drills", Login("staff_s")).status, 403);

  const std::string admin = Login("admin1");
  Reply dir = Call("POST", "/api/v1/backups", admin, R"({"dir":"/tmp/elsewhere"})");
  EXPECT_EQ(dir.status, 400);
  EXPECT_EQ(dir.error_code(), "request.unknown_field");
  Reply type = Call("POST", "/api/v1/backups", admin, R"({"incremental":"../../etc"})");
  EXPECT_EQ(type.status, 400);
  EXPECT_EQ(type.error_code(), "request.bad_type");
  Reply up = Call("GET", "/api/v1/backups/drills/../../data/metadata.db", admin);
  EXPECT_EQ(up.status, 400);
  EXPECT_EQ(up.error_code(), "request.bad_path");
  Reply hidden = Call("GET", "/api/v1/backups/drills/.writing-x/signing.pem", admin);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.error_code(), "backup.drill_not_found");
  EXPECT_EQ(Call("GET", "/api/v1/backups/drills/20260101T000000Z/manifest.json", admin).status, 404);
  std::error_code ec;
  EXPECT_FALSE(std::filesystem::exists(Root(), ec)) << "a refused request created the backup root";

  AuditFilter denied;
  denied.action = "backup.manage";
  denied.outcome = "denied";
  auto events = lv_->audit().List(denied);
  ASSERT_TRUE(events.ok());
  EXPECT_GE(events->size(), 10u);  // five roles, two routes each
}

TEST_F(VaultdBackupServiceTest, ASecondBackupWhileOneRunsIsRefusedWith409) {
  const std::string admin = Login("admin1");
  {
    auto running = server_->backups()->TryHoldBackupLock();  // as a backup under way holds it
    ASSERT_TRUE(running.owns_lock());
    Reply busy = Call("POST", "/api/v1/backups", admin);
    EXPECT_EQ(busy.status, 409);
    EXPECT_EQ(busy.error_code(), "backup.in_progress");
    AuditFilter refused;
    refused.action = "backup.create";
    refused.outcome = "error";
    EXPECT_EQ(lv_->audit().List(refused)->size(), 1u);
  }
  EXPECT_EQ(Call("POST", "/api/v1/backups", admin).status, 201);
}

class VaultdBackupDrillTest : public VaultdBackupServiceTest {
 protected:
  VaultdBackupDrillTest() { drill_interval_ = 1; }
};

TEST_F(VaultdBackupDrillTest, TheScheduledDrillsSignedReportsVerifyWithOpensslAndThePdfShowsTheResult) {
  const std::string admin = Login("admin1");
  Reply made = Call("POST", "/api/v1/backups", admin);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string backup_id = made.json()->getValue<std::string>("backup_id");
  const std::string auditor = Login("auditor1");
  auto drill = WaitForDrill(auditor, "passed");
  ASSERT_TRUE(drill) << "no scheduled drill passed";
  EXPECT_EQ(drill->getValue<std::string>("backup_id"), backup_id);
  EXPECT_EQ(drill->getValue<std::string>("signature"), "verified");
  EXPECT_TRUE(drill->getValue<bool>("pdf"));
  const std::string name = drill->getValue<std::string>("name");

  const std::string json = Fetch(auditor, name, "drill-report.json");
  EXPECT_EQ(Fetch(auditor, name, "drill-report.json.sig").size(), 64u);
  Fetch(auditor, name, "signing.pem");
  const std::string pdf = Fetch(auditor, name, "drill-report.pdf");
  EXPECT_EQ(Fetch(auditor, name, "drill-report.pdf.sig").size(), 64u);
  EXPECT_THAT(json, HasSubstr("\"result\":\"passed\""));
  EXPECT_EQ(OpensslVerify("drill-report.json"), 0);
  EXPECT_EQ(OpensslVerify("drill-report.pdf"), 0);
  std::string altered = pdf;
  altered[altered.size() / 2] ^= 1;
  std::ofstream(dir_.Join("drill-report.pdf"), std::ios::binary) << altered;
  EXPECT_NE(OpensslVerify("drill-report.pdf"), 0);
  std::ofstream(dir_.Join("drill-report.pdf"), std::ios::binary) << pdf;

  const std::string text_file = dir_.Join("drill.txt");
  ASSERT_EQ(std::system(("pdftotext -layout '" + dir_.Join("drill-report.pdf") + "' '" + text_file + "'").c_str()), 0);
  const std::string text = ReadFile(text_file);
  EXPECT_THAT(text, HasSubstr("PASSED"));
  EXPECT_THAT(text, HasSubstr("恢复演练"));
  EXPECT_THAT(text, HasSubstr(backup_id));

  EXPECT_GE(WaitForAudit("backup.drill", "ok"), 1u);
}

TEST_F(VaultdBackupDrillTest, ADamagedBackupFailsTheScheduledDrillAndNotifiesAdminsAndAuditors) {
  const std::string admin = Login("admin1");
  Reply made = Call("POST", "/api/v1/backups", admin);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string dir = Root() + "/" + made.json()->getValue<std::string>("name");
  // A flipped byte in one blob of the backup (a copy: the live blob is untouched).
  std::string blob;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir + "/blobs")) {
    if (e.is_regular_file()) blob = e.path().string();
  }
  ASSERT_FALSE(blob.empty());
  {
    std::fstream b(blob, std::ios::in | std::ios::out | std::ios::binary);
    b.seekg(100);
    char c = 0;
    b.read(&c, 1);
    b.seekp(100);
    c = static_cast<char>(c ^ 1);
    b.write(&c, 1);
  }
  auto drill = WaitForDrill(admin, "failed");
  ASSERT_TRUE(drill) << "no scheduled drill failed";
  EXPECT_EQ(drill->getValue<std::string>("signature"), "verified");
  auto problems = drill->getArray("problems");
  ASSERT_GE(problems->size(), 1u);
  const std::string rel = blob.substr(dir.size() + 1);
  EXPECT_THAT(problems->get(0).convert<std::string>(), HasSubstr(rel));

  // Audited, then admins and auditors are told.
  EXPECT_GE(WaitForAudit("backup.drill", "error"), 1u);
  for (const char* user : {"admin1", "auditor1"}) {
    Reply notes = Call("GET", "/api/v1/notifications", Login(user));
    const std::string drill_name = drill->getValue<std::string>("name");
    for (int tries = 0; tries < 200 && notes.body.find(drill_name) == std::string::npos; ++tries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      notes = Call("GET", "/api/v1/notifications", Login(user));
    }
    ASSERT_EQ(notes.status, 200);
    EXPECT_THAT(notes.body, HasSubstr("backup_drill_failed")) << user;
    EXPECT_THAT(notes.body, HasSubstr(drill->getValue<std::string>("name"))) << user;
  }
  EXPECT_THAT(Call("GET", "/api/v1/notifications", Login("staff_s")).body,
              ::testing::Not(HasSubstr("backup_drill_failed")));
  // The failed drill's report is signed like a passed one.
  Fetch(admin, drill->getValue<std::string>("name"), "drill-report.json");
  Fetch(admin, drill->getValue<std::string>("name"), "drill-report.json.sig");
  Fetch(admin, drill->getValue<std::string>("name"), "signing.pem");
  EXPECT_EQ(OpensslVerify("drill-report.json"), 0);
}

class VaultdBackupUnconfiguredTest : public VaultdBackupServiceTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.backup_vault_config = config_; }
};

TEST_F(VaultdBackupUnconfiguredTest, WithoutABackupDirectoryEveryRouteSaysSo) {
  const std::string admin = Login("admin1");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"POST", "/api/v1/backups"}, {"GET", "/api/v1/backups"}, {"GET", "/api/v1/backups/drills"}}) {
    Reply r = Call(method, path, admin);
    EXPECT_EQ(r.status, 409) << path;
    EXPECT_EQ(r.error_code(), "backup.not_configured") << path;
  }
}

}  // namespace
}  // namespace vault::testing
