// Paged tables drawn with libharu: rows wrapped to their columns, flowed
// over pages (header repeated, a row taller than a page split by lines),
// and a PageWriter that draws grids and single lines in one font.
//
// Thread-safety: TableStyle and TableBand are values; PdfFlow and
// PageWriter belong to one rendering (one thread).
#pragma once

#include <hpdf.h>

#include <cstddef>
#include <string>
#include <vector>

#include "vault/print/text.h"

namespace vault {

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

}  // namespace vault
