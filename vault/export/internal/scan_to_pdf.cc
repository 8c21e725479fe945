#include "vault/export/internal/scan_to_pdf.h"

#include "vault/print/internal/haru_doc.h"

#include <hpdf.h>
#include <jpeglib.h>
#include <png.h>
#include <tiffio.h>

#include <csetjmp>

#include <cstring>
#include <memory>
#include <vector>

namespace vault {
namespace {

constexpr double kDefaultDpi = 200;
constexpr uint64_t kMaxPixels = 100ull * 1000 * 1000;       // per image
constexpr uint64_t kMaxTotalPixels = 300ull * 1000 * 1000;  // per scan, all pages

uint32_t Be32(const std::string& s, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

// JFIF APP0 density, if the file has one.
double JpegDpi(const std::string& s) {
  size_t at = s.find(std::string("JFIF\0", 5));
  if (at == std::string::npos || at + 12 > s.size()) return kDefaultDpi;
  unsigned units = static_cast<unsigned char>(s[at + 7]);
  unsigned x = (static_cast<unsigned char>(s[at + 8]) << 8) | static_cast<unsigned char>(s[at + 9]);
  if (x == 0) return kDefaultDpi;
  if (units == 1) return x;
  if (units == 2) return x * 2.54;
  return kDefaultDpi;
}

// PNG pHYs chunk (pixels per metre), if present.
double PngDpi(const std::string& s) {
  size_t at = s.find("pHYs");
  if (at == std::string::npos || at + 13 > s.size()) return kDefaultDpi;
  uint32_t ppm = Be32(s, at + 4);
  unsigned unit = static_cast<unsigned char>(s[at + 12]);
  if (unit != 1 || ppm == 0) return kDefaultDpi;
  return ppm * 0.0254;
}

Status AddImagePage(HPDF_Doc doc, HPDF_Image image, double dpi_x, double dpi_y);

// libjpeg reports errors through error_exit, which by default ends the
// process: jump back instead.
struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
};

void JpegErrorExit(j_common_ptr c) { std::longjmp(reinterpret_cast<JpegErrors*>(c->err)->jump, 1); }
void JpegQuiet(j_common_ptr) {}

// Checks with libjpeg that the JPEG's header parses and its size is sane,
// before libharu (whose own parser is less careful) embeds it.
Status CheckJpeg(const std::string& s) {
  jpeg_decompress_struct d{};
  JpegErrors err{};
  d.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = JpegErrorExit;
  err.mgr.output_message = JpegQuiet;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&d);
    return InvalidArgumentError("export.unreadable", "the JPEG cannot be decoded");
  }
  jpeg_create_decompress(&d);
  jpeg_mem_src(&d, reinterpret_cast<const unsigned char*>(s.data()), static_cast<unsigned long>(s.size()));
  jpeg_read_header(&d, TRUE);
  const uint64_t pixels = static_cast<uint64_t>(d.image_width) * d.image_height;
  const bool color_ok = d.num_components == 1 || d.num_components == 3 || d.num_components == 4;
  jpeg_destroy_decompress(&d);
  if (pixels == 0 || pixels > kMaxPixels) {
    return ResourceExhaustedError("export.too_large", "the scan's dimensions are out of range");
  }
  if (!color_ok) return InvalidArgumentError("export.unreadable", "unsupported JPEG colour layout");
  return Status::Ok();
}

// Decodes a PNG with libpng's simplified API (errors are returned, never
// jumped or aborted on) to 8-bit RGB for libharu.
Status AddPngPage(HPDF_Doc doc, const std::string& s) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, s.data(), s.size())) {
    return InvalidArgumentError("export.unreadable", "the PNG cannot be decoded");
  }
  if (image.width == 0 || image.height == 0 || static_cast<uint64_t>(image.width) * image.height > kMaxPixels) {
    png_image_free(&image);
    return ResourceExhaustedError("export.too_large", "the scan's dimensions are out of range");
  }
  image.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> rgb(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, rgb.data(), 0, nullptr)) {
    png_image_free(&image);
    return InvalidArgumentError("export.unreadable", "the PNG cannot be decoded");
  }
  const double dpi = PngDpi(s);
  HPDF_Image img = HPDF_LoadRawImageFromMem(doc, rgb.data(), image.width, image.height, HPDF_CS_DEVICE_RGB, 8);
  return AddImagePage(doc, img, dpi, dpi);
}

Status AddImagePage(HPDF_Doc doc, HPDF_Image image, double dpi_x, double dpi_y) {
  if (!image) return InvalidArgumentError("export.unreadable", "the scan cannot be decoded");
  double w = HPDF_Image_GetWidth(image), h = HPDF_Image_GetHeight(image);
  if (w <= 0 || h <= 0 || static_cast<uint64_t>(w) * static_cast<uint64_t>(h) > kMaxPixels) {
    return ResourceExhaustedError("export.too_large", "the scan's dimensions are out of range");
  }
  if (dpi_x < 10 || dpi_x > 5000) dpi_x = kDefaultDpi;
  if (dpi_y < 10 || dpi_y > 5000) dpi_y = kDefaultDpi;
  const double pw = w * 72.0 / dpi_x, ph = h * 72.0 / dpi_y;
  if (pw < 3 || ph < 3 || pw > 14400 || ph > 14400) {
    return InvalidArgumentError("export.unreadable", "the scan's page size is out of range");
  }
  HPDF_Page page = HPDF_AddPage(doc);
  HPDF_Page_SetWidth(page, static_cast<HPDF_REAL>(pw));
  HPDF_Page_SetHeight(page, static_cast<HPDF_REAL>(ph));
  HPDF_Page_DrawImage(page, image, 0, 0, static_cast<HPDF_REAL>(pw), static_cast<HPDF_REAL>(ph));
  return Status::Ok();
}

// libtiff over a memory buffer (no file, ever).
struct MemTiff {
  const std::string* data;
  toff_t pos = 0;
};

tsize_t TiffRead(thandle_t h, tdata_t buf, tsize_t size) {
  auto* m = static_cast<MemTiff*>(h);
  if (m->pos >= m->data->size()) return 0;
  tsize_t n = static_cast<tsize_t>(std::min<toff_t>(static_cast<toff_t>(size), m->data->size() - m->pos));
  std::memcpy(buf, m->data->data() + m->pos, static_cast<size_t>(n));
  m->pos += static_cast<toff_t>(n);
  return n;
}
tsize_t TiffWrite(thandle_t, tdata_t, tsize_t) { return 0; }
toff_t TiffSeek(thandle_t h, toff_t off, int whence) {
  auto* m = static_cast<MemTiff*>(h);
  toff_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->data->size() : 0;
  m->pos = base + off;
  return m->pos;
}
int TiffClose(thandle_t) { return 0; }
toff_t TiffSize(thandle_t h) { return static_cast<MemTiff*>(h)->data->size(); }
int TiffMap(thandle_t, tdata_t*, toff_t*) { return 0; }
void TiffUnmap(thandle_t, tdata_t, toff_t) {}
void TiffQuiet(const char*, const char*, va_list) {}

Status AddTiffPages(HPDF_Doc doc, const std::string& data, int64_t max_pages) {
  TIFFSetErrorHandler(TiffQuiet);
  TIFFSetWarningHandler(TiffQuiet);
  MemTiff mem{&data};
  std::unique_ptr<TIFF, void (*)(TIFF*)> tif(
      TIFFClientOpen("scan", "rm", &mem, TiffRead, TiffWrite, TiffSeek, TiffClose, TiffSize, TiffMap, TiffUnmap),
      TIFFClose);
  if (!tif) return InvalidArgumentError("export.unreadable", "the TIFF cannot be read");
  int64_t pages = 0;
  uint64_t total_pixels = 0;
  do {
    if (++pages > max_pages) {
      return ResourceExhaustedError("export.too_many_pages", "the scan has more pages than the export limit");
    }
    uint32_t w = 0, h = 0;
    TIFFGetField(tif.get(), TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(tif.get(), TIFFTAG_IMAGELENGTH, &h);
    if (w == 0 || h == 0 || static_cast<uint64_t>(w) * h > kMaxPixels) {
      return ResourceExhaustedError("export.too_large", "the scan's dimensions are out of range");
    }
    total_pixels += static_cast<uint64_t>(w) * h;
    if (total_pixels > kMaxTotalPixels) {
      return ResourceExhaustedError("export.too_large", "the scan has too many pixels in all");
    }
    float xres = 0, yres = 0;
    uint16_t unit = RESUNIT_INCH;
    TIFFGetField(tif.get(), TIFFTAG_XRESOLUTION, &xres);
    TIFFGetField(tif.get(), TIFFTAG_YRESOLUTION, &yres);
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_RESOLUTIONUNIT, &unit);
    double scale = unit == RESUNIT_CENTIMETER ? 2.54 : 1.0;
    std::vector<uint32_t> rgba(static_cast<size_t>(w) * h);
    if (!TIFFReadRGBAImageOriented(tif.get(), w, h, rgba.data(), ORIENTATION_TOPLEFT, 0)) {
      return InvalidArgumentError("export.unreadable", "a TIFF page cannot be decoded");
    }
    std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
    for (size_t i = 0; i < rgba.size(); ++i) {
      rgb[i * 3] = static_cast<uint8_t>(TIFFGetR(rgba[i]));
      rgb[i * 3 + 1] = static_cast<uint8_t>(TIFFGetG(rgba[i]));
      rgb[i * 3 + 2] = static_cast<uint8_t>(TIFFGetB(rgba[i]));
    }
    HPDF_Image image = HPDF_LoadRawImageFromMem(doc, rgb.data(), w, h, HPDF_CS_DEVICE_RGB, 8);
    VAULT_RETURN_IF_ERROR(AddImagePage(doc, image, xres > 0 ? xres * scale : kDefaultDpi,
                                       yres > 0 ? yres * scale : kDefaultDpi));
  } while (TIFFReadDirectory(tif.get()));
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> ScanToPdf(ScanKind kind, const std::string& image, int64_t max_pages) {
  HaruDoc pdf;
  if (!pdf) return InternalError("export.scan_failed", "libharu could not start");
  HPDF_Doc doc = pdf.get();
  const auto* bytes = reinterpret_cast<const HPDF_BYTE*>(image.data());
  const auto size = static_cast<HPDF_UINT>(image.size());
  if (kind == ScanKind::kJpeg) {
    VAULT_RETURN_IF_ERROR(CheckJpeg(image));
    double dpi = JpegDpi(image);
    VAULT_RETURN_IF_ERROR(AddImagePage(doc, HPDF_LoadJpegImageFromMem(doc, bytes, size), dpi, dpi));
  } else if (kind == ScanKind::kPng) {
    VAULT_RETURN_IF_ERROR(AddPngPage(doc, image));
  } else {
    VAULT_RETURN_IF_ERROR(AddTiffPages(doc, image, max_pages));
  }
  std::string out = pdf.Save();
  if (out.empty()) return InvalidArgumentError("export.unreadable", "the scan cannot be decoded");
  return out;
}

}  // namespace vault
