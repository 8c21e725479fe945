#include "tests/support/pdf_fixtures.h"

#include "vault/print/internal/haru_doc.h"

#include <hpdf.h>
#include <jpeglib.h>
#include <png.h>
#include <tiffio.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace vault::testing {

std::string MakePdf(const std::vector<FixturePage>& pages) {
  HaruDoc doc;
  HPDF_Doc pdf = doc.get();
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
  return doc.Save();
}

namespace {

std::string Slurp(const std::string& path);

uint8_t Pattern(int x, int y, int c) { return static_cast<uint8_t>(((x / 8 + y / 8) % 2) ? 40 + c * 60 : 230); }

void PngWrite(png_structp png, png_bytep data, png_size_t len) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), len);
}
void PngFlush(png_structp) {}

}  // namespace

std::string MakeJpeg(int w, int h, int dpi) {
  jpeg_compress_struct c{};
  jpeg_error_mgr err{};
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buf = nullptr;
  unsigned long len = 0;
  jpeg_mem_dest(&c, &buf, &len);
  c.image_width = static_cast<JDIMENSION>(w);
  c.image_height = static_cast<JDIMENSION>(h);
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  c.density_unit = 1;
  c.X_density = static_cast<UINT16>(dpi);
  c.Y_density = static_cast<UINT16>(dpi);
  c.write_JFIF_header = TRUE;
  jpeg_start_compress(&c, TRUE);
  std::vector<unsigned char> row(static_cast<size_t>(w) * 3);
  while (c.next_scanline < c.image_height) {
    int y = static_cast<int>(c.next_scanline);
    for (int x = 0; x < w; ++x) {
      for (int k = 0; k < 3; ++k) row[static_cast<size_t>(x * 3 + k)] = Pattern(x, y, k);
    }
    JSAMPROW r = row.data();
    jpeg_write_scanlines(&c, &r, 1);
  }
  jpeg_finish_compress(&c);
  std::string out(reinterpret_cast<const char*>(buf), len);
  jpeg_destroy_compress(&c);
  free(buf);
  return out;
}

std::string MakePng(int w, int h, int dpi) {
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(png, &out, PngWrite, PngFlush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), 8, PNG_COLOR_TYPE_RGB,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_uint_32 ppm = static_cast<png_uint_32>(dpi / 0.0254 + 0.5);
  png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
  png_write_info(png, info);
  std::vector<unsigned char> row(static_cast<size_t>(w) * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      for (int k = 0; k < 3; ++k) row[static_cast<size_t>(x * 3 + k)] = Pattern(x, y, 2 - k);
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

std::string MakeTiff(int pages, int w, int h, int dpi, const std::string& work_dir) {
  const std::string path = work_dir + "/fixture.tiff";
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  if (!tif) return "";
  std::vector<unsigned char> row(static_cast<size_t>(w) * 3);
  for (int p = 0; p < pages; ++p) {
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(w));
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(h));
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tif, TIFFTAG_XRESOLUTION, static_cast<float>(dpi));
    TIFFSetField(tif, TIFFTAG_YRESOLUTION, static_cast<float>(dpi));
    TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    TIFFSetField(tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
    TIFFSetField(tif, TIFFTAG_PAGENUMBER, static_cast<uint16_t>(p), static_cast<uint16_t>(pages));
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        for (int k = 0; k < 3; ++k) row[static_cast<size_t>(x * 3 + k)] = Pattern(x + p * 8, y, k);
      }
      TIFFWriteScanline(tif, row.data(), static_cast<uint32_t>(y), 0);
    }
    TIFFWriteDirectory(tif);
  }
  TIFFClose(tif);
  return Slurp(path);
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
