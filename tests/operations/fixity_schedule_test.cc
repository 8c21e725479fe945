// The scheduled fixity's pace and report, on a real vault with a FakeClock
// whose sleep advances it: a pass never reads faster than its byte and blob
// rates, finds a changed blob, and a shutdown ends it between blobs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/operations/fixity_schedule.h"
#include "vault/operations/rate_pacer.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;
using testing::StatusIs;

struct PacedClock {
  FakeClock clock{std::chrono::system_clock::now()};
  int sleeps = 0;
  RatePacer::Sleep Sleep() {
    return [this](std::chrono::nanoseconds d) {
      ++sleeps;
      clock.Advance(std::chrono::duration_cast<std::chrono::system_clock::duration>(d));
      return Status::Ok();
    };
  }
};

double SecondsSince(const FakeClock& clock, TimePoint start) {
  return std::chrono::duration<double>(clock.Now() - start).count();
}

TEST(RatePacerTest, NeverReadsFasterThanTheByteRate) {
  PacedClock pc;
  const TimePoint start = pc.clock.Now();
  RatePacer pacer({1 << 20, 0}, &pc.clock, pc.Sleep());
  for (int i = 0; i < 40; ++i) {
    ASSERT_THAT(pacer.Before(256 << 10), IsOk());
    // Reading this item may start only once its bytes fit the budget.
    EXPECT_GE(SecondsSince(pc.clock, start) + 1e-6, (i + 1) * 0.25) << i;
  }
  // 40 x 256 KiB at 1 MiB/s: 10 s, not more.
  EXPECT_NEAR(SecondsSince(pc.clock, start), 10.0, 1e-3);
  EXPECT_EQ(pacer.bytes(), 40ll * (256 << 10));
}

TEST(RatePacerTest, NeverOpensMoreBlobsPerSecondThanAllowed) {
  PacedClock pc;
  const TimePoint start = pc.clock.Now();
  RatePacer pacer({0, 50}, &pc.clock, pc.Sleep());
  for (int i = 0; i < 101; ++i) ASSERT_THAT(pacer.Before(1), IsOk());
  EXPECT_NEAR(SecondsSince(pc.clock, start), 2.0, 1e-3);  // the first at once, 100 more at 50/s
}

TEST(RatePacerTest, TimeAlreadySpentReadingCountsAgainstTheWait) {
  PacedClock pc;
  const TimePoint start = pc.clock.Now();
  RatePacer pacer({1000, 0}, &pc.clock, pc.Sleep());
  ASSERT_THAT(pacer.Before(1000), IsOk());  // waits 1 s
  pc.clock.Advance(std::chrono::seconds(5));  // a slow read of that item
  const int before = pc.sleeps;
  ASSERT_THAT(pacer.Before(1000), IsOk());  // budget for 2 s used up by 6 s: no wait
  EXPECT_EQ(pc.sleeps, before);
  EXPECT_NEAR(SecondsSince(pc.clock, start), 6.0, 1e-3);
}

TEST(RatePacerTest, UnlimitedNeverSleepsAndASleepErrorEndsThePass) {
  PacedClock pc;
  RatePacer unlimited({0, 0}, &pc.clock, pc.Sleep());
  for (int i = 0; i < 10; ++i) ASSERT_THAT(unlimited.Before(1 << 30), IsOk());
  EXPECT_EQ(pc.sleeps, 0);
  RatePacer stopped({1, 0}, &pc.clock, [](std::chrono::nanoseconds) {
    return UnavailableError("fixity.cancelled", "stopped");
  });
  EXPECT_THAT(stopped.Before(10), StatusIs(StatusCode::kUnavailable, "fixity.cancelled"));
}

class FixityScheduleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::InitTestVault(dir_);
    config_.clock = &pc_.clock;
    lv_ = std::move(LocalVault::Open(config_)).value();
    for (int i = 0; i < 12; ++i) {
      IngestRequest r;
      r.meta.customer_number = "C001";
      r.meta.doc_type = "contract";
      r.meta.title = "contract " + std::to_string(i);
      r.meta.department = "华南销售部";
      r.meta.classification = "internal";
      StringSource src(std::string(100000 + i, static_cast<char>('a' + i)));
      docs_.push_back(std::move(lv_->vault().Ingest(r, src)).value());
    }
  }

  std::unique_ptr<FixitySchedule> Schedule(PaceLimits pace, RatePacer::Sleep sleep) {
    FixitySchedule::Deps d;
    d.vault = &lv_->vault();
    d.keys = &lv_->keys();
    d.db = lv_->shared_database();
    d.audit = &lv_->audit();
    d.clock = &pc_.clock;
    d.pace = pace;
    d.sleep = std::move(sleep);
    return std::move(FixitySchedule::Open(d)).value();
  }

  int64_t BlobBytes() {
    int64_t total = 0;
    auto versions = lv_->metadata().AllVersions();
    EXPECT_TRUE(versions.ok());
    if (!versions.ok()) return 0;
    for (const auto& v : *versions) total += static_cast<int64_t>(v.blob_size);
    return total;
  }

  testing::TempDir dir_;
  PacedClock pc_;
  LocalVaultConfig config_;
  std::unique_ptr<LocalVault> lv_;
  std::vector<DocumentRecord> docs_;
};

TEST_F(FixityScheduleTest, APassHonoursTheByteRateOverTheWholeVault) {
  const int64_t rate = 200000;  // bytes per second
  auto schedule = Schedule({rate, 0}, pc_.Sleep());
  const TimePoint start = pc_.clock.Now();
  auto run = schedule->RunOnce();
  ASSERT_THAT(run.status(), IsOk());
  EXPECT_EQ(run->checked, 12);
  EXPECT_TRUE(run->intact());
  EXPECT_EQ(run->bytes, BlobBytes());
  // Every byte read within budget: the pass took at least bytes / rate.
  const double want = static_cast<double>(BlobBytes()) / rate;
  EXPECT_GE(SecondsSince(pc_.clock, start) + 1e-6, want);
  EXPECT_LT(SecondsSince(pc_.clock, start), want + 0.01);
  EXPECT_GE(pc_.sleeps, 11);
  // The report says how it was paced.
  EXPECT_THAT(run->report, HasSubstr("\"bytes_per_second\":200000"));
}

TEST_F(FixityScheduleTest, FindsAChangedBlobAndSignsTheReport) {
  auto versions = lv_->vault().Versions(docs_[3].id);
  ASSERT_TRUE(versions.ok());
  const std::string blob = lv_->blobs().PathOf(versions->at(0).blob_name);
  {
    std::fstream f(blob, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good()) << blob;
    f.seekg(5000);
    char c = 0;
    f.read(&c, 1);
    f.seekp(5000);
    c = static_cast<char>(c ^ 0x20);
    f.write(&c, 1);
  }
  auto schedule = Schedule({0, 0}, pc_.Sleep());
  auto run = schedule->RunOnce();
  ASSERT_THAT(run.status(), IsOk());
  EXPECT_FALSE(run->intact());
  EXPECT_EQ(run->changed, 1);
  EXPECT_EQ(run->ok, 11);
  EXPECT_THAT(run->report, HasSubstr(docs_[3].archive_number));
  EXPECT_THAT(run->report, HasSubstr("\"intact\":false"));
  EXPECT_EQ(run->signature_hex.size(), 128u);
  auto stored = schedule->Get(run->id);
  ASSERT_THAT(stored.status(), IsOk());
  EXPECT_EQ(stored->report, run->report);
  EXPECT_EQ(stored->signature_hex, run->signature_hex);
  AuditFilter f;
  f.action = "fixity.scheduled";
  auto events = lv_->audit().List(f);
  ASSERT_THAT(events.status(), IsOk());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->at(0).record.outcome, "error");
}

TEST_F(FixityScheduleTest, IsDueAfterTheIntervalOnly) {
  auto schedule = Schedule({0, 0}, pc_.Sleep());
  EXPECT_TRUE(*schedule->Due(std::chrono::hours(24)));  // never ran
  ASSERT_THAT(schedule->RunOnce().status(), IsOk());
  EXPECT_FALSE(*schedule->Due(std::chrono::hours(24)));
  pc_.clock.Advance(std::chrono::hours(23));
  EXPECT_FALSE(*schedule->Due(std::chrono::hours(24)));
  pc_.clock.Advance(std::chrono::hours(1));
  EXPECT_TRUE(*schedule->Due(std::chrono::hours(24)));
}

TEST_F(FixityScheduleTest, CancelEndsAPassWithoutAReport) {
  std::unique_ptr<FixitySchedule> schedule;
  int waits = 0;
  schedule = Schedule({1000, 0}, [&](std::chrono::nanoseconds) {
    if (++waits == 3) schedule->Cancel();  // shutdown arrives mid-pass
    return Status::Ok();
  });
  EXPECT_THAT(schedule->RunOnce().status(), StatusIs(StatusCode::kUnavailable, "fixity.cancelled"));
  EXPECT_LE(waits, 4);
  EXPECT_TRUE(schedule->List(10)->empty());
}

}  // namespace
}  // namespace vault
