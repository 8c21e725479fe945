#include "vault/borrow/borrow_register.h"

#include <hpdf.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "vault/export/haru_doc.h"
#include "vault/export/to_unicode.h"

namespace vault {
namespace {

constexpr size_t kColumns = 12;

// ---------------------------------------------------------------- CSV

// Spreadsheet programs run a cell that starts with one of these as a
// formula. Tab and CR are on OWASP's list too: some programs strip them and
// then see the formula behind them.
bool StartsFormula(const std::string& field) {
  return !field.empty() && std::string_view("=+-@\t\r").find(field[0]) != std::string_view::npos;
}

void AppendCsvField(const std::string& raw, std::string* out) {
  const std::string field = StartsFormula(raw) ? "'" + raw : raw;
  if (field.find_first_of(",\"\r\n") == std::string::npos) {
    *out += field;
    return;
  }
  *out += '"';
  for (char c : field) {
    if (c == '"') *out += '"';
    *out += c;
  }
  *out += '"';
}

void AppendCsvRow(const std::array<const std::string*, kColumns>& fields, std::string* out) {
  for (size_t i = 0; i < kColumns; ++i) {
    if (i > 0) *out += ',';
    AppendCsvField(*fields[i], out);
  }
  *out += "\r\n";
}

// ---------------------------------------------------------------- text

bool IsDigits(const std::string& s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// "2026-11-22T10:00:00+08:00" -> "2026-11-22 10:00", the wall-clock time
// as written (the offset is the recorder's, no conversion); anything that
// is not RFC 3339 date-time is shown as given.
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

std::string Utf8(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) AppendUtf8(c, &out);
  return out;
}

// Chinese text may break between any two characters (bar the punctuation
// below); Latin words only at spaces unless a word is wider than the cell.
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

// Glyph widths of the register font, in points at one size.
class Measure {
 public:
  Measure(HPDF_Font font, double size) : font_(font), size_(size) {}

  double Width(char32_t c) {
    auto it = cache_.find(c);
    if (it != cache_.end()) return it->second;
    std::string utf8;
    AppendUtf8(c, &utf8);
    const HPDF_TextWidth w =
        HPDF_Font_TextWidth(font_, reinterpret_cast<const HPDF_BYTE*>(utf8.data()),
                            static_cast<HPDF_UINT>(utf8.size()));
    const double width = w.width * size_ / 1000.0;
    cache_.emplace(c, width);
    return width;
  }
  double Width(const std::u32string& s) {
    double sum = 0;
    for (char32_t c : s) sum += Width(c);
    return sum;
  }

 private:
  HPDF_Font font_;
  double size_;
  std::unordered_map<char32_t, double> cache_;
};

std::u32string TrimSpaces(std::u32string s) {
  while (!s.empty() && s.back() == U' ') s.pop_back();
  size_t start = 0;
  while (start < s.size() && s[start] == U' ') ++start;
  return s.substr(start);
}

// Greedy line breaking of one cell into lines no wider than `width`,
// splitting only between whole characters. Never returns no lines.
std::vector<std::string> Wrap(const std::string& text, double width, Measure& measure) {
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
      if (!line.empty() && line_width + w > width) {  // a word wider than the cell
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

// ---------------------------------------------------------------- layout

constexpr double kPageWidth = 842;  // A4 landscape
constexpr double kPageHeight = 595;
constexpr double kMargin = 28;
constexpr double kTableWidth = kPageWidth - 2 * kMargin;
constexpr double kTextSize = 9;
constexpr double kTitleSize = 14;
constexpr double kFooterSize = 8;
constexpr double kLeading = kTextSize * 1.3;
constexpr double kPadX = 3;
constexpr double kPadY = 2.5;
constexpr double kWordGap = 0.6;  // em, between the words of a title or footer
constexpr double kTableBottom = kMargin;
// Page 1 carries the title and the generation line above the table.
constexpr double kFirstTableTop = kPageHeight - kMargin - kTitleSize - 24;
constexpr double kTableTop = kPageHeight - kMargin;

// Relative widths (points, summing to the table width): purpose, title and
// note get room to wrap; every column name fits on one line, and so do two
// approvers with three-character names; the dates fit
// "YYYY-MM-DD" on a line (the time wraps below); an archive number such as
// HT-2026-0001 fits on one line.
constexpr std::array<double, kColumns> kWeights = {62, 56, 84, 76, 34, 94, 70, 62, 62, 62, 60, 64};

std::array<double, kColumns> ColumnWidths() {
  double total = 0;
  for (double w : kWeights) total += w;
  std::array<double, kColumns> widths{};
  for (size_t i = 0; i < kColumns; ++i) widths[i] = kWeights[i] * kTableWidth / total;
  return widths;
}

// One printed row (or the part of a too-tall row that fits on a page).
struct Band {
  std::array<std::vector<std::string>, kColumns> cells;
  size_t lines = 1;
  double Height() const { return 2 * kPadY + static_cast<double>(lines) * kLeading; }
};

size_t MaxLines(const Band& band) {
  size_t n = 1;
  for (const auto& cell : band.cells) n = std::max(n, cell.size());
  return n;
}

struct Layout {
  Band header;
  std::vector<std::vector<Band>> pages;  // body bands per page
};

Band WrapRow(const std::array<std::string, kColumns>& fields,
             const std::array<double, kColumns>& widths, Measure& measure) {
  Band band;
  for (size_t i = 0; i < kColumns; ++i) {
    band.cells[i] = Wrap(fields[i], widths[i] - 2 * kPadX, measure);
  }
  band.lines = MaxLines(band);
  return band;
}

std::array<std::string, kColumns> Fields(const RegisterRow& r) {
  return {r.borrower,
          r.department,
          r.title,
          r.archive_number,
          r.classification,
          r.purpose,
          r.approvers,
          DisplayTime(r.borrowed_at),
          DisplayTime(r.due_at),
          DisplayTime(r.returned_at),
          r.state,
          r.note};
}

// Puts the rows on pages: a row that does not fit below the previous one
// starts a new page; a row taller than a whole page is split by lines and
// continues at the top of the next.
Layout Paginate(const std::vector<RegisterRow>& rows, Measure& measure) {
  const auto widths = ColumnWidths();
  Layout layout;
  std::array<std::string, kColumns> names;
  std::copy(RegisterColumns().begin(), RegisterColumns().end(), names.begin());
  layout.header = WrapRow(names, widths, measure);
  layout.pages.emplace_back();
  double y = kFirstTableTop - layout.header.Height();
  auto new_page = [&] {
    layout.pages.emplace_back();
    y = kTableTop - layout.header.Height();
  };
  for (const RegisterRow& row : rows) {
    Band band = WrapRow(Fields(row), widths, measure);
    while (true) {
      if (y - band.Height() >= kTableBottom) {
        y -= band.Height();
        layout.pages.back().push_back(std::move(band));
        break;
      }
      // A row that would not fit even on a page of its own is split
      // wherever it is; any other row moves whole to the next page.
      const double fit_lines = std::floor((y - kTableBottom - 2 * kPadY) / kLeading);
      const bool split =
          band.Height() > kTableTop - layout.header.Height() - kTableBottom && fit_lines >= 1;
      if (!split && !layout.pages.back().empty()) {
        new_page();
        continue;
      }
      const auto fit = static_cast<size_t>(std::max(1.0, fit_lines));
      Band head, rest;
      for (size_t i = 0; i < kColumns; ++i) {
        auto& cell = band.cells[i];
        const auto cut = cell.begin() + static_cast<std::ptrdiff_t>(std::min(fit, cell.size()));
        head.cells[i].assign(cell.begin(), cut);
        rest.cells[i].assign(cut, cell.end());
      }
      head.lines = fit;
      rest.lines = MaxLines(rest);
      layout.pages.back().push_back(std::move(head));
      new_page();
      band = std::move(rest);
    }
  }
  return layout;
}

// ---------------------------------------------------------------- drawing

class PageWriter {
 public:
  PageWriter(HPDF_Page page, HPDF_Font font, double ascent)
      : page_(page), font_(font), ascent_(ascent) {}

  // Header fill, then the grid, then all text in one text object.
  void Table(const Band& header, const std::vector<Band>& bands, double top) {
    const auto widths = ColumnWidths();
    double bottom = top - header.Height();
    for (const Band& b : bands) bottom -= b.Height();

    HPDF_Page_SetGrayFill(page_, 0.88f);
    HPDF_Page_Rectangle(page_, R(kMargin), R(top - header.Height()), R(kTableWidth),
                        R(header.Height()));
    HPDF_Page_Fill(page_);

    HPDF_Page_SetLineWidth(page_, 0.4f);
    HPDF_Page_SetGrayStroke(page_, 0.25f);
    double y = top;
    Rule(kMargin, y, kMargin + kTableWidth, y);
    y -= header.Height();
    Rule(kMargin, y, kMargin + kTableWidth, y);
    for (const Band& b : bands) {
      y -= b.Height();
      Rule(kMargin, y, kMargin + kTableWidth, y);
    }
    double x = kMargin;
    Rule(x, top, x, bottom);
    for (double w : widths) {
      x += w;
      Rule(x, top, x, bottom);
    }
    HPDF_Page_Stroke(page_);

    HPDF_Page_SetGrayFill(page_, 0.0f);
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, font_, R(kTextSize));
    y = top;
    BandText(header, y, widths);
    y -= header.Height();
    for (const Band& b : bands) {
      BandText(b, y, widths);
      y -= b.Height();
    }
    HPDF_Page_EndText(page_);
  }

  // One line of text at (x, baseline y), shrunk to `max_width` if needed.
  // Words are placed one by one with a gap wider than the font's narrow
  // space: pdftotext -layout drops a gap that narrow on a sparse page
  // ("第1/2页").
  void Line(const std::string& text, double x, double y, double size, double max_width,
            bool centered) {
    std::vector<std::pair<std::string, size_t>> words;  // word, spaces before it
    size_t spaces = 0;
    for (size_t at = 0; at <= text.size();) {
      const size_t end = std::min(text.find(' ', at), text.size());
      if (end > at) {
        words.emplace_back(text.substr(at, end - at), words.empty() ? 0 : spaces);
        spaces = 0;
      }
      if (end < text.size()) ++spaces;
      at = end + 1;
    }
    if (words.empty()) return;
    auto width_at = [&](double s) {
      HPDF_Page_SetFontAndSize(page_, font_, R(s));
      double w = 0;
      for (const auto& [word, gap] : words) {
        w += HPDF_Page_TextWidth(page_, word.c_str()) + gap * kWordGap * s;
      }
      return w;
    };
    double width = width_at(size);
    if (width > max_width && width > 0) {
      size = std::max(4.0, size * max_width / width);
      width = width_at(size);
    }
    if (centered) x -= width / 2;
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, font_, R(size));
    for (const auto& [word, gap] : words) {
      x += gap * kWordGap * size;
      HPDF_Page_TextOut(page_, R(x), R(y), word.c_str());
      x += HPDF_Page_TextWidth(page_, word.c_str());
    }
    HPDF_Page_EndText(page_);
  }

 private:
  static HPDF_REAL R(double v) { return static_cast<HPDF_REAL>(v); }

  void Rule(double x0, double y0, double x1, double y1) {
    HPDF_Page_MoveTo(page_, R(x0), R(y0));
    HPDF_Page_LineTo(page_, R(x1), R(y1));
  }

  void BandText(const Band& band, double top, const std::array<double, kColumns>& widths) {
    double x = kMargin;
    for (size_t i = 0; i < kColumns; ++i) {
      double baseline = top - kPadY - ascent_ * kTextSize;
      for (const std::string& line : band.cells[i]) {
        if (!line.empty()) HPDF_Page_TextOut(page_, R(x + kPadX), R(baseline), line.c_str());
        baseline -= kLeading;
      }
      x += widths[i];
    }
  }

  HPDF_Page page_;
  HPDF_Font font_;
  double ascent_;
};

}  // namespace

const std::vector<std::string>& RegisterColumns() {
  static const std::vector<std::string> kNames = {
      "借阅人", "部门",     "档案名称", "档案编号",     "密级", "借阅目的",
      "审批人", "借阅日期", "应还日期", "实际归还日期", "状态", "备注"};
  return kNames;
}

std::string RegisterCsv(const std::vector<RegisterRow>& rows) {
  std::string out = "\xEF\xBB\xBF";
  const auto& names = RegisterColumns();
  std::array<const std::string*, kColumns> fields{};
  for (size_t i = 0; i < kColumns; ++i) fields[i] = &names[i];
  AppendCsvRow(fields, &out);
  for (const RegisterRow& r : rows) {
    AppendCsvRow(
        {&r.borrower, &r.department, &r.title, &r.archive_number, &r.classification, &r.purpose,
         &r.approvers, &r.borrowed_at, &r.due_at, &r.returned_at, &r.state, &r.note},
        &out);
  }
  return out;
}

StatusOr<std::string> RegisterPdf(const std::vector<RegisterRow>& rows, const std::string& title,
                                  const std::string& generated_at, const std::string& font_file) {
  if (access(font_file.c_str(), R_OK) != 0) {
    return FailedPreconditionError("stamp.font_missing",
                                   "the register font is not installed: " + font_file);
  }
  HaruDoc pdf;
  if (!pdf) return InternalError("register.render_failed", "libharu could not start");
  HPDF_Doc doc = pdf.get();
  HPDF_UseUTFEncodings(doc);
  HPDF_SetCurrentEncoder(doc, "UTF-8");
  const bool ttc = font_file.size() > 4 && font_file.compare(font_file.size() - 4, 4, ".ttc") == 0;
  const char* name = ttc ? HPDF_LoadTTFontFromFile2(doc, font_file.c_str(), 0, HPDF_TRUE)
                         : HPDF_LoadTTFontFromFile(doc, font_file.c_str(), HPDF_TRUE);
  HPDF_Font font = name ? HPDF_GetFont(doc, name, "UTF-8") : nullptr;
  if (!font || pdf.error() != HPDF_OK) {
    return InternalError("register.render_failed", "cannot load the register font " + font_file +
                                                       " (libharu error " +
                                                       std::to_string(pdf.error()) + ")");
  }
  const double ascent = HPDF_Font_GetAscent(font) / 1000.0;

  Measure measure(font, kTextSize);
  const Layout layout = Paginate(rows, measure);
  const size_t total = layout.pages.size();
  const std::string heading = Utf8(Printable(title, false));
  const std::string generated = "生成时间：" + Utf8(Printable(DisplayTime(generated_at), false)) +
                                "　　共 " + std::to_string(rows.size()) + " 条";
  for (size_t n = 0; n < total && pdf.error() == HPDF_OK; ++n) {
    HPDF_Page page = HPDF_AddPage(doc);
    HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(kPageWidth));
    HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(kPageHeight));
    PageWriter writer(page, font, ascent);
    double top = kTableTop;
    if (n == 0) {
      writer.Line(heading, kMargin, kPageHeight - kMargin - kTitleSize * ascent, kTitleSize,
                  kTableWidth, false);
      writer.Line(generated, kMargin, kPageHeight - kMargin - kTitleSize - 14, kTextSize,
                  kTableWidth, false);
      top = kFirstTableTop;
    }
    writer.Table(layout.header, layout.pages[n], top);
    writer.Line("第 " + std::to_string(n + 1) + " / " + std::to_string(total) + " 页",
                kPageWidth / 2, kMargin / 2, kFooterSize, kTableWidth, true);
  }
  std::string out = pdf.Save();
  if (out.empty()) {
    return InternalError("register.render_failed", "libharu error " + std::to_string(pdf.error()) +
                                                       "/" + std::to_string(pdf.detail()));
  }
  Status fixed = FixHaruToUnicode(&out);
  if (!fixed.ok()) return InternalError("register.render_failed", fixed.message());
  return out;
}

}  // namespace vault
