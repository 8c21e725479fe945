#include "vault/print/text.h"

#include <string_view>

namespace vault {
namespace {

bool IsDigits(const std::string& s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

constexpr char32_t kReplacement = 0xFFFD;

// Decodes UTF-8; a malformed sequence becomes U+FFFD. Characters outside
// the BMP do too: libharu's UTF-8 mode (and the ToUnicode fix) covers the
// BMP only.
std::u32string Decode(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (b < 0x80) {
      len = 1, cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2, cp = b & 0x1F, min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3, cp = b & 0x0F, min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4, cp = b & 0x07, min = 0x10000;
    } else {
      out += kReplacement;
      ++i;
      continue;
    }
    size_t k = 1;
    for (; k < len && i + k < s.size(); ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) break;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (k < len) {  // truncated: resynchronise at the byte that broke it
      out += kReplacement;
      i += k;
      continue;
    }
    i += len;
    const bool bad = cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0xFFFF;
    out += bad ? kReplacement : cp;
  }
  return out;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string Utf8(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) AppendUtf8(c, &out);
  return out;
}

// What may be drawn: tabs become spaces, other control characters go;
// newlines stay only where `keep_newlines` (table cells).
std::u32string Printable(const std::string& s, bool keep_newlines) {
  std::u32string out;
  const std::u32string in = Decode(s);
  for (size_t i = 0; i < in.size(); ++i) {
    char32_t c = in[i];
    if (c == '\r' && i + 1 < in.size() && in[i + 1] == '\n') continue;
    if (c == '\r' || c == '\n') {
      out += keep_newlines ? U'\n' : U' ';
    } else if (c == '\t') {
      out += U' ';
    } else if (c >= 0x20 && !(c >= 0x7F && c <= 0x9F)) {
      out += c;
    }
  }
  return out;
}

// Chinese text may break between any two characters (bar the punctuation
// below); Latin words only at spaces unless a word is wider than the line.
bool IsWide(char32_t c) { return c >= 0x2E80; }
bool NoLineStart(char32_t c) {
  static const std::u32string kClosing = U"，。、；：！？）》」』”’〕】〉…,.;:!?)]}";
  return kClosing.find(c) != std::u32string::npos;
}
bool NoLineEnd(char32_t c) {
  static const std::u32string kOpening = U"（《「『“‘〔【〈([{";
  return kOpening.find(c) != std::u32string::npos;
}
// Whether a line may end after `before` and the next begin with `c`.
bool CanBreak(char32_t before, char32_t c) {
  if (NoLineStart(c) || NoLineEnd(before)) return false;
  return before == U' ' || IsWide(c) || IsWide(before);
}

std::u32string TrimSpaces(std::u32string s) {
  while (!s.empty() && s.back() == U' ') s.pop_back();
  size_t start = 0;
  while (start < s.size() && s[start] == U' ') ++start;
  return s.substr(start);
}
}  // namespace

std::string DisplayTime(const std::string& s) {
  const bool head = IsDigits(s, 0, 4) && s.size() > 16 && s[4] == '-' && IsDigits(s, 5, 2) &&
                    s[7] == '-' && IsDigits(s, 8, 2) &&
                    (s[10] == 'T' || s[10] == 't' || s[10] == ' ') && IsDigits(s, 11, 2) &&
                    s[13] == ':' && IsDigits(s, 14, 2);
  if (!head) return s;
  size_t at = 16;
  if (at < s.size() && s[at] == ':') {
    if (!IsDigits(s, at + 1, 2)) return s;
    at += 3;
    if (at < s.size() && s[at] == '.') {
      ++at;
      const size_t digits = at;
      while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
      if (at == digits) return s;
    }
  }
  const std::string zone = s.substr(at);
  const bool zone_ok = zone == "Z" || zone == "z" ||
                       (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') &&
                        IsDigits(zone, 1, 2) && zone[3] == ':' && IsDigits(zone, 4, 2));
  if (!zone_ok) return s;
  return s.substr(0, 10) + " " + s.substr(11, 5);
}

std::string OneLine(const std::string& s) { return Utf8(Printable(s, false)); }

double TextMeasure::Width(char32_t c) {
  auto it = cache_.find(c);
  if (it != cache_.end()) return it->second;
  std::string utf8;
  AppendUtf8(c, &utf8);
  const HPDF_TextWidth w = HPDF_Font_TextWidth(
      font_, reinterpret_cast<const HPDF_BYTE*>(utf8.data()), static_cast<HPDF_UINT>(utf8.size()));
  const double width = w.width * size_ / 1000.0;
  cache_.emplace(c, width);
  return width;
}

double TextMeasure::Width(const std::u32string& s) {
  double sum = 0;
  for (char32_t c : s) sum += Width(c);
  return sum;
}

std::vector<std::string> WrapText(const std::string& text, double width, TextMeasure& measure) {
  std::vector<std::string> lines;
  std::u32string line;
  double line_width = 0;
  size_t last_break = std::u32string::npos;  // index in `line` where a new line may start
  auto emit = [&](std::u32string s) { lines.push_back(Utf8(TrimSpaces(std::move(s)))); };
  for (char32_t c : Printable(text, true)) {
    if (c == U'\n') {
      emit(std::move(line));
      line.clear(), line_width = 0, last_break = std::u32string::npos;
      continue;
    }
    if (line.empty() && c == U' ') continue;  // no leading spaces after a break
    const double w = measure.Width(c);
    if (line_width + w > width && !line.empty() && c != U' ') {
      const bool here = CanBreak(line.back(), c);
      std::u32string rest;
      if (!here && last_break != std::u32string::npos && last_break > 0) {
        rest = line.substr(last_break);
        line.resize(last_break);
      }
      emit(std::move(line));
      line = TrimSpaces(std::move(rest));
      line_width = measure.Width(line);
      last_break = std::u32string::npos;
      if (!line.empty() && line_width + w > width) {  // a word wider than the line
        emit(std::move(line));
        line.clear(), line_width = 0;
      }
    }
    if (!line.empty() && CanBreak(line.back(), c)) last_break = line.size();
    line += c;
    line_width += w;
  }
  if (!line.empty() || lines.empty()) emit(std::move(line));
  return lines;
}

}  // namespace vault
