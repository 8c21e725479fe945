#include "vault/metadata/document_search.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <unordered_set>

#include "vault/db/rows.h"
#include "vault/metadata/document_rows.h"

using namespace vault::db::sql;

namespace vault::document_search {
namespace {

// A probe whose posting list has fewer rows than this drives the query (the
// documents are fetched by id from the list and sorted); a denser one is
// checked per document while the documents are walked in page order, which
// reaches a page's worth of matches within a few thousand rows. Chosen with
// bench/scale.sh (docs/benchmarks.md, "Search at 1,000,000 documents").
constexpr int64_t kDriveLimit = 8000;
std::atomic<int64_t> drive_limit{kDriveLimit};
// Totals of a title search are exact up to this many (lists without title
// words up to DocumentFilter::total_cap): each counted match costs an index
// probe, and 10,000 of them took 70-450 ms at 1,000,000 documents.
constexpr int64_t kTitleTotalCap = 1000;
// Candidates one page may examine when a part needs the exact check; past
// it the page ends early with a cursor, so no request scans without bound.
constexpr int64_t kMaxScanned = 20000;
constexpr int64_t kIndexBatch = 5000;

// SQL conditions with their text parameters, always bound, never spliced.
class Conditions {
 public:
  void And(const std::string& condition, std::vector<std::string> params = {}) {
    sql_ += sql_.empty() ? " WHERE " : " AND ";
    sql_ += condition;
    for (std::string& p : params) params_.push_back(std::move(p));
  }
  void In(const std::string& column, const std::vector<std::string>& values, bool or_empty) {
    std::string list;
    for (size_t i = 0; i < values.size(); ++i) list += i ? ", ?" : "?";
    std::string in = values.empty() ? "1 = 0" : column + " IN (" + list + ")";
    And(or_empty ? "(" + in + " OR " + column + " = '')" : in, values);
  }
  // Adds every condition of `other` with its parameters.
  void Append(const Conditions& other) {
    if (other.sql_.empty()) return;
    sql_ += sql_.empty() ? other.sql_ : " AND " + other.sql_.substr(7);  // drop " WHERE "
    params_.insert(params_.end(), other.params_.begin(), other.params_.end());
  }
  const std::string& sql() const { return sql_; }
  // This object must outlive the statement's execution.
  void BindTo(Statement& st) {
    for (std::string& p : params_) st, useRef(p);
  }

 private:
  std::string sql_;
  std::vector<std::string> params_;
};

std::string ProbeSql(const TermProbe& p, const char* alias) {
  const std::string t = std::string(alias) + ".term";
  return p.prefix ? t + " >= ? AND " + t + " < ?" : t + " = ?";
}

std::vector<std::string> ProbeParams(const TermProbe& p) {
  if (p.prefix) return {p.term, PrefixUpperBound(p.term)};
  return {p.term};
}

// Index rows of `p`, counted up to `limit` (the count stops there). With
// `sample`, only the rows of documents whose id starts with 0 or 1: ids are
// 32 random hex digits, so an eighth of the documents, which tells apart
// the density of terms whose whole lists all reach the limit (the bigrams
// of "服务器采购": 200,000 rows of 服务 against 50,000 of 务器).
int64_t PostingsUpTo(db::Connection& c, const TermProbe& p, int64_t limit, bool sample = false) {
  Conditions w;
  w.And(ProbeSql(p, "t"), ProbeParams(p));
  if (sample) w.And("t.document_id < '2'");
  Poco::Int64 n = 0;
  Statement st(c);
  st << "SELECT COUNT(*) FROM (SELECT 1 FROM search_terms t" << w.sql() << " LIMIT " << limit << ") x",
      into(n);
  w.BindTo(st);
  st.execute();
  return n;
}

bool NeedsExactCheck(const std::vector<TitleQueryPart>& parts) {
  return std::any_of(parts.begin(), parts.end(), [](const TitleQueryPart& p) { return !p.exact; });
}

// How one search runs: the conditions of its pages and of its count, and the
// FROM clause of its count.
struct Plan {
  Conditions page;           // on documents d, no page position
  std::string count_from;    // "documents d" or a join driven by a posting list
  Conditions count;
  bool count_distinct = false;  // the join may list a document twice (a prefix probe)
  // The page conditions hold one probe only (the others are left to
  // TitleMatches): planners misjudge several correlated probes (the bigrams
  // of one phrase) as independent and then sort every match instead of
  // walking the page order (PostgreSQL: 1,000 ms instead of 10).
  bool page_omits_probes = false;
};

// The filter as a Plan. Returns false when nothing can match, so no query
// is needed.
bool MakePlan(db::Connection& c, const DocumentFilter& f, const std::vector<TitleQueryPart>& parts, Plan& plan) {
  const VisibilityScope& scope = f.scope;
  if (scope.restricted && scope.nothing) return false;
  // A staff member's few customers (or one asked for) select far fewer rows
  // than their department: the department test is then written as an
  // expression, which neither engine answers from an index, so the
  // customer index drives instead of the department's (measured: 156 ms
  // against 2 ms for the first page at 1,000,000 documents).
  const bool by_customer = !f.customer_number.empty() || (scope.restricted && scope.customers_only);
  const std::string department = by_customer ? "(d.department || '') = ?" : "d.department = ?";
  Conditions w;
  if (!f.customer_number.empty()) w.And("d.customer_number = ?", {f.customer_number});
  if (!f.doc_type.empty()) w.And("d.doc_type = ?", {f.doc_type});
  if (!f.department.empty()) w.And(department, {f.department});
  if (!f.classification.empty()) w.And("d.classification = ?", {f.classification});
  if (scope.restricted) {
    if (!scope.department.empty()) w.And(department, {scope.department});
    if (scope.customers_only) w.In("d.customer_number", scope.customers, false);
    if (scope.classification_limited) w.In("d.classification", scope.classifications, true);
  }
  if (!f.tag.empty()) w.And("d.id IN (SELECT tg.document_id FROM document_tags tg WHERE tg.tag = ?)", {f.tag});
  // created_at is an ISO 8601 UTC time, so a date is a prefix of it: the
  // lower bound compares directly (and can use the time index).
  if (!f.from_date.empty()) w.And("d.created_at >= ?", {f.from_date});
  if (!f.to_date.empty()) w.And("substr(d.created_at, 1, 10) <= ?", {f.to_date});
  plan.page = w;
  plan.count = w;
  plan.count_from = "documents d";
  if (parts.empty()) return true;

  // The sparsest probe of each part, and of all: the other probes of a part
  // (the bigrams of one phrase) occur with it nearly always, so the SQL
  // leaves them to TitleMatches, which checks them anyway.
  const int64_t limit = drive_limit.load();
  std::vector<std::vector<int64_t>> counts;
  int64_t at_limit = 0;
  for (const TitleQueryPart& part : parts) {
    counts.emplace_back();
    for (const TermProbe& p : part.probes) {
      const int64_t n = PostingsUpTo(c, p, limit);
      if (n == 0) return false;
      counts.back().push_back(n);
      at_limit += n == limit;
    }
  }
  // Lists that all reached the limit say nothing about which is sparser:
  // a sample decides among them (each stays above every shorter list).
  if (at_limit > 1) {
    for (size_t k = 0; k < parts.size(); ++k) {
      for (size_t i = 0; i < counts[k].size(); ++i) {
        if (counts[k][i] == limit) counts[k][i] += PostingsUpTo(c, parts[k].probes[i], limit, /*sample=*/true);
      }
    }
  }
  std::vector<const TermProbe*> representatives;
  const TermProbe* sparsest = nullptr;
  int64_t fewest = std::numeric_limits<int64_t>::max();
  for (size_t k = 0; k < parts.size(); ++k) {
    const TermProbe* part_sparsest = nullptr;
    int64_t part_fewest = std::numeric_limits<int64_t>::max();
    for (size_t i = 0; i < counts[k].size(); ++i) {
      if (counts[k][i] < part_fewest) {
        part_fewest = counts[k][i];
        part_sparsest = &parts[k].probes[i];
      }
    }
    if (!part_sparsest) continue;
    representatives.push_back(part_sparsest);
    if (part_fewest < fewest) {
      fewest = part_fewest;
      sparsest = part_sparsest;
    }
  }
  if (!sparsest) return true;
  // Pages: the sparsest probe drives when its list is short (its documents
  // are fetched by id and sorted); otherwise it is a per-document check
  // while the documents are walked in page order.
  const TermProbe* page_driver = fewest < limit ? sparsest : nullptr;
  // The count has no order: the sparsest list drives it (a join, streamed,
  // stopped at the cap) unless the customers select fewer rows.
  const TermProbe* count_driver = by_customer ? page_driver : sparsest;
  const auto exists = [](const TermProbe& p) {
    return "EXISTS (SELECT 1 FROM search_terms t WHERE t.document_id = d.id AND " + ProbeSql(p, "t") + ")";
  };
  if (count_driver && count_driver != page_driver) {
    plan.count_from = "search_terms ct JOIN documents d ON d.id = ct.document_id";
    Conditions joined;
    joined.And(ProbeSql(*count_driver, "ct"), ProbeParams(*count_driver));
    plan.count = joined;
    plan.count_distinct = count_driver->prefix;
    // The document conditions after the probe, in the same order.
    plan.count.Append(w);
  }
  if (page_driver) {
    plan.page.And("d.id IN (SELECT t.document_id FROM search_terms t WHERE " + ProbeSql(*page_driver, "t") + ")",
                  ProbeParams(*page_driver));
  } else {
    plan.page.And(exists(*sparsest), ProbeParams(*sparsest));
  }
  plan.page_omits_probes = representatives.size() > 1 || NeedsExactCheck(parts);
  for (const TermProbe* p : representatives) {
    if (p == count_driver && count_driver != page_driver) continue;
    if (p == page_driver) {
      plan.count.And("d.id IN (SELECT t.document_id FROM search_terms t WHERE " + ProbeSql(*p, "t") + ")",
                     ProbeParams(*p));
    } else {
      plan.count.And(exists(*p), ProbeParams(*p));
    }
  }
  return true;
}

// Rows after `after` in page order (all rows when null): newest first is
// (created_at DESC, archive_number ASC), oldest first its exact reverse, so
// one index (created_at DESC, archive_number) serves both.
void AfterPosition(const SearchCursor* after, bool oldest_first, Conditions& w) {
  if (!after) return;
  if (oldest_first) {
    w.And("d.created_at >= ? AND (d.created_at > ? OR d.archive_number < ?)",
          {after->created_at, after->created_at, after->archive_number});
  } else {
    w.And("d.created_at <= ? AND (d.created_at < ? OR d.archive_number > ?)",
          {after->created_at, after->created_at, after->archive_number});
  }
}

void CountTotal(db::Connection& c, const DocumentFilter& f, const std::vector<TitleQueryPart>& parts, Plan& plan,
                SearchPage& page) {
  // A title search counts through the index, row by row: its exact count
  // stops sooner (docs/architecture.md, "Totals").
  const int64_t cap = std::max<int64_t>(1, parts.empty() ? f.total_cap : std::min(f.total_cap, kTitleTotalCap));
  // A prefix probe may list a document twice ("phoenix phoenixes"): its
  // rows are told apart here rather than by SELECT DISTINCT, which
  // PostgreSQL answers only after reading every row of the probe (74 ms for
  // 100,000 rows) where the LIMIT should stop it.
  const int64_t limit = plan.count_distinct ? 2 * (cap + 1) : cap + 1;
  const std::string rows = "SELECT d.id AS id, d.title AS title FROM " + plan.count_from + plan.count.sql() +
                           " LIMIT " + std::to_string(limit);
  const bool check = NeedsExactCheck(parts);
  if (!check && !plan.count_distinct) {
    Poco::Int64 n = 0;
    Statement st(c);
    st << "SELECT COUNT(*) FROM (" << rows << ") x", into(n);
    plan.count.BindTo(st);
    st.execute();
    page.total = std::min<int64_t>(n, cap);
    page.total_is_estimate = n > cap;
    return;
  }
  std::vector<std::string> ids, titles;
  Statement st(c);
  st << rows, into(ids), into(titles);
  plan.count.BindTo(st);
  st.execute();
  std::unordered_set<std::string> seen;
  int64_t matched = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (plan.count_distinct && !seen.insert(ids[i]).second) continue;
    if (!check || TitleMatches(titles[i], parts)) ++matched;
  }
  page.total = std::min<int64_t>(matched, cap);
  // Candidates beyond the limit were not examined: at least this many match.
  page.total_is_estimate = matched > cap || static_cast<int64_t>(ids.size()) >= limit;
}

}  // namespace

int64_t SetDriveLimitForTesting(int64_t rows) { return drive_limit.exchange(rows < 1 ? kDriveLimit : rows); }

namespace {
// One row at a time through the connection's cached statement: the
// PostgreSQL connection prepares it on the server too, where Poco's bulk
// binding of vectors is not available.
void InsertTerm(db::Connection& c, const std::string& term, const std::string& document_id) {
  c.Prepared("INSERT INTO search_terms (term, document_id) VALUES (?, ?)").Bind(1, term).Bind(2, document_id).Step();
}
}  // namespace

void IndexTitle(db::Connection& c, const std::string& document_id, const std::string& title) {
  c.Prepared("DELETE FROM search_terms WHERE document_id = ?").Bind(1, document_id).Step();
  for (const std::string& term : IndexTerms(title)) InsertTerm(c, term, document_id);
}

IndexCounts Rebuild(db::Connection& c) {
  IndexCounts counts;
  c << "DELETE FROM search_terms", now;
  std::string last;
  for (;;) {
    std::vector<std::string> ids, titles;
    Statement st(c);
    st << "SELECT id, title FROM documents WHERE id > ? ORDER BY id LIMIT " << kIndexBatch, useRef(last), into(ids),
        into(titles);
    st.execute();
    if (ids.empty()) break;
    for (size_t i = 0; i < ids.size(); ++i) {
      for (const std::string& term : IndexTerms(titles[i])) {
        InsertTerm(c, term, ids[i]);
        ++counts.terms;
      }
    }
    counts.documents += static_cast<int64_t>(ids.size());
    last = ids.back();
    if (static_cast<int64_t>(ids.size()) < kIndexBatch) break;
  }
  return counts;
}

bool BackfillPending(db::Connection& c) {
  Poco::Int64 n = 0;
  c << "SELECT COUNT(*) FROM search_index_state WHERE name = 'backfill'", into(n), now;
  return n > 0;
}

bool ClaimBackfillMarker(db::Connection& c) {
  Statement st(c);
  st << "DELETE FROM search_index_state WHERE name = 'backfill'";
  return st.execute() > 0;
}

SearchPage Run(db::Connection& c, const DocumentFilter& f, const std::vector<TitleQueryPart>& parts,
               const SearchCursor* after) {
  SearchPage page;
  Plan plan;
  if (!MakePlan(c, f, parts, plan)) return page;
  CountTotal(c, f, parts, plan, page);
  const Conditions& base = plan.page;
  if (page.total == 0 && !page.total_is_estimate) return page;

  const int64_t limit = f.limit <= 0 ? 50 : std::min<int64_t>(f.limit, 1000);
  const bool check = NeedsExactCheck(parts) || plan.page_omits_probes;
  const size_t want = static_cast<size_t>(limit) + 1;  // one more tells whether a next page exists
  // With the exact check most candidates still match (the bigrams rarely
  // occur apart), so a round asks for a page's worth and doubles only when
  // candidates were refused.
  int64_t chunk = static_cast<int64_t>(want);
  int64_t skip = after ? 0 : std::max<int64_t>(0, f.offset);
  const int64_t sql_offset = check ? 0 : skip;
  if (!check) skip = 0;

  SearchCursor position;
  const SearchCursor* from = after;
  int64_t scanned = 0;
  bool exhausted = false;
  std::vector<DocumentRecord> matches;
  for (bool first = true; matches.size() < want; first = false) {
    Conditions w = base;
    AfterPosition(from, f.oldest_first, w);
    Statement st(c);
    st << "SELECT " << metadata_rows::kDocumentColumns
       << ", (SELECT group_concat(tag, char(31)) FROM document_tags WHERE document_id = d.id) AS tags_joined"
          " FROM documents d"
       << w.sql()
       << (f.oldest_first ? " ORDER BY d.created_at ASC, d.archive_number DESC"
                          : " ORDER BY d.created_at DESC, d.archive_number ASC")
       << " LIMIT " << chunk;
    // OFFSET only without the exact check, so only in the first round.
    if (first && sql_offset > 0) st << " OFFSET " << sql_offset;
    w.BindTo(st);
    st.execute();
    RecordSet rs(st);
    int64_t rows = 0;
    for (bool more = rs.moveFirst(); more && matches.size() < want; more = rs.moveNext()) {
      ++rows;
      DocumentRecord d = metadata_rows::DocumentFromRow(rs);
      position = SearchCursor{f.oldest_first, d.created_at, d.archive_number};
      if (check && !TitleMatches(d.meta.title, parts)) continue;
      if (skip > 0) {
        --skip;
        continue;
      }
      d.meta.tags = db::SplitList(db::Text(rs, "tags_joined"));
      matches.push_back(std::move(d));
    }
    scanned += rows;
    from = &position;
    if (matches.size() >= want) break;
    if (static_cast<int64_t>(rs.rowCount()) < chunk) {
      exhausted = true;
      break;
    }
    if (scanned >= kMaxScanned) break;
    chunk = std::min<int64_t>(chunk * 2, kMaxScanned);
  }
  if (matches.size() >= want) {
    matches.resize(static_cast<size_t>(limit));
    const DocumentRecord& last = matches.back();
    page.next_cursor = SearchCursor{f.oldest_first, last.created_at, last.archive_number}.Encode();
  } else if (!exhausted) {
    // The scan bound ended this page early: go on after the last candidate.
    page.next_cursor = position.Encode();
  }
  page.documents = std::move(matches);
  return page;
}

}  // namespace vault::document_search
