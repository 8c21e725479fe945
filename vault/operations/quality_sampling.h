// QualitySampling: the quarterly quality check (质量抽检) of the archive.
// Draw() picks `percent` of the live records (destroyed ones excluded) at
// random, rounded up, for an archive admin to check by hand: metadata
// complete, scan legible, classification right. Record() stores the outcome
// per record (pass only when all three hold) with who checked and when;
// Get() and Items() report the sample and its tally.
//
// One sample per period ("2026-Q4", quality.sample_exists for a second
// one), so a quarter's sample cannot be redrawn until it looks better. The
// randomness is injected (tests make the draw deterministic); production
// uses libsodium's randombytes_uniform.
//
// Samples live in tables quality_samples and quality_sample_items
// (migration 15). The caller authorizes and audits.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/db/client.h"
#include "vault/metadata/metadata_store.h"

namespace vault {

struct QualitySample {
  int64_t id = 0;
  std::string period;  // e.g. "2026-Q4"
  int64_t percent = 0;
  int64_t population = 0;  // live records when drawn
  int64_t size = 0;        // records drawn
  int64_t checked = 0, passed = 0, failed = 0;
  std::string created_by;
  std::string created_at;
};

struct QualityCheck {
  bool metadata_complete = false;
  bool scan_legible = false;
  bool classification_right = false;
  std::string remarks;
};

struct QualityItem {
  int64_t sample_id = 0;
  std::string document_id;
  std::string archive_number;
  std::string outcome;  // pending | pass | fail
  QualityCheck check;
  std::string checked_by;
  std::string checked_at;
};

class QualitySampling {
 public:
  // A uniform integer in [0, bound), bound > 0.
  using Random = std::function<uint64_t(uint64_t bound)>;
  static constexpr int64_t kDefaultPercent = 10;

  struct Deps {
    std::shared_ptr<db::Database> db;
    MetadataStore* metadata = nullptr;
    const Clock* clock = nullptr;
    int64_t percent = kDefaultPercent;  // 1..100
    Random random;                      // empty: libsodium
  };
  static StatusOr<std::unique_ptr<QualitySampling>> Open(Deps deps);

  // The period a time falls in: "YYYY-Qn" (UTC).
  static std::string QuarterOf(TimePoint t);

  // `period` empty: the current quarter. quality.bad_period (not YYYY-Qn),
  // quality.sample_exists.
  StatusOr<QualitySample> Draw(const std::string& actor, const std::string& period);
  // Newest first, with their tallies.
  StatusOr<std::vector<QualitySample>> List();
  // quality.not_found.
  StatusOr<QualitySample> Get(int64_t id);
  StatusOr<std::vector<QualityItem>> Items(int64_t id);
  // quality.not_found, quality.not_in_sample, quality.bad_remarks (over 2000 bytes).
  // A record may be checked again (the newest check counts).
  StatusOr<QualityItem> Record(const std::string& actor, int64_t sample_id, const std::string& document_id,
                               const QualityCheck& check);

 private:
  explicit QualitySampling(Deps deps);
  Deps deps_;
  db::Client db_;
};

}  // namespace vault
