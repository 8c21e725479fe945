// An online backup taken while the real vaultd serves a mixed workload over
// HTTP (uploads, content reads, listings) on the same data directory,
// restored elsewhere: every document whose upload was answered before the
// backup began is there byte for byte, everything else the copy holds was
// committed and is identical too, and the restored audit chain verifies.
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/test_database.h"
#include "vault/backup/backup_create.h"
#include "vault/backup/backup_restore.h"

namespace vault::testing {
namespace {

// Backups cover SQLite vaults; a PostgreSQL vault is refused
// (backup.unsupported_engine, BackupTest.RefusesAPostgresVaultAndANonEmptyTarget),
// so the conformance run on PostgreSQL skips this.
class VaultdBackupTest : public VaultdUploadTest {
 protected:
  void SetUp() override {
    if (TestOnPostgres()) GTEST_SKIP() << "backups cover SQLite vaults (PostgreSQL: pg_dump, docs/operations.md)";
    VaultdUploadTest::SetUp();
  }
  void TearDown() override {
    if (server_) VaultdUploadTest::TearDown();
  }
};

TEST_F(VaultdBackupTest, BackupWhileVaultdServesAMixedWorkloadRestoresEveryCommittedDocument) {
  const std::string archivist = Login("archivist");
  std::map<std::string, std::string> committed = {{south_.id, "south internal contract"},
                                                  {east_.id, "east internal contract"},
                                                  {secret_.id, "south confidential contract"}};
  std::mutex mu;
  std::atomic<bool> stop{false};
  std::atomic<int> uploaded{0}, reads{0}, failures{0};
  std::vector<std::thread> clients;
  for (int w = 0; w < 2; ++w) {
    clients.emplace_back([&, w] {
      for (int i = 0; i < 30 && !stop; ++i) {  // bounded: at most 60 uploads
        const std::string content = PseudoRandom(40000 + 977 * i, 500 * (w + 1) + i);
        Reply r = Upload(archivist, Multipart(kMeta, content, "c.pdf"));
        if (r.status != 201) {
          ++failures;
          continue;
        }
        std::lock_guard<std::mutex> lock(mu);
        committed[r.json()->getValue<std::string>("id")] = content;
        ++uploaded;
      }
    });
  }
  clients.emplace_back([&] {
    for (int i = 0; i < 400 && !stop; ++i) {  // reads and listings alongside
      Reply c = Call("GET", "/api/v1/documents/" + south_.id + "/content", archivist);
      Reply l = Call("GET", "/api/v1/documents?limit=20", archivist);
      if (c.status != 200 || l.status != 200) ++failures;
      ++reads;
    }
  });
  while (uploaded < 5) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::map<std::string, std::string> before;
  {
    std::lock_guard<std::mutex> lock(mu);
    before = committed;
  }
  // `vaultctl backup create` opens the data directory as a second process would.
  auto other = LocalVault::Open(config_);
  ASSERT_TRUE(other.ok());
  BackupCreateOptions o;
  o.data_dir = config_.data_dir;
  o.dir = dir_.Join("backup");
  auto backup = CreateBackup(**other, o);
  const int uploaded_at_end = uploaded;
  stop = true;
  for (auto& t : clients) t.join();
  ASSERT_TRUE(backup.ok()) << backup.status().ToString();
  EXPECT_EQ(failures, 0);
  EXPECT_GT(uploaded_at_end, 5) << "uploads must still have been running during the backup";
  EXPECT_GT(reads, 0);

  RestoreOptions ro;
  ro.backup_dir = dir_.Join("backup");
  ro.target = config_;
  ro.target.data_dir = dir_.Join("restored");
  ro.certificates = config_.data_dir;
  auto restored = RestoreBackup(ro);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  LocalVaultConfig rc = config_;
  rc.data_dir = dir_.Join("restored");
  auto rv = LocalVault::Open(rc);
  ASSERT_TRUE(rv.ok());
  auto read = [&](const std::string& id) -> StatusOr<std::string> {
    StringSink sink;
    VAULT_RETURN_IF_ERROR((*rv)->vault().ReadContent(id, 0, sink).status());
    return sink.data();
  };
  for (const auto& [id, content] : before) {
    auto got = read(id);
    ASSERT_TRUE(got.ok()) << id << ": " << got.status().ToString();
    EXPECT_TRUE(*got == content) << id;
  }
  DocumentFilter every;
  every.limit = 1000;
  auto all = (*rv)->vault().Search(every);
  ASSERT_TRUE(all.ok());
  EXPECT_GE(all->documents.size(), before.size());
  for (const auto& d : all->documents) {
    ASSERT_TRUE(committed.count(d.id)) << d.id << " was never answered as committed";
    auto got = read(d.id);
    ASSERT_TRUE(got.ok()) << d.id;
    EXPECT_TRUE(*got == committed[d.id]) << d.id;
  }
  auto audit = (*rv)->audit().Verify();
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok) << (audit->problems.empty() ? "" : audit->problems.front());
  EXPECT_GT(audit->events, 0);
}

}  // namespace
}  // namespace vault::testing
