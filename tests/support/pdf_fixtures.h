// Real PDFs for the export tests, built with libharu (which only writes
// PDFs) and, for linearized or encrypted variants, the qpdf command line.
#pragma once

#include <string>
#include <vector>

namespace vault::testing {

struct FixturePage {
  double width = 595;
  double height = 842;
  int rotate = 0;             // /Rotate
  bool text = true;           // "ORIGINAL PAGE n" in Helvetica; false: drawing only
};

// A PDF whose page n (from 1) says "ORIGINAL PAGE n" unless text is false.
std::string MakePdf(const std::vector<FixturePage>& pages);

// Scans for the export tests: a w x h image with a pattern, at `dpi`.
std::string MakeJpeg(int w, int h, int dpi);
std::string MakePng(int w, int h, int dpi);
// A multi-page TIFF (one image per page), written through a file in
// `work_dir` (libtiff's simple API writes files).
std::string MakeTiff(int pages, int w, int h, int dpi, const std::string& work_dir);

// Runs `qpdf ARGS in out` over `pdf` (e.g. "--linearize",
// "--encrypt '' owner 256 --"); empty on failure.
std::string QpdfTransform(const std::string& pdf, const std::string& args, const std::string& work_dir);

// Output of a shell command (stdout), e.g. pdftotext; the command gets
// `file` substituted for {}.
std::string RunTool(const std::string& command, const std::string& pdf, const std::string& work_dir);

}  // namespace vault::testing
