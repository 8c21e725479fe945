#include "vault/print/table.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace vault {
namespace {

HPDF_REAL R(double v) { return static_cast<HPDF_REAL>(v); }

size_t MaxLines(const TableBand& band) {
  size_t n = 1;
  for (const auto& cell : band.cells) n = std::max(n, cell.size());
  return n;
}

void Rule(HPDF_Page page, double x0, double y0, double x1, double y1) {
  HPDF_Page_MoveTo(page, R(x0), R(y0));
  HPDF_Page_LineTo(page, R(x1), R(y1));
}

}  // namespace

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

}  // namespace vault
