// Benchmark inputs for bench/export.sh:
//   bench_make_pdf document OUT.pdf PAGES   text and an image on every page
//   bench_make_pdf stamp OUT.pdf            the vault's stamp (default policy)
#include <hpdf.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "vault/export/default_watermark.h"
#include "vault/export/internal/stamp_renderer.h"
#include "vault/export/watermark_policy.h"

namespace {

int Document(const char* out, int pages) {
  HPDF_Doc pdf = HPDF_New(nullptr, nullptr);
  HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
  HPDF_Font font = HPDF_GetFont(pdf, "Helvetica", nullptr);
  // A 256 x 256 RGB image, embedded once and drawn on every page.
  std::vector<unsigned char> rgb(256 * 256 * 3);
  for (size_t i = 0; i < rgb.size(); ++i) rgb[i] = static_cast<unsigned char>((i * 7) ^ (i >> 9));
  HPDF_Image image = HPDF_LoadRawImageFromMem(pdf, rgb.data(), 256, 256, HPDF_CS_DEVICE_RGB, 8);
  for (int p = 1; p <= pages; ++p) {
    HPDF_Page page = HPDF_AddPage(pdf);
    HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
    HPDF_Page_BeginText(page);
    HPDF_Page_SetFontAndSize(page, font, 11);
    for (int line = 0; line < 40; ++line) {
      std::string text = "Page " + std::to_string(p) + " line " + std::to_string(line) +
                         ": the quick brown fox jumps over the lazy dog 0123456789";
      HPDF_Page_TextOut(page, 50, static_cast<HPDF_REAL>(780 - line * 14), text.c_str());
    }
    HPDF_Page_EndText(page);
    HPDF_Page_DrawImage(page, image, 300, 60, 200, 200);
  }
  HPDF_STATUS st = HPDF_SaveToFile(pdf, out);
  HPDF_Free(pdf);
  return st == HPDF_OK ? 0 : 1;
}

int Stamp(const char* out) {
  auto policy = vault::WatermarkPolicy::FromJson(vault::kDefaultWatermarkJson);
  if (!policy.ok()) return 1;
  vault::StampValues v{"张三", "zhangsan", "华南销售部", "2026-11-22T10:00:00Z", "-", "K7QM-2XRD", "internal"};
  auto text = (*policy)->Render(v);
  if (!text.ok()) return 1;
  auto pdf = vault::RenderStampPdf(*text, (*policy)->layout(), (*policy)->font_file(), {{595, 842}}, {0});
  if (!pdf.ok()) {
    std::fprintf(stderr, "%s\n", pdf.status().ToString().c_str());
    return 1;
  }
  std::ofstream(out, std::ios::binary) << *pdf;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "document") return Document(argv[2], std::atoi(argv[3]));
  if (argc == 3 && std::string(argv[1]) == "stamp") return Stamp(argv[2]);
  std::fprintf(stderr, "usage: bench_make_pdf document OUT PAGES | stamp OUT\n");
  return 2;
}
