#include "vault/export/pdf_table.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <string_view>
#include <utility>

#include "vault/export/to_unicode.h"

namespace vault {
namespace {

HPDF_REAL R(double v) { return static_cast<HPDF_REAL>(v); }

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

size_t MaxLines(const TableBand& band) {
  size_t n = 1;
  for (const auto& cell : band.cells) n = std::max(n, cell.size());
  return n;
}

void Rule(HPDF_Page page, double x0, double y0, double x1, double y1) {
  HPDF_Page_MoveTo(page, R(x0), R(y0));
  HPDF_Page_LineTo(page, R(x1), R(y1));
}

// ---------------------------------------------------------------- pool

struct IdleDoc {
  std::unique_ptr<HaruDoc> doc;
  std::string font_name;
};

class FontDocPool {
 public:
  static constexpr size_t kMaxIdle = 4;

  bool Take(const std::string& font_file, IdleDoc* out) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& idle = idle_[font_file];
    while (!idle.empty()) {
      IdleDoc d = std::move(idle.back());
      idle.pop_back();
      if (d.doc->Reset()) {
        *out = std::move(d);
        return true;
      }
    }
    return false;
  }

  void Give(const std::string& font_file, IdleDoc d) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& idle = idle_[font_file];
    if (idle.size() < kMaxIdle) idle.push_back(std::move(d));
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<IdleDoc>> idle_;
};

FontDocPool& Pool() {
  static FontDocPool* pool = new FontDocPool;  // never destroyed: leases may outlive statics
  return *pool;
}

}  // namespace

// ---------------------------------------------------------------- CSV, text

void AppendCsvRow(const std::vector<std::string>& fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) *out += ',';
    AppendCsvField(fields[i], out);
  }
  *out += "\r\n";
}

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

// ---------------------------------------------------------------- tables

double TableStyle::table_width() const {
  double sum = 0;
  for (double w : widths) sum += w;
  return sum;
}

TableBand WrapBand(const std::vector<std::string>& fields, const TableStyle& style,
                   TextMeasure& measure) {
  TableBand band;
  band.cells.resize(style.widths.size());
  for (size_t i = 0; i < style.widths.size() && i < fields.size(); ++i) {
    band.cells[i] = WrapText(fields[i], style.widths[i] - 2 * style.pad_x, measure);
  }
  band.lines = MaxLines(band);
  return band;
}

double PdfFlow::Take(double height) {
  if (!Fits(height) && !AtPageTop()) NewPage();
  const double top = y_;
  y_ -= height;
  return top;
}

std::vector<TableChunk> FlowTable(const TableBand* header, std::vector<TableBand> rows,
                                  const TableStyle& style, PdfFlow* flow) {
  const double header_height = header ? header->Height(style) : 0;
  std::vector<TableChunk> chunks;
  auto open_chunk = [&] {
    if (!flow->Fits(header_height) && !flow->AtPageTop()) flow->NewPage();
    chunks.push_back({flow->page(), flow->y(), {}});
    flow->Skip(header_height);
  };
  auto next_page = [&] {
    flow->NewPage();
    open_chunk();
  };
  open_chunk();
  for (TableBand& row : rows) {
    TableBand band = std::move(row);
    while (true) {
      const double height = band.Height(style);
      if (flow->Fits(height)) {
        flow->Skip(height);
        chunks.back().bands.push_back(std::move(band));
        break;
      }
      const double fit_lines =
          std::floor((flow->y() - flow->bottom() - 2 * style.pad_y) / style.leading);
      const bool too_tall = height > flow->top() - header_height - flow->bottom();
      const bool fresh = chunks.back().bands.empty() && chunks.back().top >= flow->top();
      // A row that would not fit even on a page of its own is split where it
      // is (if a line fits); any other row moves whole to the next page.
      if (!(too_tall && fit_lines >= 1) && !fresh) {
        if (chunks.back().bands.empty()) {  // nothing of the table here: move the header too
          chunks.pop_back();
          flow->NewPage();
          open_chunk();
        } else {
          next_page();
        }
        continue;
      }
      const auto fit = static_cast<size_t>(std::max(1.0, fit_lines));
      TableBand head, rest;
      head.cells.resize(band.cells.size());
      rest.cells.resize(band.cells.size());
      for (size_t i = 0; i < band.cells.size(); ++i) {
        auto& cell = band.cells[i];
        const auto cut = cell.begin() + static_cast<std::ptrdiff_t>(std::min(fit, cell.size()));
        head.cells[i].assign(cell.begin(), cut);
        rest.cells[i].assign(cut, cell.end());
      }
      head.lines = fit;
      rest.lines = MaxLines(rest);
      flow->Skip(head.Height(style));
      chunks.back().bands.push_back(std::move(head));
      next_page();
      band = std::move(rest);
    }
  }
  return chunks;
}

void PageWriter::Table(const TableStyle& style, const TableBand* header,
                       const std::vector<TableBand>& bands, double top) {
  const double width = style.table_width();
  const double left = style.left;
  const double header_height = header ? header->Height(style) : 0;
  double bottom = top - header_height;
  for (const TableBand& b : bands) bottom -= b.Height(style);

  if (header) {
    HPDF_Page_SetGrayFill(page_, R(style.header_gray));
    HPDF_Page_Rectangle(page_, R(left), R(top - header_height), R(width), R(header_height));
    HPDF_Page_Fill(page_);
  }
  HPDF_Page_SetLineWidth(page_, 0.4f);
  HPDF_Page_SetGrayStroke(page_, 0.25f);
  double y = top;
  Rule(page_, left, y, left + width, y);
  y -= header_height;
  if (header) Rule(page_, left, y, left + width, y);
  for (const TableBand& b : bands) {
    y -= b.Height(style);
    Rule(page_, left, y, left + width, y);
  }
  double x = left;
  Rule(page_, x, top, x, bottom);
  for (double w : style.widths) {
    x += w;
    Rule(page_, x, top, x, bottom);
  }
  HPDF_Page_Stroke(page_);

  HPDF_Page_SetGrayFill(page_, 0.0f);
  HPDF_Page_BeginText(page_);
  HPDF_Page_SetFontAndSize(page_, font_, R(style.text_size));
  auto band_text = [&](const TableBand& band, double band_top) {
    double cx = left;
    for (size_t i = 0; i < style.widths.size() && i < band.cells.size(); ++i) {
      double baseline = band_top - style.pad_y - ascent_ * style.text_size;
      for (const std::string& line : band.cells[i]) {
        if (!line.empty()) HPDF_Page_TextOut(page_, R(cx + style.pad_x), R(baseline), line.c_str());
        baseline -= style.leading;
      }
      cx += style.widths[i];
    }
  };
  y = top;
  if (header) band_text(*header, y);
  y -= header_height;
  for (const TableBand& b : bands) {
    band_text(b, y);
    y -= b.Height(style);
  }
  HPDF_Page_EndText(page_);
}

void PageWriter::Line(const std::string& text, double x, double y, double size, double max_width,
                      bool centered) {
  constexpr double kWordGap = 0.6;                    // em
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
      w += HPDF_Page_TextWidth(page_, word.c_str()) + static_cast<double>(gap) * kWordGap * s;
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
    x += static_cast<double>(gap) * kWordGap * size;
    HPDF_Page_TextOut(page_, R(x), R(y), word.c_str());
    x += HPDF_Page_TextWidth(page_, word.c_str());
  }
  HPDF_Page_EndText(page_);
}

// ---------------------------------------------------------------- registers

StatusOr<std::string> RegisterTablePdf(const std::vector<std::string>& columns,
                                       const std::vector<double>& weights,
                                       const std::vector<std::vector<std::string>>& rows,
                                       const std::string& title, const std::string& generated_at,
                                       const std::string& font_file,
                                       const std::string& failure_reason) {
  constexpr double kPageWidth = 842;  // A4 landscape
  constexpr double kPageHeight = 595;
  constexpr double kMargin = 28;
  constexpr double kTableWidth = kPageWidth - 2 * kMargin;
  constexpr double kTextSize = 9;
  constexpr double kTitleSize = 14;
  constexpr double kFooterSize = 8;
  // Page 1 carries the title and the generation line above the table.
  constexpr double kFirstTableTop = kPageHeight - kMargin - kTitleSize - 24;
  constexpr double kTableTop = kPageHeight - kMargin;
  if (weights.size() != columns.size() || columns.empty()) {
    return InternalError(failure_reason, "one width per column");
  }
  VAULT_ASSIGN_OR_RETURN(FontDocLease lease, FontDocLease::Acquire(font_file, failure_reason));
  HaruDoc& pdf = lease.doc();
  HPDF_Font font = lease.font();

  TableStyle style;
  style.left = kMargin;
  style.text_size = kTextSize;
  style.leading = kTextSize * 1.3;
  double total_weight = 0;
  for (double w : weights) total_weight += w;
  for (double w : weights) style.widths.push_back(w * kTableWidth / total_weight);
  TextMeasure measure(font, kTextSize);
  const TableBand header = WrapBand(columns, style, measure);
  std::vector<TableBand> bands;
  bands.reserve(rows.size());
  for (const auto& row : rows) bands.push_back(WrapBand(row, style, measure));
  PdfFlow flow(kFirstTableTop, kTableTop, kMargin);
  const std::vector<TableChunk> chunks = FlowTable(&header, std::move(bands), style, &flow);
  const size_t total = flow.pages();
  const std::string generated = "生成时间：" + OneLine(DisplayTime(generated_at)) + "　　共 " +
                                std::to_string(rows.size()) + " 条";
  size_t next = 0;
  for (size_t n = 0; n < total && pdf.error() == HPDF_OK; ++n) {
    HPDF_Page page = HPDF_AddPage(pdf.get());
    HPDF_Page_SetWidth(page, R(kPageWidth));
    HPDF_Page_SetHeight(page, R(kPageHeight));
    PageWriter writer(page, font, lease.ascent());
    if (n == 0) {
      writer.Line(OneLine(title), kMargin, kPageHeight - kMargin - kTitleSize * lease.ascent(),
                  kTitleSize, kTableWidth, false);
      writer.Line(generated, kMargin, kPageHeight - kMargin - kTitleSize - 14, kTextSize,
                  kTableWidth, false);
    }
    for (; next < chunks.size() && chunks[next].page == n; ++next) {
      writer.Table(style, &header, chunks[next].bands, chunks[next].top);
    }
    writer.Line("第 " + std::to_string(n + 1) + " / " + std::to_string(total) + " 页",
                kPageWidth / 2, kMargin / 2, kFooterSize, kTableWidth, true);
  }
  return FinishHaruPdf(pdf, failure_reason);
}

StatusOr<std::string> FinishHaruPdf(HaruDoc& pdf, const std::string& failure_reason) {
  std::string out = pdf.Save();
  if (out.empty()) {
    return InternalError(failure_reason, "libharu error " + std::to_string(pdf.error()) + "/" +
                                             std::to_string(pdf.detail()));
  }
  Status fixed = FixHaruToUnicode(&out);
  if (!fixed.ok()) return InternalError(failure_reason, fixed.message());
  return out;
}

// ---------------------------------------------------------------- fonts

StatusOr<FontDocLease> FontDocLease::Acquire(const std::string& font_file,
                                             const std::string& failure_reason) {
  if (access(font_file.c_str(), R_OK) != 0) {
    return FailedPreconditionError("stamp.font_missing", "the font is not installed: " + font_file);
  }
  IdleDoc d;
  if (!Pool().Take(font_file, &d)) {
    d.doc = std::make_unique<HaruDoc>();
    if (!*d.doc) return InternalError(failure_reason, "libharu could not start");
    HPDF_Doc doc = d.doc->get();
    HPDF_UseUTFEncodings(doc);
    const bool ttc =
        font_file.size() > 4 && font_file.compare(font_file.size() - 4, 4, ".ttc") == 0;
    const char* name = ttc ? HPDF_LoadTTFontFromFile2(doc, font_file.c_str(), 0, HPDF_TRUE)
                           : HPDF_LoadTTFontFromFile(doc, font_file.c_str(), HPDF_TRUE);
    if (!name || d.doc->error() != HPDF_OK) {
      return InternalError(failure_reason, "cannot load the font " + font_file +
                                               " (libharu error " + std::to_string(d.doc->error()) +
                                               ")");
    }
    d.font_name = name;
  }
  FontDocLease lease(font_file, std::move(d.doc), std::move(d.font_name));
  if (!lease.font_) {
    return InternalError(failure_reason, "cannot use the font " + font_file + " (libharu error " +
                                             std::to_string(lease.doc_->error()) + ")");
  }
  return lease;
}

FontDocLease::FontDocLease(std::string font_file, std::unique_ptr<HaruDoc> doc,
                           std::string font_name)
    : font_file_(std::move(font_file)), doc_(std::move(doc)), font_name_(std::move(font_name)) {
  HPDF_Doc d = doc_->get();
  HPDF_SetCurrentEncoder(d, "UTF-8");
  font_ = HPDF_GetFont(d, font_name_.c_str(), "UTF-8");
  if (doc_->error() != HPDF_OK) font_ = nullptr;
  if (font_) ascent_ = HPDF_Font_GetAscent(font_) / 1000.0;
}

FontDocLease::FontDocLease(FontDocLease&& o) noexcept
    : font_file_(std::move(o.font_file_)),
      doc_(std::move(o.doc_)),
      font_name_(std::move(o.font_name_)),
      font_(o.font_),
      ascent_(o.ascent_) {
  o.font_ = nullptr;
}

FontDocLease::~FontDocLease() {
  if (!doc_ || doc_->error() != HPDF_OK) return;
  Pool().Give(font_file_, {std::move(doc_), std::move(font_name_)});
}

}  // namespace vault
