#include "vault/vault.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/filesystem.hpp>
#include <set>
#include <thread>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/crypto/sha256.h"
#include "vault/local/local_vault.h"

namespace vault {
namespace {

using testing::StatusIs;

using testing::TempDir;
using ::testing::HasSubstr;

class VaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::InitTestVault(dir_);
    lv_ = std::move(LocalVault::Open(config_)).value();
  }

  IngestRequest Request(const std::string& customer = "C001", const std::string& title = "框架合同") {
    IngestRequest r;
    r.meta.customer_number = customer;
    r.meta.doc_type = "contract";
    r.meta.title = title;
    r.meta.department = "华南销售部";
    r.actor = "tester";
    return r;
  }

  StatusOr<DocumentRecord> Put(const std::string& content, IngestRequest r) {
    StringSource src(content);
    return lv_->vault().Ingest(std::move(r), src);
  }

  StatusOr<std::string> Read(const std::string& id, uint32_t version = 0) {
    StringSink sink;
    VAULT_RETURN_IF_ERROR(lv_->vault().ReadContent(id, version, sink).status());
    return sink.data();
  }

  TempDir dir_;
  LocalVaultConfig config_;
  std::unique_ptr<LocalVault> lv_;
};

TEST_F(VaultTest, IngestAndReadBackRecordsSha256) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{65536}, size_t{65537}, size_t{3 << 20}}) {
    std::string content = testing::PseudoRandom(size, size + 1);
    auto doc = Put(content, Request());
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    auto back = Read(doc->id);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, content);
    auto versions = lv_->vault().Versions(doc->id);
    EXPECT_EQ(versions->at(0).sha256, Sha256::HexOf(content));
    EXPECT_EQ(versions->at(0).size, size);
  }
}

TEST_F(VaultTest, ArchiveNumbersAndLookupByNumber) {
  auto a = Put("a", Request("C001"));
  auto b = Put("b", Request("C001"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->archive_number, "C001_HT_0001");
  EXPECT_EQ(b->archive_number, "C001_HT_0002");
  EXPECT_EQ(*Read("C001_HT_0002"), "b");
  EXPECT_THAT(lv_->vault().Get("C001_HT_0009"), StatusIs(StatusCode::kNotFound));
}

TEST_F(VaultTest, NewVersionsKeepOldOnesReadable) {
  auto doc = Put("first", Request());
  auto v2 = [&] {
    StringSource src("second");
    return lv_->vault().AddVersion(doc->archive_number, "客户签字后的版本", "tester", "v2.pdf", src);
  }();
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(v2->version, 2u);
  EXPECT_EQ(*Read(doc->id), "second");
  EXPECT_EQ(*Read(doc->id, 1), "first");
  EXPECT_THAT(Read(doc->id, 3), StatusIs(StatusCode::kNotFound, "document.version_not_found"));
  StringSource src("x");
  EXPECT_THAT(lv_->vault().AddVersion(doc->id, "", "tester", "", src),
              StatusIs(StatusCode::kInvalidArgument, "field.invalid"));
}

TEST_F(VaultTest, InvalidMetadataStoresNothing) {
  std::vector<std::pair<std::string, std::function<void(IngestRequest&)>>> cases = {
      {"doc_type", [](IngestRequest& r) { r.meta.doc_type = "unknown"; }},
      {"contact_phone", [](IngestRequest& r) { r.meta.fields["contact_phone"] = "12-34"; }},
      {"customer_number", [](IngestRequest& r) { r.meta.customer_number = ""; }},
      {"title", [](IngestRequest& r) { r.meta.title = std::string(300, 't'); }},
      {"title", [](IngestRequest& r) { r.meta.title = "\xe4\xb8"; }},
  };
  for (auto& c : cases) {
    IngestRequest r = Request();
    c.second(r);
    auto doc = Put("content", r);
    ASSERT_FALSE(doc.ok());
    EXPECT_THAT(doc, StatusIs(StatusCode::kInvalidArgument, "field.invalid"));
    EXPECT_THAT(doc.status().message(), HasSubstr(c.first + ":"));
  }
  EXPECT_EQ(lv_->vault().Search({})->total, 0);
  EXPECT_TRUE(lv_->blobs().List()->empty());
  EXPECT_TRUE(lv_->blobs().ListTemporaries()->empty());
}

// No file under the data directory contains the plaintext or a prefix of it.
TEST_F(VaultTest, NoPlaintextUnderTheDataDirectory) {
  std::string marker = testing::PseudoRandom(64, 99);
  std::string content = testing::PseudoRandom(500000, 1) + marker + testing::PseudoRandom(500000, 2);
  ASSERT_TRUE(Put(content, Request()).ok());
  auto doc2 = Put(marker, Request());  // a document that is only the marker
  ASSERT_TRUE(doc2.ok());
  int files = 0;
  for (auto it = boost::filesystem::recursive_directory_iterator(config_.data_dir);
       it != boost::filesystem::recursive_directory_iterator(); ++it) {
    if (!boost::filesystem::is_regular_file(it->status())) continue;
    ++files;
    std::string bytes = testing::ReadFile(it->path().string());
    EXPECT_EQ(bytes.find(marker.substr(0, 32)), std::string::npos) << it->path();
  }
  EXPECT_GE(files, 3);  // two blobs and the database at least
  EXPECT_FALSE(IsInside(config_.key_file, config_.data_dir));
  struct stat st {};
  ASSERT_EQ(::stat(config_.key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(VaultTest, KeyFileInsideDataDirectoryIsRefused) {
  LocalVaultConfig bad = config_;
  bad.key_file = config_.data_dir + "/master.key";
  EXPECT_THAT(LocalVault::Init(bad), StatusIs(StatusCode::kInvalidArgument, "config.key_inside_data"));
  bad.key_file = config_.data_dir + "/../data/sub/../k";
  EXPECT_THAT(LocalVault::Open(bad), StatusIs(StatusCode::kInvalidArgument, "config.key_inside_data"));
}

TEST_F(VaultTest, VerifyReportsChangedAndMissingBlobs) {
  auto a = Put(testing::PseudoRandom(200000, 1), Request());
  auto b = Put("bbbb", Request());
  auto c = Put("cccc", Request());
  auto report = lv_->vault().Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->ok, 3);
  auto versions = lv_->vault().Versions(a->id);
  std::string path = lv_->blobs().PathOf(versions->at(0).blob_name);
  std::string bytes = testing::ReadFile(path);
  bytes[150000] ^= 0x04;
  testing::WriteFile(path, bytes);
  std::string path_b = lv_->blobs().PathOf(lv_->vault().Versions(b->id)->at(0).blob_name);
  boost::filesystem::remove(path_b);
  report = lv_->vault().Verify();
  EXPECT_FALSE(report->intact());
  EXPECT_EQ(report->changed, 1);
  EXPECT_EQ(report->missing, 1);
  EXPECT_EQ(report->ok, 1);
  // Reading the tampered document fails with an integrity error.
  EXPECT_THAT(Read(a->id), StatusIs(StatusCode::kDataLoss));
  // Checking one document only looks at that document.
  auto one = lv_->vault().Verify(c->archive_number);
  EXPECT_TRUE(one->intact());
  EXPECT_EQ(one->ok, 1);
}

TEST_F(VaultTest, SearchThroughTheFacade) {
  ASSERT_TRUE(Put("1", Request("C001", "年度框架合同")).ok());
  auto r = Request("C002", "报价单 2026");
  r.meta.doc_type = "BJ";
  r.meta.tags = {"urgent"};
  ASSERT_TRUE(Put("2", r).ok());
  DocumentFilter f;
  f.doc_type = "报价单";
  EXPECT_EQ(lv_->vault().Search(f)->total, 1);
  f = {};
  f.tag = "urgent";
  EXPECT_EQ(lv_->vault().Search(f)->documents.at(0).archive_number, "C002_BJ_0001");
  f = {};
  f.from_date = "2026-13-01";
  EXPECT_THAT(lv_->vault().Search(f), StatusIs(StatusCode::kInvalidArgument, "field.invalid"));
}

TEST_F(VaultTest, ConcurrentIngestsGetUniqueArchiveNumbers) {
  // Two independent openings (two SQLite connections) and four threads each.
  auto second = std::move(LocalVault::Open(config_)).value();
  constexpr int kThreads = 8, kPerThread = 12;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<std::string> numbers;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Vault& v = (t % 2 ? second : lv_)->vault();
      for (int i = 0; i < kPerThread; ++i) {
        StringSource src("doc " + std::to_string(t) + "/" + std::to_string(i));
        auto d = v.Ingest(Request("C777", "并发 " + std::to_string(t)), src);
        if (!d.ok()) {
          ++failures;
          continue;
        }
        std::lock_guard<std::mutex> lock(mu);
        numbers.push_back(d->archive_number);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<std::string> unique(numbers.begin(), numbers.end());
  EXPECT_EQ(unique.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*unique.begin(), "C777_HT_0001");
  EXPECT_EQ(*unique.rbegin(), "C777_HT_0096");
  auto report = lv_->vault().Verify();
  EXPECT_TRUE(report->intact());
  EXPECT_EQ(report->ok, kThreads * kPerThread);
  EXPECT_EQ(report->untracked, 0);
}

}  // namespace
}  // namespace vault
