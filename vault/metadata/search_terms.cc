#include "vault/metadata/search_terms.h"

#include <algorithm>
#include <cstdint>

namespace vault {
namespace {

constexpr uint32_t kInvalid = 0xFFFFFFFF;

enum class Kind { kSeparator, kWord, kCjk };

// Decodes one code point at `i`, advancing it; kInvalid for a malformed,
// overlong or surrogate sequence (one byte is consumed then).
uint32_t Decode(const std::string& s, size_t& i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t c = b(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
  if (len == 0 || c >= 0xF5 || i + len > s.size()) {
    ++i;
    return kInvalid;
  }
  uint32_t cp = c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) {
      ++i;
      return kInvalid;
    }
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  const uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kInvalid;
  }
  i += len;
  return cp;
}

void Encode(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

uint32_t Normalize(uint32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII
  if (cp == 0x3000) cp = ' ';
  if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
  return cp;
}

Kind Classify(uint32_t cp) {
  // Invalid bytes and the private-use and noncharacter planes split words,
  // so no word holds U+10FFFF and PrefixUpperBound stays exact.
  if (cp == kInvalid || cp >= 0xE0000) return Kind::kSeparator;
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ? Kind::kWord : Kind::kSeparator;
  }
  if ((cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0x20000 && cp <= 0x2FFFF) || (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF) ||
      (cp >= 0xAC00 && cp <= 0xD7AF)) {
    return Kind::kCjk;
  }
  if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
      (cp >= 0xFE10 && cp <= 0xFE1F) || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFFEF)) {
    return Kind::kSeparator;
  }
  return Kind::kWord;
}

struct Run {
  bool cjk = false;
  std::vector<std::string> chars;  // one normalized code point each, UTF-8
  std::string Text() const {
    std::string out;
    for (const std::string& c : chars) out += c;
    return out;
  }
};

// The runs of `text` after normalization, in order.
std::vector<Run> Runs(const std::string& text) {
  std::vector<Run> runs;
  Kind previous = Kind::kSeparator;
  for (size_t i = 0; i < text.size();) {
    const uint32_t raw = Decode(text, i);
    const uint32_t cp = raw == kInvalid ? kInvalid : Normalize(raw);
    const Kind kind = Classify(cp);
    if (kind == Kind::kSeparator) {
      previous = kind;
      continue;
    }
    if (kind != previous) runs.push_back(Run{kind == Kind::kCjk, {}});
    std::string c;
    Encode(cp, c);
    runs.back().chars.push_back(std::move(c));
    previous = kind;
  }
  return runs;
}

}  // namespace

std::string NormalizeForSearch(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const uint32_t cp = Decode(text, i);
    if (cp == kInvalid) continue;
    Encode(Normalize(cp), out);
  }
  return out;
}

std::vector<std::string> IndexTerms(const std::string& title) {
  std::vector<std::string> terms;
  for (const Run& run : Runs(title)) {
    if (!run.cjk) {
      terms.push_back(run.Text());
      continue;
    }
    for (size_t k = 0; k + 1 < run.chars.size(); ++k) terms.push_back(run.chars[k] + run.chars[k + 1]);
    terms.push_back(run.chars.back());
  }
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  return terms;
}

StatusOr<std::vector<TitleQueryPart>> ParseTitleQuery(const std::string& query) {
  if (query.size() > kMaxTitleQueryBytes) {
    return InvalidArgumentError("search.query_too_long",
                                "title query longer than " + std::to_string(kMaxTitleQueryBytes) + " bytes");
  }
  std::vector<TitleQueryPart> parts;
  for (const Run& run : Runs(query)) {
    TitleQueryPart part;
    part.cjk = run.cjk;
    part.text = run.Text();
    // The same part twice adds nothing ("合同 合同").
    bool repeated = false;
    for (const TitleQueryPart& p : parts) repeated = repeated || (p.cjk == part.cjk && p.text == part.text);
    if (repeated) continue;
    if (!run.cjk || run.chars.size() == 1) {
      part.probes.push_back(TermProbe{part.text, /*prefix=*/true});
    } else {
      for (size_t k = 0; k + 1 < run.chars.size(); ++k) {
        std::string bigram = run.chars[k] + run.chars[k + 1];
        bool seen = false;
        for (const TermProbe& p : part.probes) seen = seen || p.term == bigram;
        if (!seen) part.probes.push_back(TermProbe{bigram, false});
      }
      // Bigrams present anywhere in a run do not make them adjacent.
      part.exact = run.chars.size() == 2;
    }
    parts.push_back(std::move(part));
    if (parts.size() > kMaxTitleQueryParts) {
      return InvalidArgumentError("search.too_many_words", "title query has more than " +
                                                               std::to_string(kMaxTitleQueryParts) + " words");
    }
  }
  return parts;
}

bool TitleMatches(const std::string& title, const std::vector<TitleQueryPart>& parts) {
  if (parts.empty()) return true;
  const std::vector<Run> runs = Runs(title);
  std::vector<std::string> texts;
  texts.reserve(runs.size());
  for (const Run& r : runs) texts.push_back(r.Text());
  for (const TitleQueryPart& part : parts) {
    bool found = false;
    for (size_t k = 0; k < runs.size() && !found; ++k) {
      if (runs[k].cjk != part.cjk) continue;
      // Both are whole UTF-8 sequences, so a byte match is a match of
      // whole characters.
      found = part.cjk ? texts[k].find(part.text) != std::string::npos : texts[k].compare(0, part.text.size(), part.text) == 0;
    }
    if (!found) return false;
  }
  return true;
}

std::string PrefixUpperBound(const std::string& prefix) {
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < prefix.size();) cps.push_back(Decode(prefix, i));
  while (!cps.empty() && (cps.back() == kInvalid || cps.back() == 0x10FFFF)) cps.pop_back();
  std::string out;
  if (cps.empty()) return out;
  uint32_t& last = cps.back();
  last = last == 0xD7FF ? 0xE000 : last + 1;
  for (uint32_t cp : cps) Encode(cp, out);
  return out;
}

}  // namespace vault
