#include "vault/metadata/search_terms.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace vault {
namespace {

using testing::StatusIs;

bool Matches(const std::string& title, const std::string& query) {
  auto parts = ParseTitleQuery(query);
  EXPECT_TRUE(parts.ok()) << parts.status().ToString();
  return TitleMatches(title, *parts);
}

TEST(SearchTermsTest, IndexesBigramsRunEndsAndWords) {
  EXPECT_EQ(IndexTerms("销售合同 Project-2023"),
            (std::vector<std::string>{"2023", "project", "合同", "同", "售合", "销售"}));
  // A one-character run is indexed as itself.
  EXPECT_EQ(IndexTerms("A 合"), (std::vector<std::string>{"a", "合"}));
  EXPECT_TRUE(IndexTerms("、。！ -- ").empty());
}

TEST(SearchTermsTest, OneChineseCharacterMatchesAnywhereInARun) {
  EXPECT_TRUE(Matches("销售合同", "销"));
  EXPECT_TRUE(Matches("销售合同", "同"));  // the run's last character
  EXPECT_TRUE(Matches("销售合同", "合"));
  EXPECT_FALSE(Matches("销售合同", "框"));
  auto parts = ParseTitleQuery("合");
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_TRUE((*parts)[0].exact);
  EXPECT_TRUE((*parts)[0].probes.at(0).prefix);
}

TEST(SearchTermsTest, TwoChineseCharactersMustBeAdjacent) {
  EXPECT_TRUE(Matches("年度销售合同", "合同"));
  EXPECT_FALSE(Matches("合作同意书", "合同"));
  EXPECT_FALSE(Matches("合 同", "合同"));      // a separator splits runs
  EXPECT_FALSE(Matches("合，同", "合同"));
  auto parts = ParseTitleQuery("合同");
  EXPECT_TRUE((*parts)[0].exact);
  EXPECT_EQ((*parts)[0].probes.at(0).term, "合同");
}

TEST(SearchTermsTest, LongerChineseNeedsTheExactCheck) {
  EXPECT_TRUE(Matches("华东年度销售合同", "年度销售合同"));
  // Every bigram is present, but not contiguously.
  EXPECT_FALSE(Matches("销售 售合同", "销售合同"));
  auto parts = ParseTitleQuery("年度销售合同");
  EXPECT_FALSE((*parts)[0].exact);
  EXPECT_EQ((*parts)[0].probes.size(), 5u);
}

TEST(SearchTermsTest, MixedChineseAndLatinIsSplitByScript) {
  auto parts = ParseTitleQuery("中文ABC");
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_TRUE((*parts)[0].cjk);
  EXPECT_EQ((*parts)[0].text, "中文");
  EXPECT_FALSE((*parts)[1].cjk);
  EXPECT_EQ((*parts)[1].text, "abc");
  EXPECT_TRUE(Matches("abcd 中文资料", "中文ABC"));
  EXPECT_FALSE(Matches("中文资料", "中文ABC"));
}

TEST(SearchTermsTest, LatinWordsMatchByPrefixIgnoringCase) {
  EXPECT_TRUE(Matches("Project Alpha", "pro"));
  EXPECT_TRUE(Matches("Project Alpha", "ALPHA"));
  EXPECT_FALSE(Matches("Project Alpha", "ject"));  // not a word start
  EXPECT_TRUE(Matches("SLA-v2", "v2"));
}

TEST(SearchTermsTest, FullWidthFoldsToAscii) {
  EXPECT_EQ(NormalizeForSearch("ＡＢＣ１２３"), "abc123");
  EXPECT_TRUE(Matches("Ｐｒｏｊｅｃｔ　２０２４", "project 2024"));
  EXPECT_TRUE(Matches("Project 2024", "ＰＲＯ"));
}

TEST(SearchTermsTest, DigitsAndYears) {
  EXPECT_TRUE(Matches("2023年度框架合同", "2023"));
  EXPECT_TRUE(Matches("2023年度框架合同", "202"));
  EXPECT_FALSE(Matches("2023年度框架合同", "023"));
  EXPECT_EQ(IndexTerms("2023年"), (std::vector<std::string>{"2023", "年"}));
}

TEST(SearchTermsTest, PunctuationSeparatesAndIsNeverATerm) {
  EXPECT_TRUE(Matches("报价（2024）·上海", "上海"));
  EXPECT_TRUE(Matches("报价 100%", "100%"));
  auto parts = ParseTitleQuery("%_ ，。");
  ASSERT_TRUE(parts.ok());
  EXPECT_TRUE(parts->empty());
  // Invalid UTF-8 separates; it is never echoed into a term.
  EXPECT_EQ(IndexTerms(std::string("ab\xff" "cd")), (std::vector<std::string>{"ab", "cd"}));
}

TEST(SearchTermsTest, RefusesLongQueries) {
  EXPECT_THAT(ParseTitleQuery(std::string(201, 'a')), StatusIs(StatusCode::kInvalidArgument, "search.query_too_long"));
  EXPECT_THAT(ParseTitleQuery("a b c d e f g h i"), StatusIs(StatusCode::kInvalidArgument, "search.too_many_words"));
  EXPECT_TRUE(ParseTitleQuery("a b c d e f g h").ok());
  EXPECT_TRUE(ParseTitleQuery("a a a a a a a a a a").ok());  // repeats count once
}

TEST(SearchTermsTest, PrefixUpperBoundIsTheNextCodePoint) {
  EXPECT_EQ(PrefixUpperBound("abc"), "abd");
  EXPECT_EQ(PrefixUpperBound("合"), "吉");  // U+5408 -> U+5409
  EXPECT_EQ(PrefixUpperBound("a\xed\x9f\xbf"), "a\xee\x80\x80");  // U+D7FF -> U+E000, skipping surrogates
  EXPECT_LT(std::string("abcz"), PrefixUpperBound("abc"));
  EXPECT_LT(std::string("合同"), PrefixUpperBound("合"));
}

}  // namespace
}  // namespace vault
