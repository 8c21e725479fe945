// Shared pieces of the vault's printed registers and certificates (borrow
// register, destruction register, destruction certificate), drawn with
// libharu in an embedded CJK TrueType font:
//
//  - CSV rows with the register rules (RFC 4180, formula prefix);
//  - text clean-up (malformed UTF-8, control characters), RFC 3339 times
//    shown to the minute, and line breaking for Chinese and Latin text;
//  - tables that flow over pages (header repeated, tall rows split);
//  - a pool of libharu documents with the font already loaded (loading a
//    CJK collection costs ~0.1 s, more than drawing a register page).
//
// Thread-safety: the functions are stateless; TextMeasure, PdfFlow and
// PageWriter belong to one rendering; FontDocLease is safe to acquire from
// any thread (the pool is locked), a lease is used by one thread.
#pragma once

#include <hpdf.h>

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "vault/base/status.h"
#include "vault/export/haru_doc.h"

namespace vault {

// ---------------------------------------------------------------- CSV

// Appends one CSV record and CRLF: fields separated by commas; a field with
// a comma, quote, CR or LF quoted, quotes doubled; a field starting with
// = + - @ TAB CR (a spreadsheet formula) prefixed with a single quote first.
void AppendCsvRow(const std::vector<std::string>& fields, std::string* out);

// ---------------------------------------------------------------- text

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

// ---------------------------------------------------------------- tables

struct TableStyle {
  double left = 28;            // x of the table's left edge
  std::vector<double> widths;  // column widths, points
  double text_size = 9;
  double leading = 9 * 1.3;
  double pad_x = 3;
  double pad_y = 2.5;
  double header_gray = 0.88;  // fill of the header band
  double table_width() const;
};

// One printed row (or the part of a too-tall row that fits on a page).
struct TableBand {
  std::vector<std::vector<std::string>> cells;  // lines per column
  size_t lines = 1;
  double Height(const TableStyle& s) const {
    return 2 * s.pad_y + static_cast<double>(lines) * s.leading;
  }
};

// Wraps each field to its column. `fields` has one entry per column.
TableBand WrapBand(const std::vector<std::string>& fields, const TableStyle& style,
                   TextMeasure& measure);

// Vertical space on pages: content goes from the top of the free space
// down to `bottom`; page 0 starts at `first_top`, later pages at `top`.
class PdfFlow {
 public:
  PdfFlow(double first_top, double top, double bottom)
      : top_(top), bottom_(bottom), y_(first_top) {}
  size_t page() const { return page_; }
  size_t pages() const { return page_ + 1; }
  double y() const { return y_; }
  double top() const { return top_; }
  double bottom() const { return bottom_; }
  bool AtPageTop() const { return y_ >= top_; }
  bool Fits(double height) const { return y_ - height >= bottom_; }
  void NewPage() { ++page_, y_ = top_; }
  // Takes `height` below the current position (a new page first if it
  // does not fit and the page is not fresh); returns its top.
  double Take(double height);
  void Skip(double height) { y_ -= height; }

 private:
  double top_, bottom_;
  size_t page_ = 0;
  double y_;
};

// The part of a table on one page: header (if any) then `bands`, from `top`.
struct TableChunk {
  size_t page = 0;
  double top = 0;
  std::vector<TableBand> bands;
};

// Flows a table into `flow`: the header (null for none) heads every chunk;
// a row that does not fit moves whole to the next page, a row taller than
// a page is split by lines. Leaves `flow` below the table.
std::vector<TableChunk> FlowTable(const TableBand* header, std::vector<TableBand> rows,
                                  const TableStyle& style, PdfFlow* flow);

// Draws on one page in the shared font.
class PageWriter {
 public:
  PageWriter(HPDF_Page page, HPDF_Font font, double ascent)
      : page_(page), font_(font), ascent_(ascent) {}

  // Header fill, the grid, then all text in one text object.
  void Table(const TableStyle& style, const TableBand* header, const std::vector<TableBand>& bands,
             double top);
  // One line at (x, baseline y), shrunk to `max_width` if needed; words
  // placed one by one with a visible gap (pdftotext -layout drops the
  // font's narrow space on a sparse page).
  void Line(const std::string& text, double x, double y, double size, double max_width,
            bool centered);
  double ascent() const { return ascent_; }

 private:
  HPDF_Page page_;
  HPDF_Font font_;
  double ascent_;
};

// ---------------------------------------------------------------- registers

// Saves `pdf` and fixes its ToUnicode maps (FixHaruToUnicode);
// `failure_reason` if either fails.
StatusOr<std::string> FinishHaruPdf(HaruDoc& pdf, const std::string& failure_reason);

// A register (清册, 登记簿) as a landscape A4 PDF: `title` and a line with
// the generation time and the row count on page 1, then a table with
// `columns` (widths in proportion to `weights`) continued over as many pages
// as needed (header repeated), page numbers "第 n / m 页". Each row has one
// field per column, drawn as given (callers format times with DisplayTime).
// Text extractable (ToUnicode fixed). stamp.font_missing or
// `failure_reason`.
StatusOr<std::string> RegisterTablePdf(const std::vector<std::string>& columns,
                                       const std::vector<double>& weights,
                                       const std::vector<std::vector<std::string>>& rows,
                                       const std::string& title, const std::string& generated_at,
                                       const std::string& font_file,
                                       const std::string& failure_reason);

// ---------------------------------------------------------------- fonts

// A libharu document with a TrueType font (a .ttc: its first face) loaded
// for UTF-8 text, taken from a process-wide pool (at most 4 idle per font
// file) and reset to an empty document. On destruction the document goes
// back to the pool unless libharu reported an error on it. A font file
// replaced on disk is picked up when the process restarts.
class FontDocLease {
 public:
  // stamp.font_missing if `font_file` is unreadable; `failure_reason` (e.g.
  // register.render_failed) if libharu cannot start or load it.
  static StatusOr<FontDocLease> Acquire(const std::string& font_file,
                                        const std::string& failure_reason);
  FontDocLease(FontDocLease&&) noexcept;
  FontDocLease& operator=(FontDocLease&&) = delete;
  ~FontDocLease();

  HaruDoc& doc() { return *doc_; }
  HPDF_Font font() const { return font_; }
  double ascent() const { return ascent_; }  // of the font, per unit size

 private:
  FontDocLease(std::string font_file, std::unique_ptr<HaruDoc> doc, std::string font_name);

  std::string font_file_;
  std::unique_ptr<HaruDoc> doc_;
  std::string font_name_;
  HPDF_Font font_ = nullptr;
  double ascent_ = 0.8;
};

}  // namespace vault
