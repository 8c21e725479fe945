// Text for printing with libharu in a CJK TrueType font: clean-up
// (malformed UTF-8, control characters), RFC 3339 times shown to the
// minute, glyph widths, and line breaking for Chinese and Latin text.
//
// Thread-safety: the functions are stateless; a TextMeasure belongs to one
// rendering (one thread).
#pragma once

#include <hpdf.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace vault {

// "2026-11-22T10:00:00+08:00" -> "2026-11-22 10:00" (the wall-clock time as
// written, no conversion); anything that is not an RFC 3339 date-time is
// returned as given.
std::string DisplayTime(const std::string& rfc3339);

// `s` as one printable line: malformed UTF-8 and characters outside the BMP
// become U+FFFD, newlines and tabs spaces, other control characters go.
std::string OneLine(const std::string& s);

// Glyph widths of a font at one size, in points, cached per character.
class TextMeasure {
 public:
  TextMeasure(HPDF_Font font, double size) : font_(font), size_(size) {}
  double Width(char32_t c);
  double Width(const std::u32string& s);

 private:
  HPDF_Font font_;
  double size_;
  std::unordered_map<char32_t, double> cache_;
};

// Greedy line breaking of `text` into lines no wider than `width`: newlines
// kept, Chinese breakable between characters (bar closing/opening
// punctuation), Latin words at spaces, a word wider than the line (a hash)
// cut between characters. Never returns no lines.
std::vector<std::string> WrapText(const std::string& text, double width, TextMeasure& measure);

}  // namespace vault
