#include "vault/metadata/document_search.h"

#include <algorithm>
#include <limits>

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
constexpr int64_t kDriveLimit = 4000;
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

// Index rows of `p`, counted up to `limit` (the count stops there).
int64_t PostingsUpTo(db::Connection& c, const TermProbe& p, int64_t limit) {
  Conditions w;
  w.And(ProbeSql(p, "t"), ProbeParams(p));
  Poco::Int64 n = 0;
  Statement st(c);
  st << "SELECT COUNT(*) FROM (SELECT 1 FROM search_terms t" << w.sql() << " LIMIT " << limit << ") x",
      into(n);
  w.BindTo(st);
  st.execute();
  return n;
}

// The filter's conditions on documents d (no page position). Returns false
// when nothing can match, so no query is needed.
bool Where(db::Connection& c, const DocumentFilter& f, const std::vector<TitleQueryPart>& parts,
           Conditions& w) {
  const VisibilityScope& scope = f.scope;
  if (scope.restricted && scope.nothing) return false;
  for (const auto& [column, value] : {std::pair<const char*, const std::string*>{"d.customer_number", &f.customer_number},
                                      {"d.doc_type", &f.doc_type},
                                      {"d.department", &f.department},
                                      {"d.classification", &f.classification}}) {
    if (!value->empty()) w.And(std::string(column) + " = ?", {*value});
  }
  if (scope.restricted) {
    if (!scope.department.empty()) w.And("d.department = ?", {scope.department});
    if (scope.customers_only) w.In("d.customer_number", scope.customers, false);
    if (scope.classification_limited) w.In("d.classification", scope.classifications, true);
  }
  if (!f.tag.empty()) w.And("d.id IN (SELECT tg.document_id FROM document_tags tg WHERE tg.tag = ?)", {f.tag});
  // created_at is an ISO 8601 UTC time, so a date is a prefix of it: the
  // lower bound compares directly (and can use the time index).
  if (!f.from_date.empty()) w.And("d.created_at >= ?", {f.from_date});
  if (!f.to_date.empty()) w.And("substr(d.created_at, 1, 10) <= ?", {f.to_date});

  // The sparsest probe drives when its list is short; the others (and a
  // dense driver) become per-document checks through the index by document.
  const TermProbe* driver = nullptr;
  int64_t fewest = std::numeric_limits<int64_t>::max();
  for (const TitleQueryPart& part : parts) {
    for (const TermProbe& p : part.probes) {
      const int64_t n = PostingsUpTo(c, p, kDriveLimit);
      if (n == 0) return false;
      if (n < fewest) {
        fewest = n;
        driver = &p;
      }
    }
  }
  if (fewest >= kDriveLimit) driver = nullptr;
  for (const TitleQueryPart& part : parts) {
    for (const TermProbe& p : part.probes) {
      if (&p == driver) {
        w.And("d.id IN (SELECT t.document_id FROM search_terms t WHERE " + ProbeSql(p, "t") + ")", ProbeParams(p));
      } else {
        w.And("EXISTS (SELECT 1 FROM search_terms t WHERE t.document_id = d.id AND " + ProbeSql(p, "t") + ")",
              ProbeParams(p));
      }
    }
  }
  return true;
}

bool NeedsExactCheck(const std::vector<TitleQueryPart>& parts) {
  return std::any_of(parts.begin(), parts.end(), [](const TitleQueryPart& p) { return !p.exact; });
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

void CountTotal(db::Connection& c, const DocumentFilter& f, const std::vector<TitleQueryPart>& parts,
                Conditions& w, SearchPage& page) {
  const int64_t cap = std::max<int64_t>(1, f.total_cap);
  if (!NeedsExactCheck(parts)) {
    Poco::Int64 n = 0;
    Statement st(c);
    st << "SELECT COUNT(*) FROM (SELECT 1 FROM documents d" << w.sql() << " LIMIT " << cap + 1 << ") x", into(n);
    w.BindTo(st);
    st.execute();
    page.total = std::min<int64_t>(n, cap);
    page.total_is_estimate = n > cap;
    return;
  }
  std::vector<std::string> titles;
  Statement st(c);
  st << "SELECT d.title FROM documents d" << w.sql() << " LIMIT " << cap + 1, into(titles);
  w.BindTo(st);
  st.execute();
  int64_t matched = 0;
  for (const std::string& t : titles) matched += TitleMatches(t, parts) ? 1 : 0;
  page.total = std::min<int64_t>(matched, cap);
  // Candidates beyond the cap were not examined: at least this many match.
  page.total_is_estimate = static_cast<int64_t>(titles.size()) > cap;
}

}  // namespace

void IndexTitle(db::Connection& c, const std::string& document_id, const std::string& title) {
  c << "DELETE FROM search_terms WHERE document_id = ?", bind(document_id), now;
  std::vector<std::string> terms = IndexTerms(title);
  if (terms.empty()) return;
  std::vector<std::string> ids(terms.size(), document_id);
  c << "INSERT INTO search_terms (term, document_id) VALUES (?, ?)", use(terms), use(ids), now;
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
    std::vector<std::string> terms, owners;
    for (size_t i = 0; i < ids.size(); ++i) {
      for (std::string& t : IndexTerms(titles[i])) {
        terms.push_back(std::move(t));
        owners.push_back(ids[i]);
      }
    }
    if (!terms.empty()) {
      c << "INSERT INTO search_terms (term, document_id) VALUES (?, ?)", use(terms), use(owners), now;
    }
    counts.documents += static_cast<int64_t>(ids.size());
    counts.terms += static_cast<int64_t>(terms.size());
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

void ClearBackfillMarker(db::Connection& c) {
  c << "DELETE FROM search_index_state WHERE name = 'backfill'", now;
}

SearchPage Run(db::Connection& c, const DocumentFilter& f, const std::vector<TitleQueryPart>& parts,
               const SearchCursor* after) {
  SearchPage page;
  Conditions base;
  if (!Where(c, f, parts, base)) return page;
  CountTotal(c, f, parts, base, page);
  if (page.total == 0 && !page.total_is_estimate) return page;

  const int64_t limit = f.limit <= 0 ? 50 : std::min<int64_t>(f.limit, 1000);
  const bool check = NeedsExactCheck(parts);
  const size_t want = static_cast<size_t>(limit) + 1;  // one more tells whether a next page exists
  const int64_t chunk = check ? std::max<int64_t>(static_cast<int64_t>(want) * 4, 200) : static_cast<int64_t>(want);
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
