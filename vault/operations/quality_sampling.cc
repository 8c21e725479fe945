#include "vault/operations/quality_sampling.h"

#include <sodium.h>

#include <ctime>
#include <set>

#include "vault/db/rows.h"

using namespace vault::db::sql;

namespace vault {
namespace {

constexpr size_t kMaxRemarks = 2000;

// With the tally of its items.
constexpr char kSampleQuery[] =
    "SELECT s.id AS id, s.period AS period, s.percent AS percent, s.population AS population, "
    "s.created_by AS created_by, s.created_at AS created_at, "
    "(SELECT COUNT(*) FROM quality_sample_items i WHERE i.sample_id = s.id) AS size, "
    "(SELECT COUNT(*) FROM quality_sample_items i WHERE i.sample_id = s.id AND i.outcome <> 'pending') AS checked, "
    "(SELECT COUNT(*) FROM quality_sample_items i WHERE i.sample_id = s.id AND i.outcome = 'pass') AS passed, "
    "(SELECT COUNT(*) FROM quality_sample_items i WHERE i.sample_id = s.id AND i.outcome = 'fail') AS failed "
    "FROM quality_samples s";
constexpr char kItemColumns[] =
    "sample_id, document_id, archive_number, outcome, metadata_complete, scan_legible, classification_right, "
    "remarks, checked_by, checked_at";

QualitySample SampleFrom(RecordSet& rs) {
  QualitySample s;
  db::Row(rs)("id", &s.id)("period", &s.period)("percent", &s.percent)("population", &s.population)(
      "created_by", &s.created_by)("created_at", &s.created_at)("size", &s.size)("checked", &s.checked)(
      "passed", &s.passed)("failed", &s.failed);
  return s;
}

QualityItem ItemFrom(RecordSet& rs) {
  QualityItem i;
  db::Row(rs)("sample_id", &i.sample_id)("document_id", &i.document_id)("archive_number", &i.archive_number)(
      "outcome", &i.outcome)("metadata_complete", &i.check.metadata_complete)("scan_legible", &i.check.scan_legible)(
      "classification_right", &i.check.classification_right)("remarks", &i.check.remarks)(
      "checked_by", &i.checked_by)("checked_at", &i.checked_at);
  return i;
}

bool ValidPeriod(const std::string& p) {
  if (p.size() != 7 || p[4] != '-' || p[5] != 'Q' || p[6] < '1' || p[6] > '4') return false;
  for (int i = 0; i < 4; ++i) {
    if (p[i] < '0' || p[i] > '9') return false;
  }
  return true;
}

uint64_t SodiumUniform(uint64_t bound) {
  if (bound <= UINT32_MAX) return randombytes_uniform(static_cast<uint32_t>(bound));
  uint64_t r = 0;
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;  // no modulo bias
  do {
    randombytes_buf(&r, sizeof r);
  } while (r >= limit);
  return r % bound;
}

}  // namespace

QualitySampling::QualitySampling(Deps deps)
    : deps_(std::move(deps)), db_(deps_.db, "quality.db_error", "quality sampling") {
  if (!deps_.random) deps_.random = SodiumUniform;
}

StatusOr<std::unique_ptr<QualitySampling>> QualitySampling::Open(Deps deps) {
  if (!deps.db || !deps.metadata || !deps.clock) {
    return InvalidArgumentError("quality.options", "quality sampling needs the database, metadata and clock");
  }
  if (deps.percent < 1 || deps.percent > 100) {
    return InvalidArgumentError("quality.options", "the sampling percentage must be between 1 and 100");
  }
  return std::unique_ptr<QualitySampling>(new QualitySampling(std::move(deps)));
}

std::string QualitySampling::QuarterOf(TimePoint t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return std::to_string(tm.tm_year + 1900) + "-Q" + std::to_string(tm.tm_mon / 3 + 1);
}

StatusOr<QualitySample> QualitySampling::Draw(const std::string& actor, const std::string& period_in) {
  const std::string period = period_in.empty() ? QuarterOf(deps_.clock->Now()) : period_in;
  if (!ValidPeriod(period)) return InvalidArgumentError("quality.bad_period", "period: YYYY-Qn, e.g. 2026-Q4");
  // The live records, in a fixed order so an injected randomness gives a
  // fixed draw.
  VAULT_ASSIGN_OR_RETURN(std::vector<VersionRecord> versions, deps_.metadata->AllVersions());
  VAULT_ASSIGN_OR_RETURN(std::set<std::string> destroyed, deps_.metadata->DestroyedDocumentIds());
  std::set<std::string> live;
  for (const VersionRecord& v : versions) {
    if (!destroyed.count(v.document_id)) live.insert(v.document_id);
  }
  std::vector<std::string> pool(live.begin(), live.end());
  const int64_t population = static_cast<int64_t>(pool.size());
  const int64_t size = (population * deps_.percent + 99) / 100;
  // Partial Fisher-Yates: the first `size` entries become the sample.
  for (int64_t i = 0; i < size; ++i) {
    const uint64_t j = static_cast<uint64_t>(i) + deps_.random(static_cast<uint64_t>(population - i));
    std::swap(pool[static_cast<size_t>(i)], pool[static_cast<size_t>(j)]);
  }
  std::vector<std::pair<std::string, std::string>> drawn;  // id, archive number
  for (int64_t i = 0; i < size; ++i) {
    VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, deps_.metadata->GetDocument(pool[static_cast<size_t>(i)]));
    drawn.emplace_back(doc.id, doc.archive_number);
  }
  int64_t id = 0;
  VAULT_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    Poco::Int64 exists = 0;
    c << "SELECT COUNT(*) FROM quality_samples WHERE period = ?", bind(period), into(exists), now;
    if (exists > 0) {
      return FailedPreconditionError("quality.sample_exists", "the sample of " + period + " is drawn already");
    }
    c << "INSERT INTO quality_samples (period, percent, population, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
        bind(period), bind(Poco::Int64{deps_.percent}), bind(Poco::Int64{population}), bind(actor),
        bind(FormatUtc(deps_.clock->Now())), now;
    Poco::Int64 new_id = 0;
    c << "SELECT last_insert_rowid()", into(new_id), now;
    id = new_id;
    for (const auto& [doc_id, number] : drawn) {
      c << "INSERT INTO quality_sample_items (sample_id, document_id, archive_number) VALUES (?, ?, ?)",
          bind(Poco::Int64{id}), bind(doc_id), bind(number), now;
    }
    return Status::Ok();
  }));
  return Get(id);
}

StatusOr<std::vector<QualitySample>> QualitySampling::List() {
  return db_.ReadAll(std::string(kSampleQuery) + " ORDER BY s.id DESC LIMIT 1000", SampleFrom);
}

StatusOr<QualitySample> QualitySampling::Get(int64_t id) {
  return db_.Read([&](db::Connection& c) -> StatusOr<QualitySample> {
    Statement st(c);
    st << kSampleQuery << " WHERE s.id = ?", bind(Poco::Int64{id});
    auto row = db::FirstRow(st, SampleFrom);
    if (!row) return NotFoundError("quality.not_found", "no such quality sample");
    return *row;
  });
}

StatusOr<std::vector<QualityItem>> QualitySampling::Items(int64_t id) {
  VAULT_RETURN_IF_ERROR(Get(id).status());
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<QualityItem>> {
    Statement st(c);
    st << "SELECT " << kItemColumns << " FROM quality_sample_items WHERE sample_id = ? ORDER BY archive_number",
        bind(Poco::Int64{id});
    return db::AllRows(st, ItemFrom);
  });
}

StatusOr<QualityItem> QualitySampling::Record(const std::string& actor, int64_t sample_id,
                                              const std::string& document_id, const QualityCheck& check) {
  if (check.remarks.size() > kMaxRemarks) {
    return InvalidArgumentError("quality.bad_remarks", "remarks: at most 2000 bytes");
  }
  VAULT_RETURN_IF_ERROR(Get(sample_id).status());
  const std::string outcome =
      check.metadata_complete && check.scan_legible && check.classification_right ? "pass" : "fail";
  QualityItem item;
  VAULT_RETURN_IF_ERROR(db_.Write([&](db::Connection& c) -> Status {
    c << "UPDATE quality_sample_items SET outcome = ?, metadata_complete = ?, scan_legible = ?, "
         "classification_right = ?, remarks = ?, checked_by = ?, checked_at = ? WHERE sample_id = ? AND "
         "document_id = ?",
        bind(outcome), bind(Poco::Int64{check.metadata_complete ? 1 : 0}), bind(Poco::Int64{check.scan_legible ? 1 : 0}),
        bind(Poco::Int64{check.classification_right ? 1 : 0}), bind(check.remarks), bind(actor),
        bind(FormatUtc(deps_.clock->Now())), bind(Poco::Int64{sample_id}), bind(document_id), now;
    Statement st(c);
    st << "SELECT " << kItemColumns << " FROM quality_sample_items WHERE sample_id = ? AND document_id = ?",
        bind(Poco::Int64{sample_id}), bind(document_id);
    auto row = db::FirstRow(st, ItemFrom);
    if (!row) return NotFoundError("quality.not_in_sample", "that record is not in this sample");
    item = *row;
    return Status::Ok();
  }));
  return item;
}

}  // namespace vault
