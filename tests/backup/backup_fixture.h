// What the SQLite and PostgreSQL backup tests share: a real vault with two
// archive admins under a fake clock, ingest and read-back, destruction
// through the four-eyes service, drills, and byte flips. Backup, restore and
// reopening differ (a PostgreSQL restore names a target database) and stay
// in each test.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "tests/support/test_vault.h"
#include "vault/backup/backup_drill.h"
#include "vault/services/services.h"

namespace vault::testing {

class BackupFixture : public ::testing::Test {
 protected:
  // Opens the vault (on whichever engine the run selects) with its two
  // archive admins.
  void OpenVault() {
    config_ = InitTestVault(dir_);
    config_.clock = &clock_;
    config_.login_policy.argon2_opslimit = 1;
    config_.login_policy.argon2_memlimit = 8u << 20;
    ServicesOptions o;
    o.config = config_;
    o.clock = &clock_;
    services_ = std::move(Services::Open(std::move(o))).value();
    lv_ = &services_->vault();
    for (const char* name : {"archivist", "archivist2"}) {
      NewUser u;
      u.username = name;
      u.role = "archive_admin";
      u.department = "档案室";
      u.clearance = "confidential";
      u.password = "a long enough password";
      ASSERT_TRUE(lv_->identity().AddUser(u).ok());
    }
  }

  std::string Ingest(LocalVault& lv, const std::string& title, const std::string& content) {
    IngestRequest r;
    r.meta.customer_number = "C100";
    r.meta.doc_type = "quotation";
    r.meta.title = title;
    r.meta.department = "华南销售部";
    r.meta.classification = "internal";
    StringSource src(content);
    auto d = lv.vault().Ingest(r, src);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? d->id : "";
  }
  std::string Ingest(const std::string& title, const std::string& content) { return Ingest(*lv_, title, content); }

  static StatusOr<std::string> Read(LocalVault& lv, const std::string& id) {
    StringSink sink;
    VAULT_RETURN_IF_ERROR(lv.vault().ReadContent(id, 0, sink).status());
    return sink.data();
  }

  // `pg_server`: where a drill of a PostgreSQL backup makes its throwaway
  // database ("" for SQLite backups).
  StatusOr<DrillReport> Drill(const std::string& name, const std::string& pg_server = "") {
    DrillOptions o;
    o.backup_dir = dir_.Join(name);
    o.key_config = config_;
    o.temp_parent = dir_.path();
    o.report_dir = dir_.Join(name + "-drill");
    o.pg_server = pg_server;
    return RunDrill(o);
  }

  Subject As(const std::string& name) {
    User u = std::move(lv_->identity().GetUser(name)).value();
    return Subject{u.username, u.role, u.department, u.clearance, u.customers, false};
  }

  // Destroys `doc` on the live vault (four eyes, witness) and returns the
  // certificate id.
  std::string Destroy(const std::string& doc) {
    DestructionRequest r;
    r.documents = {doc};
    r.reason = "retention_expired";
    r.reference = "2026年第3次档案鉴定会议纪要";
    auto& service = services_->destructions();
    auto d = service.Request(As("archivist"), r);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    auto a = service.Approve(As("archivist2"), d->id, "王监销");
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    auto done = service.Execute(As("archivist"), d->id);
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    return done.ok() ? done->certificate_id : "";
  }

  static void FlipByte(const std::string& path, size_t offset) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(offset));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x01);
    f.seekp(static_cast<std::streamoff>(offset));
    f.write(&c, 1);
  }

  TempDir dir_;
  FakeClock clock_{std::chrono::system_clock::from_time_t(1700000000)};
  LocalVaultConfig config_;
  std::unique_ptr<Services> services_;
  LocalVault* lv_ = nullptr;
};

}  // namespace vault::testing
