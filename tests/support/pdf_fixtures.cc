#include "tests/support/pdf_fixtures.h"

#include <hpdf.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace vault::testing {

std::string MakePdf(const std::vector<FixturePage>& pages) {
  HPDF_Doc pdf = HPDF_New(nullptr, nullptr);
  HPDF_Font font = HPDF_GetFont(pdf, "Helvetica", nullptr);
  int n = 0;
  for (const FixturePage& p : pages) {
    ++n;
    HPDF_Page page = HPDF_AddPage(pdf);
    HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(p.width));
    HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(p.height));
    if (p.rotate) HPDF_Page_SetRotate(page, static_cast<HPDF_UINT16>(p.rotate));
    if (p.text) {
      HPDF_Page_BeginText(page);
      HPDF_Page_SetFontAndSize(page, font, 14);
      HPDF_Page_TextOut(page, 40, static_cast<HPDF_REAL>(p.height / 2), ("ORIGINAL PAGE " + std::to_string(n)).c_str());
      HPDF_Page_EndText(page);
    } else {
      HPDF_Page_SetRGBFill(page, 0.2f, 0.4f, 0.8f);
      HPDF_Page_Rectangle(page, 50, 50, static_cast<HPDF_REAL>(p.width - 100), static_cast<HPDF_REAL>(p.height - 100));
      HPDF_Page_Fill(page);
    }
  }
  HPDF_SaveToStream(pdf);
  std::string out(HPDF_GetStreamSize(pdf), '\0');
  HPDF_UINT32 len = static_cast<HPDF_UINT32>(out.size());
  HPDF_ReadFromStream(pdf, reinterpret_cast<HPDF_BYTE*>(out.data()), &len);
  out.resize(len);
  HPDF_Free(pdf);
  return out;
}

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string QpdfTransform(const std::string& pdf, const std::string& args, const std::string& work_dir) {
  const std::string in = work_dir + "/qpdf-in.pdf", out = work_dir + "/qpdf-out.pdf";
  std::ofstream(in, std::ios::binary) << pdf;
  std::remove(out.c_str());
  std::string cmd = "qpdf " + args + " " + in + " " + out + " >/dev/null 2>&1";
  int rc = std::system(cmd.c_str());
  if (rc != 0 && rc != 3 * 256) return "";  // 3: warnings
  return Slurp(out);
}

std::string RunTool(const std::string& command, const std::string& pdf, const std::string& work_dir) {
  const std::string file = work_dir + "/tool-in.pdf";
  std::ofstream(file, std::ios::binary) << pdf;
  std::string cmd = command;
  size_t at = cmd.find("{}");
  if (at != std::string::npos) cmd.replace(at, 2, file);
  std::string out;
  if (FILE* f = popen((cmd + " 2>/dev/null").c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    pclose(f);
  }
  return out;
}

}  // namespace vault::testing
