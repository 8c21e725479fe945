// Quality sampling through the real server: an archive admin draws this
// quarter's 10% and records an outcome per record; auditors read the report
// but change nothing; other roles get nothing. Randomness injected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include "tests/api/vaultd_fixture.h"

namespace vault {
namespace {

using testing::Reply;
using testing::VaultdTest;

class VaultdQualityTest : public VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    // Always the first remaining record: the lowest document ids.
    opts.quality_random = [](uint64_t) { return 0; };
  }
};

TEST_F(VaultdQualityTest, ArchiveAdminDrawsChecksAndAuditorsReadTheReport) {
  for (int i = 0; i < 17; ++i) Put("华南销售部", "internal", "record " + std::to_string(i));
  std::vector<std::string> ids;
  auto versions = lv_->metadata().AllVersions();
  ASSERT_TRUE(versions.ok());
  for (const auto& v : *versions) ids.push_back(v.document_id);
  std::sort(ids.begin(), ids.end());
  ASSERT_EQ(ids.size(), 20u);

  const std::string archivist = Login("archivist"), auditor = Login("auditor1");
  for (const char* user : {"staff_s", "manager_s", "legal1", "auditor1", "admin1"}) {
    EXPECT_EQ(Call("POST", "/api/v1/quality/samples", Login(user), "{}").status, 403) << user;
  }
  Reply drawn = Call("POST", "/api/v1/quality/samples", archivist, R"({"period":"2026-Q4"})");
  ASSERT_EQ(drawn.status, 201) << drawn.body;
  EXPECT_EQ(drawn.json()->getValue<int64_t>("population"), 20);
  EXPECT_EQ(drawn.json()->getValue<int64_t>("size"), 2);
  const std::string id = std::to_string(drawn.json()->getValue<int64_t>("id"));
  EXPECT_EQ(Call("POST", "/api/v1/quality/samples", archivist, R"({"period":"2026-Q4"})").error_code(),
            "quality.sample_exists");

  Reply sample = Call("GET", "/api/v1/quality/samples/" + id, auditor);
  ASSERT_EQ(sample.status, 200) << sample.body;
  auto items = sample.json()->getArray("items");
  ASSERT_EQ(items->size(), 2u);
  std::set<std::string> got;
  for (size_t i = 0; i < items->size(); ++i) got.insert(items->getObject(i)->getValue<std::string>("document_id"));
  EXPECT_EQ(got, std::set<std::string>(ids.begin(), ids.begin() + 2));

  const std::string first = *got.begin(), second = *got.rbegin();
  const std::string check = R"({"document_id":")" + first +
                            R"(","metadata_complete":true,"scan_legible":true,"classification_right":true})";
  EXPECT_EQ(Call("POST", "/api/v1/quality/samples/" + id + "/checks", auditor, check).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/quality/samples/" + id + "/checks", Login("staff_s"), check).status, 403);
  Reply ok = Call("POST", "/api/v1/quality/samples/" + id + "/checks", archivist, check);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()->getValue<std::string>("outcome"), "pass");
  Reply bad = Call("POST", "/api/v1/quality/samples/" + id + "/checks", archivist,
                   R"({"document_id":")" + second +
                       R"(","metadata_complete":false,"scan_legible":true,"classification_right":true,"remarks":"缺客户名称"})");
  ASSERT_EQ(bad.status, 200) << bad.body;
  EXPECT_EQ(bad.json()->getValue<std::string>("outcome"), "fail");
  EXPECT_EQ(Call("POST", "/api/v1/quality/samples/" + id + "/checks", archivist,
                 R"({"document_id":")" + first + R"(","metadata_complete":"yes","scan_legible":true,"classification_right":true})")
                .error_code(),
            "request.bad_type");
  EXPECT_EQ(Call("POST", "/api/v1/quality/samples/" + id + "/checks", archivist,
                 R"({"document_id":")" + first + R"(","metadata_complete":true})")
                .error_code(),
            "quality.incomplete_check");

  Reply list = Call("GET", "/api/v1/quality/samples", auditor);
  ASSERT_EQ(list.status, 200);
  auto s = list.json()->getArray("items")->getObject(0);
  EXPECT_EQ(s->getValue<int64_t>("checked"), 2);
  EXPECT_EQ(s->getValue<int64_t>("passed"), 1);
  EXPECT_EQ(s->getValue<int64_t>("failed"), 1);
  EXPECT_EQ(Call("GET", "/api/v1/quality/samples", Login("staff_s")).status, 403);

  AuditFilter f;
  f.action = "quality.check";
  auto events = lv_->audit().List(f);
  ASSERT_TRUE(events.ok());
  int ok_checks = 0;
  for (const auto& e : *events) ok_checks += e.record.outcome == "ok" && e.record.actor == "archivist";
  EXPECT_EQ(ok_checks, 2);
}

class VaultdQualityAutoTest : public VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    opts.quality_sample_auto = true;
    opts.borrow_schedule_seconds = 1;  // its first pass 1 s after start
  }
};

TEST_F(VaultdQualityAutoTest, VaultdDrawsTheQuartersSampleByItselfOnce) {
  const std::string auditor = Login("auditor1");
  const std::string quarter = QualitySampling::QuarterOf(std::chrono::system_clock::now());
  Poco::JSON::Array::Ptr items;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    Reply r = Call("GET", "/api/v1/quality/samples", auditor);
    ASSERT_EQ(r.status, 200) << r.body;
    items = r.json()->getArray("items");
    if (items->size() > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(items->size(), 1u) << "no sample drawn by the scheduler";
  auto s = items->getObject(0);
  EXPECT_EQ(s->getValue<std::string>("period"), quarter);
  EXPECT_EQ(s->getValue<std::string>("created_by"), "vaultd");
  EXPECT_EQ(s->getValue<int64_t>("population"), 3);
  EXPECT_EQ(s->getValue<int64_t>("size"), 1);
  // Later passes find it and draw no second one.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(Call("GET", "/api/v1/quality/samples", auditor).json()->getArray("items")->size(), 1u);
  EXPECT_EQ(Call("POST", "/api/v1/quality/samples", Login("archivist"), "{}").error_code(), "quality.sample_exists");
}

}  // namespace
}  // namespace vault
