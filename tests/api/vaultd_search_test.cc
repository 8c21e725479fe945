// GET /api/v1/documents through the real server: title search (Chinese of
// one and two characters, mixed, Latin prefixes), cursor pages with
// next_cursor, the legacy offset, capped totals and the stable errors.
#include <Poco/URI.h>

#include <set>

#include "tests/api/vaultd_fixture.h"

namespace vault::testing {
namespace {

std::string Q(const std::string& s) {
  std::string out;
  Poco::URI::encode(s, "&=+?#/%", out);
  return out;
}

class VaultdSearchTest : public VaultdTest {
 protected:
  std::vector<std::string> Titles(const Reply& r) {
    std::vector<std::string> out;
    auto items = r.json()->getArray("items");
    for (size_t i = 0; i < items->size(); ++i) out.push_back(items->getObject(i)->getValue<std::string>("title"));
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_F(VaultdSearchTest, TitleSearchMatchesChineseLatinAndMixedWords) {
  Put("华南销售部", "internal", "2024年度销售合同 Project Phoenix");
  Put("华南销售部", "internal", "合作意向书");
  std::string token = Login("archivist");
  auto titles = [&](const std::string& q) {
    Reply r = Call("GET", "/api/v1/documents?title=" + Q(q), token);
    EXPECT_EQ(r.status, 200) << r.body;
    return Titles(r);
  };
  EXPECT_EQ(titles("合同"), (std::vector<std::string>{"2024年度销售合同 Project Phoenix"}));
  EXPECT_EQ(titles("合"), (std::vector<std::string>{"2024年度销售合同 Project Phoenix", "合作意向书"}));
  EXPECT_EQ(titles("销售合同PHOE"), (std::vector<std::string>{"2024年度销售合同 Project Phoenix"}));
  EXPECT_EQ(titles("2024"), (std::vector<std::string>{"2024年度销售合同 Project Phoenix"}));
  EXPECT_EQ(titles("ＰＲＯＪ"), (std::vector<std::string>{"2024年度销售合同 Project Phoenix"}));
  EXPECT_TRUE(titles("售合作").empty());
  EXPECT_EQ(titles("contract").size(), 3u);  // the fixture's three
}

TEST_F(VaultdSearchTest, CursorPagesWalkEveryVisibleDocumentOnce) {
  for (int i = 0; i < 7; ++i) Put("华南销售部", "internal", "批量合同 " + std::to_string(i));
  std::string token = Login("archivist");
  std::vector<std::string> ids;
  std::string cursor;
  int pages = 0;
  for (;; ++pages) {
    Reply r = Call("GET", "/api/v1/documents?limit=3" + (cursor.empty() ? "" : "&cursor=" + Q(cursor)), token);
    ASSERT_EQ(r.status, 200) << r.body;
    auto o = r.json();
    EXPECT_EQ(o->getValue<int64_t>("total"), 10);
    EXPECT_FALSE(o->getValue<bool>("total_is_estimate"));
    auto items = o->getArray("items");
    for (size_t i = 0; i < items->size(); ++i) ids.push_back(items->getObject(i)->getValue<std::string>("id"));
    // A first page answers the old offset too; a cursor page only its cursor.
    if (cursor.empty()) {
      EXPECT_EQ(o->getValue<int64_t>("next"), 3);
    } else {
      EXPECT_TRUE(o->get("next").isEmpty());
    }
    if (o->get("next_cursor").isEmpty()) break;
    cursor = o->getValue<std::string>("next_cursor");
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);  // 3 + 3 + 3 + 1
  EXPECT_EQ(ids.size(), 10u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 10u);
  // The same order as the offset pages.
  Reply second = Call("GET", "/api/v1/documents?limit=3&offset=3", token);
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(second.json()->getArray("items")->getObject(0)->getValue<std::string>("id"), ids[3]);
}

TEST_F(VaultdSearchTest, ScopedCallersPageOverWhatTheyMaySeeOnly) {
  std::string manager = Login("manager_s");
  Reply r = Call("GET", "/api/v1/documents?limit=1", manager);
  ASSERT_EQ(r.status, 200);
  // 华南销售部, internal clearance: south_ only (secret_ is confidential, east_ elsewhere).
  EXPECT_EQ(r.json()->getValue<int64_t>("total"), 1);
  EXPECT_TRUE(r.json()->get("next_cursor").isEmpty());
}

TEST_F(VaultdSearchTest, BadCursorsAndQueriesHaveStableCodes) {
  std::string token = Login("archivist");
  Reply r = Call("GET", "/api/v1/documents?cursor=garbage", token);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "request.bad_cursor");
  // The message never echoes what was sent.
  EXPECT_EQ(r.body.find("garbage"), std::string::npos);
  Reply first = Call("GET", "/api/v1/documents?limit=1", token);
  const std::string cursor = first.json()->getValue<std::string>("next_cursor");
  EXPECT_EQ(Call("GET", "/api/v1/documents?order=oldest&cursor=" + Q(cursor), token).error_code(),
            "request.bad_cursor");
  EXPECT_EQ(Call("GET", "/api/v1/documents?offset=1&cursor=" + Q(cursor), token).error_code(),
            "request.bad_parameter");
  Reply long_query = Call("GET", "/api/v1/documents?title=" + std::string(201, 'a'), token);
  EXPECT_EQ(long_query.status, 400);
  EXPECT_EQ(long_query.error_code(), "search.query_too_long");
  EXPECT_EQ(Call("GET", "/api/v1/documents?title=a+b+c+d+e+f+g+h+i", token).error_code(), "search.too_many_words");
  EXPECT_EQ(Call("GET", "/api/v1/documents?customer=" + std::string(600, 'C'), token).error_code(),
            "request.bad_parameter");
}

}  // namespace
}  // namespace vault::testing
