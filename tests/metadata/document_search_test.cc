// Search through the title index and keyset pages, checked against a plain
// scan: for random data, filters, scopes and queries, walking every page by
// cursor returns exactly the rows (in the same order) that a naive C++ scan
// over all documents returns.
#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <algorithm>
#include <random>
#include <set>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "vault/metadata/document_search.h"
#include "vault/metadata/search_cursor.h"
#include "vault/metadata/sqlite_metadata_store.h"

namespace vault {
namespace {

using testing::StatusIs;
using testing::TempDir;

const std::vector<std::string> kCjkWords = {"销售", "合同", "框架", "年度", "上海", "华东", "报价", "订单", "交付",
                                            "保密", "协议", "深圳", "采购", "服务", "技术", "维护", "合作", "项目",
                                            "同", "售"};
const std::vector<std::string> kLatinWords = {"Alpha", "Beta", "Project", "Pro", "Service", "SLA", "Q3", "v2",
                                              "2023", "2024", "2025"};
const std::vector<std::string> kSeparators = {" ", "", "·", "（", "）", "-", "_", "，"};
const std::vector<std::string> kDepartments = {"华南销售部", "华东销售部", "北方销售部", "大客户部"};
const std::vector<std::string> kClassifications = {"public", "internal", "confidential", ""};
const std::vector<std::string> kTags = {"vip", "urgent", "renewal"};

std::string Id(int n) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%032x", n);
  return buf;
}

VersionRecord V1(const std::string& id, const std::string& at) {
  VersionRecord v;
  v.document_id = id;
  v.version = 1;
  v.size = 5;
  v.sha256 = std::string(64, 'a');
  v.blob_name = id + "-v1";
  v.blob_size = 101;
  v.created_at = at;
  v.created_by = "tester";
  v.reason = "initial version";
  return v;
}

WrappedKey Key() { return WrappedKey{"kek-1", std::vector<uint8_t>(72, 7)}; }

template <typename T>
const T& Pick(std::mt19937& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

// --- the reference semantics, written naively for this vocabulary -------
std::string LowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// A query word split by script: Chinese runs (bytes >= 0x80) and ASCII
// letter/digit runs; everything else separates.
std::vector<std::pair<bool, std::string>> ReferenceParts(const std::string& query) {
  std::vector<std::pair<bool, std::string>> parts;
  int previous = 0;  // 0 separator, 1 latin, 2 cjk
  for (size_t i = 0; i < query.size();) {
    const unsigned char c = static_cast<unsigned char>(query[i]);
    const size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    std::string ch = query.substr(i, len);
    i += len;
    int kind = 0;
    if (len == 1 && std::isalnum(c)) kind = 1;
    if (len == 3 && ch != "·" && ch != "（" && ch != "）" && ch != "，") kind = 2;
    if (len == 2 && ch != "·") kind = 0;
    if (kind == 0) {
      previous = 0;
      continue;
    }
    if (kind != previous) parts.push_back({kind == 2, ""});
    parts.back().second += kind == 1 ? LowerAscii(ch) : ch;
    previous = kind;
  }
  return parts;
}

bool ReferenceTitleMatch(const std::string& title, const std::string& query) {
  const std::string lower = LowerAscii(title);
  std::vector<std::string> words;
  std::string w;
  for (char c : lower) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      w += c;
    } else if (!w.empty()) {
      words.push_back(w);
      w.clear();
    }
  }
  if (!w.empty()) words.push_back(w);
  for (const auto& [cjk, text] : ReferenceParts(query)) {
    // Separators in this vocabulary are ASCII or whole characters, so a
    // byte substring of Chinese text never spans one.
    if (cjk && lower.find(text) == std::string::npos) return false;
    if (!cjk && std::none_of(words.begin(), words.end(), [&](const std::string& x) { return x.rfind(text, 0) == 0; })) {
      return false;
    }
  }
  return true;
}

bool ReferenceVisible(const DocumentRecord& d, const VisibilityScope& s) {
  if (!s.restricted) return true;
  if (s.nothing) return false;
  if (!s.department.empty() && d.meta.department != s.department) return false;
  auto in = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  if (s.customers_only && !in(s.customers, d.meta.customer_number)) return false;
  if (s.classification_limited && !d.meta.classification.empty() && !in(s.classifications, d.meta.classification)) {
    return false;
  }
  return true;
}

bool ReferenceFilter(const DocumentRecord& d, const DocumentFilter& f) {
  if (!ReferenceVisible(d, f.scope)) return false;
  if (!f.customer_number.empty() && d.meta.customer_number != f.customer_number) return false;
  if (!f.doc_type.empty() && d.meta.doc_type != f.doc_type) return false;
  if (!f.department.empty() && d.meta.department != f.department) return false;
  if (!f.classification.empty() && d.meta.classification != f.classification) return false;
  if (!f.tag.empty() && std::find(d.meta.tags.begin(), d.meta.tags.end(), f.tag) == d.meta.tags.end()) return false;
  const std::string day = d.created_at.substr(0, 10);
  if (!f.from_date.empty() && day < f.from_date) return false;
  if (!f.to_date.empty() && day > f.to_date) return false;
  std::istringstream words(f.title_words);
  for (std::string word; words >> word;) {
    if (!ReferenceTitleMatch(d.meta.title, word)) return false;
  }
  return true;
}

std::vector<std::string> ReferenceScan(const std::vector<DocumentRecord>& all, const DocumentFilter& f) {
  std::vector<const DocumentRecord*> hits;
  for (const DocumentRecord& d : all) {
    if (ReferenceFilter(d, f)) hits.push_back(&d);
  }
  std::sort(hits.begin(), hits.end(), [&](const DocumentRecord* a, const DocumentRecord* b) {
    if (a->created_at != b->created_at) return f.oldest_first ? a->created_at < b->created_at : a->created_at > b->created_at;
    return f.oldest_first ? a->archive_number > b->archive_number : a->archive_number < b->archive_number;
  });
  std::vector<std::string> out;
  for (const DocumentRecord* d : hits) out.push_back(d->archive_number);
  return out;
}

// --- seeding ------------------------------------------------------------
std::string RandomTitle(std::mt19937& rng) {
  std::string t;
  const int n = std::uniform_int_distribution<int>(1, 5)(rng);
  for (int i = 0; i < n; ++i) {
    if (i) t += Pick(rng, kSeparators);
    t += std::uniform_int_distribution<int>(0, 2)(rng) ? Pick(rng, kCjkWords) : Pick(rng, kLatinWords);
  }
  return t;
}

NewDocument RandomDoc(std::mt19937& rng, int n) {
  NewDocument d;
  d.id = Id(n);
  const bool quote = std::uniform_int_distribution<int>(0, 3)(rng) == 0;
  d.type_code = quote ? "BJ" : "HT";
  d.meta.doc_type = quote ? "quotation" : "contract";
  char buf[32];
  std::snprintf(buf, sizeof buf, "C%03d", std::uniform_int_distribution<int>(1, 40)(rng));
  d.meta.customer_number = buf;
  d.meta.title = RandomTitle(rng);
  d.meta.department = Pick(rng, kDepartments);
  d.meta.classification = Pick(rng, kClassifications);
  for (const std::string& tag : kTags) {
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) d.meta.tags.push_back(tag);
  }
  std::sort(d.meta.tags.begin(), d.meta.tags.end());
  // Few distinct times, so ties (broken by archive number) are common.
  const int minute = std::uniform_int_distribution<int>(0, 400)(rng);
  std::snprintf(buf, sizeof buf, "2024-%02d-%02dT10:%02d:00Z", 1 + minute / 150, 1 + (minute / 5) % 28, minute % 5);
  d.created_at = buf;
  d.created_by = "tester";
  return d;
}

class DocumentSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(SqliteMetadataStore::Open(dir_.Join("m.db"))).value();
  }
  void Seed(int count, uint32_t seed) {
    std::mt19937 rng(seed);
    for (int i = 0; i < count; ++i) Insert(RandomDoc(rng, next_id_++));
  }
  DocumentRecord Insert(const NewDocument& d) {
    auto rec = store_->InsertDocument(d, V1(d.id, d.created_at), Key());
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    all_.push_back(*rec);
    return *rec;
  }
  // Every page by cursor; fails on a repeated row.
  std::vector<std::string> WalkAll(DocumentFilter f, int64_t* total = nullptr) {
    std::vector<std::string> out;
    for (int pages = 0; pages < 10000; ++pages) {
      auto page = store_->Search(f);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      if (total && pages == 0) *total = page->total;
      for (const auto& d : page->documents) out.push_back(d.archive_number);
      if (page->next_cursor.empty()) break;
      f.cursor = page->next_cursor;
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<SqliteMetadataStore> store_;
  std::vector<DocumentRecord> all_;
  int next_id_ = 1;
};

std::string RandomQueryWord(std::mt19937& rng) {
  switch (std::uniform_int_distribution<int>(0, 7)(rng)) {
    case 0: return Pick(rng, kCjkWords);
    case 1: {  // one character
      const std::string& w = Pick(rng, kCjkWords);
      return w.substr(std::uniform_int_distribution<int>(0, 1)(rng) * 3 % w.size(), 3);
    }
    case 2: return Pick(rng, kCjkWords) + Pick(rng, kCjkWords);  // 2-4 characters, often not in any title
    case 3: return Pick(rng, kCjkWords) + Pick(rng, kCjkWords).substr(0, 3);  // 3 characters: the exact check
    case 4: {  // a Latin prefix in any case
      std::string w = Pick(rng, kLatinWords);
      w = w.substr(0, std::uniform_int_distribution<size_t>(1, w.size())(rng));
      if (std::uniform_int_distribution<int>(0, 1)(rng)) {
        for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      return w;
    }
    case 5: return Pick(rng, kCjkWords) + Pick(rng, kLatinWords);  // mixed: 合同Alpha
    case 6: return Pick(rng, kLatinWords).substr(1);  // mostly not a word start
    default: return Pick(rng, kLatinWords);
  }
}

VisibilityScope RandomScope(std::mt19937& rng) {
  VisibilityScope s;
  switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
    case 0: return s;  // unrestricted
    case 1:             // archive admin: every level
      s.restricted = true;
      s.classification_limited = true;
      s.classifications = {"public", "internal", "confidential"};
      return s;
    case 2:  // department manager with internal clearance
      s.restricted = true;
      s.department = Pick(rng, kDepartments);
      s.classification_limited = true;
      s.classifications = {"public", "internal"};
      return s;
    case 3:  // staff: department and a few customers
      s.restricted = true;
      s.department = Pick(rng, kDepartments);
      s.customers_only = true;
      for (int i = 0; i < 3; ++i) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "C%03d", std::uniform_int_distribution<int>(1, 40)(rng));
        s.customers.push_back(buf);
      }
      s.classification_limited = true;
      s.classifications = {"public"};
      return s;
    default:
      s.restricted = true;
      s.nothing = true;
      return s;
  }
}

// Both query plans: with the default limit every probe of this small set
// drives (posting list first); with a limit of 1 every probe is a
// per-document check while the documents are walked in page order, and the
// count is driven by a join from the sparsest posting list.
class DocumentSearchPlanTest : public DocumentSearchTest, public ::testing::WithParamInterface<int64_t> {
 protected:
  void SetUp() override {
    DocumentSearchTest::SetUp();
    previous_ = document_search::SetDriveLimitForTesting(GetParam());
  }
  void TearDown() override { document_search::SetDriveLimitForTesting(previous_); }
  int64_t previous_ = 0;
};

INSTANTIATE_TEST_SUITE_P(Plans, DocumentSearchPlanTest, ::testing::Values(0, 1, 40));

TEST_P(DocumentSearchPlanTest, CursorWalkEqualsPlainScanForRandomQueries) {
  Seed(2000, 20261207);
  std::mt19937 rng(7);
  int nonempty = 0;
  for (int q = 0; q < 300; ++q) {
    DocumentFilter f;
    f.scope = RandomScope(rng);
    const int words = std::uniform_int_distribution<int>(0, 2)(rng);
    for (int i = 0; i < words; ++i) f.title_words += (i ? " " : "") + RandomQueryWord(rng);
    if (std::uniform_int_distribution<int>(0, 5)(rng) == 0) f.customer_number = all_[rng() % all_.size()].meta.customer_number;
    if (std::uniform_int_distribution<int>(0, 5)(rng) == 0) f.doc_type = "quotation";
    if (std::uniform_int_distribution<int>(0, 5)(rng) == 0) f.department = Pick(rng, kDepartments);
    if (std::uniform_int_distribution<int>(0, 6)(rng) == 0) f.classification = Pick(rng, kClassifications);
    if (std::uniform_int_distribution<int>(0, 5)(rng) == 0) f.tag = Pick(rng, kTags);
    if (std::uniform_int_distribution<int>(0, 5)(rng) == 0) f.from_date = "2024-02-10";
    if (std::uniform_int_distribution<int>(0, 5)(rng) == 0) f.to_date = "2024-03-05";
    f.oldest_first = std::uniform_int_distribution<int>(0, 1)(rng);
    f.limit = std::uniform_int_distribution<int>(1, 60)(rng);
    const std::vector<std::string> expected = ReferenceScan(all_, f);
    int64_t total = -1;
    const std::vector<std::string> got = WalkAll(f, &total);
    ASSERT_EQ(got, expected) << "query " << q << " title '" << f.title_words << "' limit " << f.limit;
    // Title searches count exactly up to 1,000 (lists up to 10,000).
    const int64_t cap = f.title_words.find_first_not_of(' ') == std::string::npos ? 10000 : 1000;
    EXPECT_EQ(total, std::min<int64_t>(cap, static_cast<int64_t>(expected.size()))) << "query " << q;
    nonempty += !expected.empty();
  }
  // The queries exercise real matches, not only empty answers.
  EXPECT_GT(nonempty, 100);
}

TEST_F(DocumentSearchTest, OffsetPagesStillWork) {
  Seed(300, 11);
  DocumentFilter f;
  f.title_words = "合同";
  const std::vector<std::string> expected = ReferenceScan(all_, f);
  ASSERT_GT(expected.size(), 20u);
  f.limit = 7;
  f.offset = 14;
  auto page = store_->Search(f);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->documents.size(), 7u);
  EXPECT_EQ(page->documents[0].archive_number, expected[14]);
}

TEST_F(DocumentSearchTest, CursorPagesNeverSkipOrRepeatWhileDocumentsArrive) {
  Seed(200, 3);
  std::mt19937 rng(99);
  for (bool oldest : {false, true}) {
    const std::vector<DocumentRecord> before = all_;
    DocumentFilter f;
    f.oldest_first = oldest;
    f.limit = 9;
    std::vector<std::string> seen;
    for (;;) {
      auto page = store_->Search(f);
      ASSERT_TRUE(page.ok());
      for (const auto& d : page->documents) seen.push_back(d.archive_number);
      // New documents between pages: some newer, some older, some at the
      // very time of the page boundary.
      for (int i = 0; i < 3; ++i) {
        NewDocument d = RandomDoc(rng, next_id_++);
        if (i == 0 && !page->documents.empty()) d.created_at = page->documents.back().created_at;
        Insert(d);
      }
      if (page->next_cursor.empty()) break;
      f.cursor = page->next_cursor;
    }
    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique.size(), seen.size()) << "a row was repeated";
    // Every row that existed before the walk was returned, in order.
    const std::vector<std::string> old_rows = ReferenceScan(before, f);
    std::vector<std::string> seen_old;
    for (const std::string& n : seen) {
      if (std::find(old_rows.begin(), old_rows.end(), n) != old_rows.end()) seen_old.push_back(n);
    }
    EXPECT_EQ(seen_old, old_rows);
  }
}

TEST_F(DocumentSearchTest, MalformedCursorIsRefusedWithAStableCode) {
  Seed(30, 5);
  DocumentFilter f;
  f.limit = 10;
  auto first = store_->Search(f);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_cursor.empty());
  for (const std::string& bad : {std::string("x"), std::string("nzz"), std::string("n") + std::string(600, 'a'),
                                std::string("n6162"),  // no separator
                                std::string("o") + first->next_cursor.substr(1),  // made for the other order
                                first->next_cursor + "1"}) {
    f.cursor = bad;
    EXPECT_THAT(store_->Search(f), StatusIs(StatusCode::kInvalidArgument, "request.bad_cursor")) << bad;
  }
  f.cursor = first->next_cursor;
  f.offset = 10;
  EXPECT_THAT(store_->Search(f), StatusIs(StatusCode::kInvalidArgument, "request.bad_parameter"));
  f.offset = 0;
  EXPECT_TRUE(store_->Search(f).ok());
}

TEST_F(DocumentSearchTest, TotalsAreExactUpToTheCapThenMarked) {
  Seed(120, 8);
  DocumentFilter f;
  f.total_cap = 50;
  f.limit = 10;
  auto page = store_->Search(f);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 50);
  EXPECT_TRUE(page->total_is_estimate);
  f.total_cap = 120;
  page = store_->Search(f);
  EXPECT_EQ(page->total, 120);
  EXPECT_FALSE(page->total_is_estimate);
  // The same through the exact-check path (three Chinese characters).
  std::mt19937 rng(1);
  for (int i = 0; i < 10; ++i) {
    NewDocument d = RandomDoc(rng, next_id_++);
    d.meta.title = "华东年度销售合同";
    Insert(d);
  }
  f.title_words = "销售合";
  f.total_cap = 2;
  const size_t expected = ReferenceScan(all_, f).size();
  ASSERT_GT(expected, 2u);
  page = store_->Search(f);
  EXPECT_EQ(page->total, 2);
  EXPECT_TRUE(page->total_is_estimate);
  f.total_cap = 10000;
  page = store_->Search(f);
  EXPECT_EQ(page->total, static_cast<int64_t>(expected));
  EXPECT_FALSE(page->total_is_estimate);
}

// When every bigram's list is longer than the drive limit, a sample of the
// documents (ids starting 0 or 1) finds the sparsest one to drive the
// count: driven by the dense 服务 instead, its first cap+1 candidates would
// hold only a few of the 16 matches and the total would be a wrong "3+".
TEST_F(DocumentSearchTest, TheSparsestOfLongListsDrivesTheCount) {
  const int64_t previous = document_search::SetDriveLimitForTesting(8);
  std::mt19937 rng(3);
  for (int i = 0; i < 176; ++i) {
    NewDocument d = RandomDoc(rng, next_id_++);
    char id[33];
    std::snprintf(id, sizeof id, "%x%031x", i % 16, i);  // ids spread over the hex digits, like random ones
    d.id = id;
    d.meta.title = i % 11 == 0 ? "年度服务器采购合同" : "客户服务中心合同";
    Insert(d);
  }
  DocumentFilter f;
  f.title_words = "服务器采购";
  f.total_cap = 30;
  auto page = store_->Search(f);
  document_search::SetDriveLimitForTesting(previous);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->total, 16);
  EXPECT_FALSE(page->total_is_estimate);
  EXPECT_EQ(page->documents.size(), 16u);
}

TEST_F(DocumentSearchTest, QueryLimitsAreRefused) {
  DocumentFilter f;
  f.title_words = std::string(300, 'a');
  EXPECT_THAT(store_->Search(f), StatusIs(StatusCode::kInvalidArgument, "search.query_too_long"));
}

TEST_F(DocumentSearchTest, RebuildRestoresALostIndex) {
  Seed(100, 21);
  DocumentFilter f;
  f.title_words = "合同";
  const std::vector<std::string> expected = ReferenceScan(all_, f);
  ASSERT_FALSE(expected.empty());
  {
    Poco::Data::Session s("SQLite", dir_.Join("m.db"));
    s << "DELETE FROM search_terms", Poco::Data::Keywords::now;
  }
  EXPECT_TRUE(WalkAll(f).empty());  // the index is what answers
  auto counts = store_->RebuildSearchIndex();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->documents, 100);
  EXPECT_GT(counts->terms, 100);
  EXPECT_EQ(WalkAll(f), expected);
}

TEST_F(DocumentSearchTest, MigrationBackfillsTheIndexOfExistingDocuments) {
  Seed(50, 4);
  DocumentFilter f;
  f.title_words = "项目";
  const std::vector<std::string> expected = ReferenceScan(all_, f);
  ASSERT_FALSE(expected.empty());
  store_.reset();
  {
    // As a database written before migration 13: documents, no index rows,
    // and the marker the migration leaves.
    Poco::Data::Session s("SQLite", dir_.Join("m.db"));
    s << "DELETE FROM search_terms", Poco::Data::Keywords::now;
    s << "INSERT INTO search_index_state (name, value) VALUES ('backfill', 'pending')", Poco::Data::Keywords::now;
  }
  store_ = std::move(SqliteMetadataStore::Open(dir_.Join("m.db"))).value();
  EXPECT_EQ(WalkAll(f), expected);
}

TEST(SearchCursorTest, RoundTripsAndHidesNothingNew) {
  SearchCursor c{false, "2024-01-02T03:04:05Z", "C001_HT_0001"};
  auto back = SearchCursor::Decode(c.Encode(), false);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->created_at, c.created_at);
  EXPECT_EQ(back->archive_number, c.archive_number);
  EXPECT_THAT(SearchCursor::Decode(c.Encode(), true), StatusIs(StatusCode::kInvalidArgument, "request.bad_cursor"));
}

}  // namespace
}  // namespace vault
