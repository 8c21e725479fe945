// vaultd's fixity schedule on the real server: with a one-second interval
// it finds a blob changed on disk by itself, and the signed report it
// serves verifies with the real openssl against GET /api/v1/keys/signing.pem
// (and fails once a byte of it changes).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "tests/api/vaultd_fixture.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::Reply;
using testing::VaultdTest;

class VaultdFixityTest : public VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    opts.fixity_interval_seconds = 1;
    opts.periodic_hook = [this](const char* pass, bool started) {
      if (std::string(pass) == "fixity.schedule" && !started) ++passes_;
    };
  }

  void FlipByteOf(const DocumentRecord& doc) {
    auto versions = lv_->vault().Versions(doc.id);
    ASSERT_TRUE(versions.ok());
    std::fstream f(lv_->blobs().PathOf(versions->at(0).blob_name), std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good());
    f.seekg(-20, std::ios::end);
    char c = 0;
    f.read(&c, 1);
    f.seekp(-20, std::ios::end);
    c = static_cast<char>(c ^ 1);
    f.write(&c, 1);
  }

  std::atomic<int> passes_{0};
};

TEST_F(VaultdFixityTest, ScheduleFindsACorruptedBlobAndTheReportVerifiesWithOpenssl) {
  FlipByteOf(east_);
  const std::string auditor = Login("auditor1");
  std::string report_id;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (report_id.empty() && std::chrono::steady_clock::now() < deadline) {
    Reply r = Call("GET", "/api/v1/fixity/reports", auditor);
    ASSERT_EQ(r.status, 200) << r.body;
    auto items = r.json()->getArray("items");
    for (size_t i = 0; i < items->size(); ++i) {
      auto o = items->getObject(i);
      if (o->getValue<int64_t>("changed") == 1) {
        EXPECT_FALSE(o->getValue<bool>("intact"));
        EXPECT_EQ(o->getValue<int64_t>("ok"), 2);
        report_id = o->getValue<std::string>("id");
      }
    }
    if (report_id.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_FALSE(report_id.empty()) << "no scheduled fixity report found the changed blob";
  EXPECT_GE(passes_.load(), 1);

  const std::string d = dir_.path();
  auto fetch = [&](const std::string& path, const std::string& file, const std::string& token) {
    Reply r = Call("GET", path, token);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    std::ofstream out(d + "/" + file, std::ios::binary);
    out << r.body;
    return r.body;
  };
  const std::string json = fetch("/api/v1/fixity/reports/" + report_id + ".json", "fix.json", auditor);
  const std::string sig = fetch("/api/v1/fixity/reports/" + report_id + ".sig", "fix.json.sig", auditor);
  fetch("/api/v1/keys/signing.pem", "signing.pem", "");
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_THAT(json, HasSubstr("\"type\":\"sales-vault fixity report v1\""));
  EXPECT_THAT(json, HasSubstr(east_.archive_number));
  EXPECT_THAT(json, HasSubstr("\"state\":\"changed\""));
  const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + d + "/signing.pem -rawin -in " + d +
                             "/fix.json -sigfile " + d + "/fix.json.sig >/dev/null 2>&1";
  EXPECT_EQ(std::system(verify.c_str()), 0);
  std::string changed = json;
  changed[changed.size() / 2] ^= 1;
  {
    std::ofstream out(d + "/fix.json", std::ios::binary);
    out << changed;
  }
  EXPECT_NE(std::system(verify.c_str()), 0);

  // Staff and legal may not read fixity reports; archive admins may.
  EXPECT_EQ(Call("GET", "/api/v1/fixity/reports", Login("staff_s")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/fixity/reports/" + report_id + ".json", Login("legal1")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/fixity/reports/" + report_id + ".sig", Login("archivist")).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/fixity/reports/FIX-1.pdf", auditor).error_code(), "fixity.not_found");
}

}  // namespace
}  // namespace vault
