// The one pool of libharu documents with a TrueType font loaded, shared by
// everything the vault prints (stamps, registers, certificates): loading a
// CJK collection costs ~0.1 s, more than drawing a page. The pool is never
// destroyed (NoDestructor), so a rendering that runs during static teardown
// (a thread still at work, an atexit handler) does not touch a dead pool.
// The font file always comes from configuration (the watermark policy's
// font_file), never from a path written into the code.
//
// Thread-safety: FontDocLease::Acquire is safe from any thread (the pool is
// locked); a lease and its document are used by one thread.
#pragma once

#include <hpdf.h>

#include <memory>
#include <string>

#include "vault/base/status.h"
#include "vault/print/internal/haru_doc.h"

namespace vault {

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

// Saves `pdf` and fixes its ToUnicode maps (FixHaruToUnicode);
// `failure_reason` if either fails.
StatusOr<std::string> FinishHaruPdf(HaruDoc& pdf, const std::string& failure_reason);

}  // namespace vault
