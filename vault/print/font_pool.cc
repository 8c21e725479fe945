#include "vault/print/font_pool.h"

#include <unistd.h>

#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "vault/base/no_destructor.h"
#include "vault/print/internal/to_unicode.h"

namespace vault {
namespace {

struct IdleDoc {
  std::unique_ptr<HaruDoc> doc;
  std::string font_name;
};

// Loading a CJK collection and preparing it for embedding costs more than
// drawing and saving a page, and libharu keeps a loaded font across
// HPDF_NewDoc. So documents with the font loaded are kept, at most kMaxIdle
// per font file (about the number of concurrent renderings), and each
// rendering resets one and draws on it. A document that saw any libharu
// error is dropped, never reused.
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


// Never destroyed: a lease may be returned, or a document rendered, by a
// thread still running (or an atexit handler) during static teardown.
FontDocPool& Pool() {
  static NoDestructor<FontDocPool> pool;
  return *pool.get();
}

}  // namespace

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
