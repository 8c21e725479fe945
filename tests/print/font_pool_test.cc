// The one font pool of vault/print/: renderings share it from many threads,
// it outlives static teardown (a rendering in an atexit handler still
// works), and the font comes from configuration: a configured font that is
// missing is a stamp.font_missing status, never a crash.
#include "vault/print/font_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/pdf_fixtures.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "vault/borrow/borrow_register.h"
#include "vault/destruction/certificate_pdf.h"
#include "vault/destruction/destruction_register.h"
#include "vault/export/default_watermark.h"
#include "vault/export/internal/stamp_renderer.h"
#include "vault/export/watermark_policy.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using testing::StatusIs;

// The configured font: the built-in watermark policy's, as vaultd and
// vaultctl read it.
std::string ConfiguredFont() { return (*WatermarkPolicy::FromJson(kDefaultWatermarkJson))->font_file(); }

// The built-in policy with its font_file pointing at `font`.
std::unique_ptr<WatermarkPolicy> PolicyWithFont(const std::string& font) {
  std::string json = kDefaultWatermarkJson;
  const std::string configured = ConfiguredFont();
  json.replace(json.find(configured), configured.size(), font);
  return std::move(WatermarkPolicy::FromJson(json)).value();
}

StatusOr<std::string> Stamp(const std::string& font) {
  StampText text;
  text.lines = {"仅供内部使用", "张三 2026-11-30"};
  text.footer = "导出编号 EX-1";
  return RenderStampPdf(text, StampLayout{}, font, {{595, 842}}, {0});
}

StatusOr<std::string> Register(const std::string& font, int n) {
  DestructionRegisterRow r;
  r.seq = std::to_string(n);
  r.archive_number = "C001_HT_000" + std::to_string(n);
  r.title = "华南销售部合同";
  return DestructionRegisterPdf({r}, "销毁清册", "2026-12-01T11:00:00Z", font);
}

TEST(FontPoolTest, DocumentsRenderConcurrentlyFromOnePool) {
  const std::string font = ConfiguredFont();
  constexpr int kThreads = 4, kRounds = 3;
  std::vector<std::string> stamps(kThreads), registers(kThreads);
  std::vector<Status> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        auto stamp = Stamp(font);
        auto reg = Register(font, t);
        if (!stamp.ok() || !reg.ok()) {
          failures[t] = stamp.ok() ? reg.status() : stamp.status();
          return;
        }
        stamps[t] = std::move(*stamp);
        registers[t] = std::move(*reg);
      }
    });
  }
  for (auto& t : threads) t.join();
  testing::TempDir dir;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_THAT(failures[t], IsOk());
    const std::string text = testing::RunTool("pdftotext -raw {} -", registers[t], dir.path());
    EXPECT_THAT(text, HasSubstr("C001_HT_000" + std::to_string(t)));
    EXPECT_THAT(text, HasSubstr("华南销售部合同"));
    EXPECT_EQ(stamps[t].rfind("%PDF-", 0), 0u);
  }
}

// A pool destroyed during static teardown would be used after its
// destructor here: the handler is registered before the pool is first
// built, so it runs after the pool's destruction would have.
// (The font path is read before exit: the policy parser has statics of
// its own.)
const std::string* at_exit_font = nullptr;

void RenderAtExit() {
  auto stamp = Stamp(*at_exit_font);
  auto reg = Register(*at_exit_font, 1);
  std::fprintf(stderr, "rendered at exit: %s\n", stamp.ok() && reg.ok() ? "ok" : "failed");
}

TEST(FontPoolDeathTest, RenderingDuringStaticTeardownWorks) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        at_exit_font = new std::string(ConfiguredFont());
        std::atexit(RenderAtExit);
        if (!Stamp(*at_exit_font).ok()) std::_Exit(3);
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "rendered at exit: ok");
}

TEST(FontPoolTest, MissingConfiguredFontIsAClearError) {
  testing::TempDir dir;
  const std::string missing = dir.Join("fonts/no-such-font.ttc");
  const auto policy = PolicyWithFont(missing);
  ASSERT_EQ(policy->font_file(), missing);
  EXPECT_THAT(FontDocLease::Acquire(policy->font_file(), "print.failed"),
              StatusIs(StatusCode::kFailedPrecondition, "stamp.font_missing", HasSubstr(missing)));
  EXPECT_THAT(Stamp(policy->font_file()), StatusIs(StatusCode::kFailedPrecondition, "stamp.font_missing"));
  EXPECT_THAT(Register(policy->font_file(), 1), StatusIs(StatusCode::kFailedPrecondition, "stamp.font_missing"));
  EXPECT_THAT(RegisterPdf({}, "借阅登记簿", "2026-12-01T11:00:00Z", policy->font_file()),
              StatusIs(StatusCode::kFailedPrecondition, "stamp.font_missing"));
  EXPECT_THAT(CertificatePdf(CertificateView{}, policy->font_file()),
              StatusIs(StatusCode::kFailedPrecondition, "stamp.font_missing"));
}

TEST(FontPoolTest, ALeasedDocumentIsReusedAfterItIsReturned) {
  const std::string font = ConfiguredFont();
  HPDF_Doc first = nullptr;
  {
    auto lease = FontDocLease::Acquire(font, "print.failed");
    ASSERT_THAT(lease, IsOk());
    first = lease->doc().get();
    EXPECT_NE(lease->font(), nullptr);
  }
  auto again = FontDocLease::Acquire(font, "print.failed");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->doc().get(), first);  // from the pool, the font already loaded
}

}  // namespace
}  // namespace vault
