// Search terms: the one tokenizer behind title search. The metadata store
// indexes a title's terms (IndexTerms) in the table search_terms and turns
// a query into probes of that table plus an exact check (ParseTitleQuery,
// TitleMatches). Metadata only: content is never tokenized.
//
// Normalization (titles and queries alike): full-width ASCII (U+FF01..FF5E)
// becomes ASCII, the ideographic space U+3000 a space, ASCII letters are
// lowercased. Then each character is
//   - CJK: Han (U+3400..4DBF, U+4E00..9FFF, U+F900..FAFF, U+20000..2FFFF),
//     kana (U+3040..30FF, U+31F0..31FF) and Hangul syllables (U+AC00..D7AF);
//   - a separator: ASCII that is not a letter or digit, U+0080..00BF,
//     U+00D7, U+00F7, U+2000..2BFF, U+3000..303F, U+FE10..FE1F,
//     U+FE30..FE4F, U+FF00..FFEF (what is left there after the mapping),
//     and invalid UTF-8;
//   - otherwise a word character (ASCII letters and digits, other letters).
// A title is a sequence of runs: CJK runs and words (runs of word
// characters), split by separators and by a change of script ("2023年合同"
// is the word "2023" and the CJK run "年合同").
//
// Match semantics (TitleMatches; the index answers exactly this): a query is
// split the same way into parts, and a title matches when every part does:
//   - a CJK part matches when it occurs contiguously inside one CJK run of
//     the title ("合同" matches "销售合同书"; one character matches any run
//     holding it);
//   - a word part matches when some word of the title starts with it
//     (case-insensitively for ASCII and full-width Latin: "pro" and "ＰＲＯ"
//     match "Project"; "2023" matches "2023年");
//   - a mixed query word "中文ABC" is the parts "中文" and "abc".
// Whitespace between query words means nothing more than a part boundary.
//
// Index terms of a title: every pair of adjacent characters of a CJK run
// (bigram), the last character of every CJK run (so a one-character run is
// indexed too) and every word. Probes of a query part:
//   - one CJK character c: the terms starting with c (the range
//     [c, PrefixUpperBound(c))): c is either followed by another character of
//     its run (a bigram "c?") or ends the run (the unigram "c"), so the
//     range is exact while the index holds about 45% fewer rows than with
//     every unigram (measured in docs/benchmarks.md);
//   - two CJK characters: their bigram (exact);
//   - three or more: each of their bigrams (candidates; TitleMatches then
//     checks they are contiguous);
//   - a word: the range of words starting with it (exact).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault {

// Limits on a query, checked by ParseTitleQuery.
inline constexpr size_t kMaxTitleQueryBytes = 200;
inline constexpr size_t kMaxTitleQueryParts = 8;

// One probe of the index: the term itself, or every term starting with it.
struct TermProbe {
  std::string term;
  bool prefix = false;
};

struct TitleQueryPart {
  bool cjk = false;
  std::string text;  // normalized UTF-8
  // What a matching title's terms must include; `exact` when that is the
  // whole answer, false when TitleMatches must confirm a candidate.
  std::vector<TermProbe> probes;
  bool exact = true;
};

// Normalizes `text` as described above (mapping and lowercasing only).
std::string NormalizeForSearch(const std::string& text);

// The distinct index terms of a title, sorted.
std::vector<std::string> IndexTerms(const std::string& title);

// The parts of a query; no parts for a query without any word or CJK
// character. search.query_too_long past kMaxTitleQueryBytes,
// search.too_many_words past kMaxTitleQueryParts (INVALID_ARGUMENT; the
// messages never repeat the query).
StatusOr<std::vector<TitleQueryPart>> ParseTitleQuery(const std::string& query);

// True when every part matches `title` (the semantics above).
bool TitleMatches(const std::string& title, const std::vector<TitleQueryPart>& parts);

// The smallest string greater than every string that starts with `prefix`
// in code-point (= UTF-8 byte) order: the last code point incremented, so
// the bound is valid UTF-8 (PostgreSQL refuses anything else).
std::string PrefixUpperBound(const std::string& prefix);

}  // namespace vault
