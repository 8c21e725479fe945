// Quarterly quality sampling on a real vault: the draw takes the policy's
// share of the live records (rounded up) with the injected randomness, one
// sample per period, and the per-record outcomes add up in the report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/operations/quality_sampling.h"

namespace vault {
namespace {

using testing::IsOk;
using testing::StatusIs;

class QualitySamplingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::InitTestVault(dir_);
    config_.clock = &clock_;
    lv_ = std::move(LocalVault::Open(config_)).value();
  }

  void AddRecords(int n) {
    for (int i = 0; i < n; ++i) {
      IngestRequest r;
      r.meta.customer_number = "C001";
      r.meta.doc_type = "contract";
      r.meta.title = "contract " + std::to_string(ids_.size());
      r.meta.department = "华南销售部";
      r.meta.classification = "internal";
      StringSource src("content " + std::to_string(ids_.size()));
      ids_.push_back(std::move(lv_->vault().Ingest(r, src)).value().id);
    }
  }

  std::unique_ptr<QualitySampling> Sampling(QualitySampling::Random random, int64_t percent = 10) {
    QualitySampling::Deps d;
    d.db = lv_->shared_database();
    d.metadata = &lv_->metadata();
    d.clock = &clock_;
    d.percent = percent;
    d.random = std::move(random);
    return std::move(QualitySampling::Open(d)).value();
  }

  // A seeded generator: the same seed gives the same draws.
  static QualitySampling::Random Seeded(uint64_t seed) {
    auto gen = std::make_shared<std::mt19937_64>(seed);
    return [gen](uint64_t bound) { return std::uniform_int_distribution<uint64_t>(0, bound - 1)(*gen); };
  }

  std::set<std::string> Drawn(QualitySampling& s, int64_t id) {
    std::set<std::string> out;
    auto items = s.Items(id);
    EXPECT_TRUE(items.ok());
    if (!items.ok()) return out;
    for (const auto& i : *items) out.insert(i.document_id);
    return out;
  }

  testing::TempDir dir_;
  FakeClock clock_{[] {
    TimePoint t;
    ParseUtc("2026-11-15T08:00:00Z", &t);
    return t;
  }()};
  LocalVaultConfig config_;
  std::unique_ptr<LocalVault> lv_;
  std::vector<std::string> ids_;
};

TEST_F(QualitySamplingTest, DrawsTenPercentRoundedUpOfTheLiveRecords) {
  AddRecords(45);
  auto sampling = Sampling(Seeded(7));
  auto s = sampling->Draw("archivist", "");
  ASSERT_THAT(s.status(), IsOk());
  EXPECT_EQ(s->period, "2026-Q4");  // the injected clock's quarter
  EXPECT_EQ(s->percent, 10);
  EXPECT_EQ(s->population, 45);
  EXPECT_EQ(s->size, 5);  // 4.5 rounded up
  const std::set<std::string> drawn = Drawn(*sampling, s->id);
  EXPECT_EQ(drawn.size(), 5u);
  for (const auto& id : drawn) EXPECT_NE(std::find(ids_.begin(), ids_.end(), id), ids_.end());
  auto items = sampling->Items(s->id);
  for (const auto& i : *items) {
    EXPECT_EQ(i.outcome, "pending");
    EXPECT_EQ(i.archive_number, lv_->vault().Get(i.document_id)->archive_number);
  }
}

TEST_F(QualitySamplingTest, TheSameRandomnessDrawsTheSameRecords) {
  AddRecords(60);
  auto first = Sampling(Seeded(42));
  auto second = Sampling(Seeded(42));
  auto other = Sampling(Seeded(43));
  auto a = first->Draw("archivist", "2026-Q1");
  auto b = second->Draw("archivist", "2026-Q2");
  auto c = other->Draw("archivist", "2026-Q3");
  ASSERT_THAT(a.status(), IsOk());
  ASSERT_THAT(b.status(), IsOk());
  ASSERT_THAT(c.status(), IsOk());
  EXPECT_EQ(a->size, 6);
  EXPECT_EQ(Drawn(*first, a->id), Drawn(*first, b->id));
  EXPECT_NE(Drawn(*first, a->id), Drawn(*first, c->id));
  // A randomness that always answers 0 takes the lowest ids in order.
  auto zero = Sampling([](uint64_t) { return 0; });
  auto z = zero->Draw("archivist", "2025-Q4");
  ASSERT_THAT(z.status(), IsOk());
  std::vector<std::string> sorted = ids_;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(Drawn(*zero, z->id), std::set<std::string>(sorted.begin(), sorted.begin() + 6));
}

TEST_F(QualitySamplingTest, EveryRecordCanBeDrawnAndNoneTwice) {
  AddRecords(20);
  std::set<std::string> seen;
  for (int q = 0; q < 40; ++q) {
    auto sampling = Sampling(Seeded(100 + q), 25);
    auto s = sampling->Draw("archivist", std::to_string(2000 + q) + "-Q1");
    ASSERT_THAT(s.status(), IsOk());
    auto items = sampling->Items(s->id);
    EXPECT_EQ(items->size(), 5u);
    std::set<std::string> distinct;
    for (const auto& i : *items) distinct.insert(i.document_id), seen.insert(i.document_id);
    EXPECT_EQ(distinct.size(), 5u);
  }
  EXPECT_EQ(seen.size(), 20u);
}

TEST_F(QualitySamplingTest, OneSamplePerPeriodAndPeriodsAreChecked) {
  AddRecords(3);
  auto sampling = Sampling(Seeded(1));
  ASSERT_THAT(sampling->Draw("archivist", "2026-Q4").status(), IsOk());
  EXPECT_THAT(sampling->Draw("archivist", "2026-Q4").status(),
              StatusIs(StatusCode::kFailedPrecondition, "quality.sample_exists"));
  EXPECT_THAT(sampling->Draw("archivist", "2026-Q5").status(),
              StatusIs(StatusCode::kInvalidArgument, "quality.bad_period"));
  EXPECT_THAT(sampling->Draw("archivist", "26-Q1").status(),
              StatusIs(StatusCode::kInvalidArgument, "quality.bad_period"));
  QualitySampling::Deps bad;
  bad.db = lv_->shared_database();
  bad.metadata = &lv_->metadata();
  bad.clock = &clock_;
  bad.percent = 0;
  EXPECT_THAT(QualitySampling::Open(bad).status(), StatusIs(StatusCode::kInvalidArgument, "quality.options"));
}

TEST_F(QualitySamplingTest, RecordsEachOutcomeAndTalliesTheSample) {
  AddRecords(30);
  auto sampling = Sampling(Seeded(5));
  auto s = sampling->Draw("archivist", "");
  ASSERT_THAT(s.status(), IsOk());
  auto items = *sampling->Items(s->id);
  ASSERT_EQ(items.size(), 3u);
  QualityCheck good{true, true, true, ""};
  QualityCheck illegible{true, false, true, "第3页模糊"};
  auto passed = sampling->Record("archivist", s->id, items[0].document_id, good);
  ASSERT_THAT(passed.status(), IsOk());
  EXPECT_EQ(passed->outcome, "pass");
  EXPECT_EQ(passed->checked_by, "archivist");
  EXPECT_EQ(passed->checked_at, "2026-11-15T08:00:00Z");
  auto failed = sampling->Record("archivist", s->id, items[1].document_id, illegible);
  ASSERT_THAT(failed.status(), IsOk());
  EXPECT_EQ(failed->outcome, "fail");
  EXPECT_FALSE(failed->check.scan_legible);
  EXPECT_EQ(failed->check.remarks, "第3页模糊");
  auto report = sampling->Get(s->id);
  EXPECT_EQ(report->checked, 2);
  EXPECT_EQ(report->passed, 1);
  EXPECT_EQ(report->failed, 1);
  // A record outside the sample, an unknown sample, overlong remarks.
  std::string outside;
  for (const auto& id : ids_) {
    if (std::none_of(items.begin(), items.end(), [&](const QualityItem& i) { return i.document_id == id; })) outside = id;
  }
  EXPECT_THAT(sampling->Record("archivist", s->id, outside, good).status(),
              StatusIs(StatusCode::kNotFound, "quality.not_in_sample"));
  EXPECT_THAT(sampling->Record("archivist", 999, items[2].document_id, good).status(),
              StatusIs(StatusCode::kNotFound, "quality.not_found"));
  QualityCheck verbose{true, true, true, std::string(2001, 'x')};
  EXPECT_THAT(sampling->Record("archivist", s->id, items[2].document_id, verbose).status(),
              StatusIs(StatusCode::kInvalidArgument, "quality.bad_remarks"));
  EXPECT_EQ(sampling->Get(s->id)->checked, 2);  // nothing changed by the refusals
}

}  // namespace
}  // namespace vault
