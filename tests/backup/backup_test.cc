// Backups through the real vault on disk: an online backup taken while
// writers keep ingesting restores every committed document byte for byte
// with an intact audit chain; a destruction certified after the backup is
// replayed by the restore (not readable, named in the report); a restore
// without the certificates is refused unless forced, and the force is
// audited; a flipped byte in any backup file or in the manifest fails
// restore and drill naming the file; the drill report verifies with stock
// openssl; an incremental backup links the blobs it did not have to copy.
#include <gtest/gtest.h>
#include <sys/stat.h>

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

// SQLite vaults; the conformance run on PostgreSQL skips these and runs
// tests/backup/pg_backup_test.cc instead.
class BackupTest : public testing::BackupFixture {
 protected:
  void SetUp() override {
    if (testing::TestOnPostgres()) GTEST_SKIP() << "SQLite backups; PostgreSQL ones: pg_backup_test.cc";
    OpenVault();
  }

  StatusOr<BackupReport> Backup(const std::string& name, const std::string& base = "") {
    // A second handle on the same data directory, as `vaultctl backup
    // create` opens it while vaultd holds the first.
    auto lv = LocalVault::Open(config_);
    if (!lv.ok()) return lv.status();
    BackupCreateOptions o;
    o.data_dir = config_.data_dir;
    o.dir = dir_.Join(name);
    o.base_dir = base.empty() ? "" : dir_.Join(base);
    o.clock = &clock_;
    return CreateBackup(**lv, o);
  }
  StatusOr<RestoreReport> Restore(const std::string& name, const std::string& to, const std::string& certs,
                                  bool force = false) {
    RestoreOptions o;
    o.backup_dir = dir_.Join(name);
    o.target = config_;
    o.target.data_dir = dir_.Join(to);
    o.certificates = certs;
    o.force_without_certificates = force;
    return RestoreBackup(o);
  }
  std::unique_ptr<LocalVault> OpenRestored(const std::string& to) {
    LocalVaultConfig c = config_;
    c.data_dir = dir_.Join(to);
    return std::move(LocalVault::Open(c)).value();
  }
  std::string AnyBlobFile(const std::string& backup) {
    for (auto& e : fs::recursive_directory_iterator(dir_.Join(backup + "/blobs"))) {
      if (fs::is_regular_file(e.path())) return e.path().string();
    }
    return "";
  }};

TEST_F(BackupTest, OnlineBackupDuringWritesRestoresEveryCommittedDocumentIdentically) {
  std::map<std::string, std::string> committed;  // id -> content
  std::mutex mu;
  for (int i = 0; i < 5; ++i) {
    const std::string content = testing::PseudoRandom(70000 + i * 1000, 100 + i);
    committed[Ingest(*lv_, "before " + std::to_string(i), content)] = content;
  }
  ASSERT_TRUE(lv_->audit().WriteCheckpoint(*services_->certificate_signer().Current().value()).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < 60 && !stop; ++i) {  // bounded: at most 120 documents
        const std::string content = testing::PseudoRandom(20000 + i * 300, 1000 * (w + 1) + i);
        const std::string id = Ingest(*lv_, "during " + std::to_string(w) + "-" + std::to_string(i), content);
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

  auto restored = Restore("b1", "restored", config_.data_dir);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_TRUE(restored->replayed.empty());
  auto rv = OpenRestored("restored");
  // Everything committed before the backup began is there, byte for byte.
  for (const auto& [id, content] : before_backup) {
    auto got = Read(*rv, id);
    ASSERT_TRUE(got.ok()) << id << ": " << got.status().ToString();
    EXPECT_TRUE(*got == content) << id;
  }
  // Whatever else the copy holds was committed, and is identical too.
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
}

TEST_F(BackupTest, BackupHoldsNoMasterKeyAndNoPlaintextDatabase) {
  const std::string marker = "MARKER-backup-7c1d-客户档案标题";
  Ingest(*lv_, marker, testing::PseudoRandom(5000, 1) + marker);
  ASSERT_TRUE(Backup("b1").ok());
  const std::string key = testing::ReadFile(config_.key_file);
  ASSERT_FALSE(key.empty());
  for (auto& e : fs::recursive_directory_iterator(dir_.Join("b1"))) {
    if (!fs::is_regular_file(e.path())) continue;
    const std::string bytes = testing::ReadFile(e.path().string());
    EXPECT_EQ(bytes.find(marker), std::string::npos) << e.path() << " holds the title or content in clear";
    EXPECT_EQ(bytes.find("SQLite format 3"), std::string::npos) << e.path() << " is an unencrypted database";
    EXPECT_EQ(bytes.find(key), std::string::npos) << e.path();
  }
}

TEST_F(BackupTest, DestructionAfterBackupIsReplayedByTheRestoreAndNamedInTheReport) {
  const std::string content = "报价内容 " + std::string(150000, 'q');
  const std::string doomed = Ingest(*lv_, "将被销毁的报价单", content);
  const std::string kept = Ingest(*lv_, "保留的报价单", content + "kept");
  clock_.Advance(4 * kYear);  // a quotation's retention (3 years) has expired
  ASSERT_TRUE(Backup("b1").ok());
  const std::string cert = Destroy(doomed);
  ASSERT_FALSE(cert.empty());
  const std::string archive_number = std::move(lv_->vault().Get(doomed)).value().archive_number;

  auto restored = Restore("b1", "restored", config_.data_dir);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  ASSERT_EQ(restored->replayed.size(), 1u);
  EXPECT_EQ(restored->replayed[0].document_id, doomed);
  EXPECT_EQ(restored->replayed[0].archive_number, archive_number);
  EXPECT_EQ(restored->replayed[0].certificate_id, cert);
  EXPECT_TRUE(restored->replayed[0].in_backup);
  EXPECT_GE(restored->replayed[0].blobs_overwritten, 1);
  auto rv = OpenRestored("restored");
  EXPECT_FALSE(Read(*rv, doomed).ok()) << "a record destroyed after the backup came back";
  auto still = Read(*rv, kept);
  ASSERT_TRUE(still.ok());
  EXPECT_TRUE(*still == content + "kept");
  auto versions = rv->vault().Versions(doomed);
  ASSERT_TRUE(versions.ok());
  for (const auto& v : *versions) {
    EXPECT_FALSE(fs::exists(rv->blobs().PathOf(v.blob_name))) << "its blob is still in the restored copy";
  }
  EXPECT_EQ(std::move(rv->destructions().DestroyedBy(doomed)).value().empty(), false);
  // The restored chain holds the later certificate, and verifies.
  auto certs = rv->destructions().Certificates();
  ASSERT_TRUE(certs.ok());
  ASSERT_EQ(certs->size(), 1u);
  EXPECT_EQ(certs->front().id, cert);

  // The same from a bundle written from the live vault's certificates.
  const std::string bundle = dir_.Join("bundle");
  fs::create_directories(bundle);
  auto live = std::move(lv_->destructions().Certificates()).value();
  for (const auto& c : live) {
    testing::WriteFile(bundle + "/" + c.id + ".json", c.json);
    std::string raw;
    for (size_t i = 0; i + 1 < c.signature.size(); i += 2) raw += static_cast<char>(std::stoi(c.signature.substr(i, 2), nullptr, 16));
    testing::WriteFile(bundle + "/" + c.id + ".json.sig", raw);
  }
  auto from_bundle = Restore("b1", "restored2", bundle);
  ASSERT_TRUE(from_bundle.ok()) << from_bundle.status().ToString();
  ASSERT_EQ(from_bundle->replayed.size(), 1u);
  EXPECT_FALSE(Read(*OpenRestored("restored2"), doomed).ok());

  // A bundle certificate whose bytes were altered is refused, naming it.
  std::string json = testing::ReadFile(bundle + "/" + cert + ".json");
  json.replace(json.find("王监销"), std::string("王监销").size(), "李监销");
  testing::WriteFile(bundle + "/" + cert + ".json", json);
  auto forged = Restore("b1", "restored3", bundle);
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.status().reason(), "backup.certificate_untrusted");
  EXPECT_NE(forged.status().message().find(cert), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_.Join("restored3")));
}

TEST_F(BackupTest, RestoreWithoutCertificatesIsRefusedUnlessForcedAndTheForceIsAudited) {
  const std::string doc = Ingest(*lv_, "报价单", "content");
  ASSERT_TRUE(Backup("b1").ok());
  auto refused = Restore("b1", "restored", "");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().reason(), "backup.certificates_required");
  EXPECT_NE(refused.status().message().find("undo"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir_.Join("restored")));

  auto forced = Restore("b1", "restored", "", /*force=*/true);
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_TRUE(forced->forced_without_certificates);
  auto rv = OpenRestored("restored");
  EXPECT_TRUE(Read(*rv, doc).ok());
  AuditFilter f;
  f.action = "backup.restore_forced_without_certificates";
  auto events = rv->audit().List(f);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().record.object, forced->manifest.backup_id);
  EXPECT_TRUE(std::move(rv->audit().Verify()).value().ok);
}

TEST_F(BackupTest, FlippedByteInAnyBackupFileFailsRestoreAndDrillNamingTheFile) {
  Ingest(*lv_, "报价单", testing::PseudoRandom(100000, 7));
  ASSERT_TRUE(Backup("b1").ok());
  auto clean = Drill("b1");
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  EXPECT_TRUE(clean->passed) << (clean->problems.empty() ? "" : clean->problems.front());

  struct Case {
    std::string file;  // relative to the backup directory
    std::string reason;
  };
  const std::string blob = AnyBlobFile("b1");
  ASSERT_FALSE(blob.empty());
  const std::string blob_rel = fs::relative(blob, dir_.Join("b1")).generic_string();
  for (const Case& c : {Case{blob_rel, "backup.file_corrupt"}, Case{"metadata.db.sealed", "backup.file_corrupt"},
                        Case{"manifest.json", "backup.manifest_signature"},
                        Case{"manifest.json.sig", "backup.manifest_signature"}}) {
    SCOPED_TRACE(c.file);
    fs::remove_all(dir_.Join("b2"));
    fs::create_directories(dir_.Join("b2"));
    for (auto& e : fs::recursive_directory_iterator(dir_.Join("b1"))) {
      const fs::path to = dir_.Join("b2") / fs::relative(e.path(), dir_.Join("b1"));
      if (fs::is_directory(e.path())) fs::create_directories(to);
      else fs::copy_file(e.path(), to);
    }
    FlipByte(dir_.Join("b2/" + c.file), 40);
    auto restored = Restore("b2", "restored", config_.data_dir);
    ASSERT_FALSE(restored.ok());
    EXPECT_EQ(restored.status().reason(), c.reason);
    const std::string named = c.file == "manifest.json.sig" ? "manifest.json" : c.file;
    EXPECT_NE(restored.status().message().find(named), std::string::npos) << restored.status().message();
    EXPECT_FALSE(fs::exists(dir_.Join("restored")));
    auto drill = Drill("b2");
    ASSERT_TRUE(drill.ok()) << drill.status().ToString();
    EXPECT_FALSE(drill->passed);
    ASSERT_FALSE(drill->problems.empty());
    EXPECT_NE(drill->problems.front().find(named), std::string::npos) << drill->problems.front();
    EXPECT_NE(drill->json.find("\"result\":\"failed\""), std::string::npos);
  }
}

TEST_F(BackupTest, DrillReportVerifiesWithOpenssl) {
  Ingest(*lv_, "报价单", testing::PseudoRandom(100000, 9));
  ASSERT_TRUE(lv_->audit().WriteCheckpoint(*services_->certificate_signer().Current().value()).ok());
  ASSERT_TRUE(Backup("b1").ok());
  auto drill = Drill("b1");
  ASSERT_TRUE(drill.ok()) << drill.status().ToString();
  EXPECT_TRUE(drill->passed);
  EXPECT_NE(drill->json.find("\"result\":\"passed\""), std::string::npos);
  EXPECT_NE(drill->json.find("\"fixity\":{\"changed\":0,\"intact\":true,\"missing\":0,\"ok\":1"), std::string::npos)
      << drill->json;
  const std::string d = drill->report_dir;
  const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + d + "/signing.pem -rawin -in " + d +
                             "/drill-report.json -sigfile " + d + "/drill-report.json.sig >/dev/null 2>&1";
  EXPECT_EQ(std::system(verify.c_str()), 0);
  FlipByte(d + "/drill-report.json", 10);
  EXPECT_NE(std::system(verify.c_str()), 0);
  // The temporary restore is gone.
  for (auto& e : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(e.path().filename().string().rfind("vault-drill-", 0), std::string::npos) << e.path();
  }
}

TEST_F(BackupTest, IncrementalBackupLinksUnchangedBlobsAndRestoresAlone) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(Ingest(*lv_, "doc " + std::to_string(i), testing::PseudoRandom(30000, i)));
  auto full = Backup("full");
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  EXPECT_EQ(full->files_linked, 0);
  const std::string added = Ingest(*lv_, "added", "new content");
  auto inc = Backup("inc", "full");
  ASSERT_TRUE(inc.ok()) << inc.status().ToString();
  EXPECT_EQ(inc->manifest.base_backup_id, full->manifest.backup_id);
  EXPECT_EQ(inc->files_linked, 20);
  EXPECT_EQ(inc->files_copied, 1);
  struct stat st;
  ASSERT_EQ(::stat(AnyBlobFile("inc").c_str(), &st), 0);
  fs::remove_all(dir_.Join("full"));  // each backup stands alone
  auto restored = Restore("inc", "restored", config_.data_dir);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  auto rv = OpenRestored("restored");
  EXPECT_TRUE(*std::move(Read(*rv, added)) == "new content");
  EXPECT_TRUE(*std::move(Read(*rv, ids[3])) == testing::PseudoRandom(30000, 3));
}

TEST_F(BackupTest, BackupMadeBeforeAKeyRotationStillVerifiesAndRestores) {
  const std::string doc = Ingest(*lv_, "报价单", "before the rotation");
  ASSERT_TRUE(Backup("b1").ok());
  auto rotated = lv_->keys().Rotate();
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  // The manifest names the old master key: its signature is checked with
  // the backup key derived from that one, not from the new primary.
  auto restored = Restore("b1", "restored", config_.data_dir);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_NE(restored->manifest.signing_kek_id, *rotated);
  EXPECT_TRUE(*std::move(Read(*OpenRestored("restored"), doc)) == "before the rotation");
  // Once the old master key is destroyed the backup cannot be opened at all.
  const std::string old_kek = restored->manifest.signing_kek_id;
  ASSERT_TRUE(lv_->keys().Destroy(old_kek).ok());
  auto after = Restore("b1", "restored2", config_.data_dir);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().reason(), "key.unknown_kek");
  EXPECT_FALSE(fs::exists(dir_.Join("restored2")));
}

TEST_F(BackupTest, RefusesAPostgresVaultAndANonEmptyTarget) {
  // (PostgreSQL vaults are backed up since pg_dump_source.h: tests in
  // tests/backup/pg_backup_test.cc.) A SQLite backup takes no target database.
  ASSERT_TRUE(Backup("b1").ok());
  auto again = Backup("b1");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().reason(), "backup.target_not_empty");
  auto onto_live = Restore("b1", "data", config_.data_dir);
  EXPECT_EQ(onto_live.status().reason(), "backup.target_not_empty");
  RestoreOptions to_pg;
  to_pg.backup_dir = dir_.Join("b1");
  to_pg.target = config_;
  to_pg.target.data_dir = dir_.Join("to-pg");
  to_pg.target.database = "postgresql://vault@127.0.0.1:5432/vault";
  to_pg.force_without_certificates = true;
  auto into_pg = RestoreBackup(to_pg);
  EXPECT_EQ(into_pg.status().reason(), "backup.unsupported_engine");
  EXPECT_FALSE(fs::exists(dir_.Join("to-pg")));
}

}  // namespace
}  // namespace vault
