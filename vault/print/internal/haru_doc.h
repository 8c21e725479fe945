// HaruDoc: a libharu document that records its first error instead of
// aborting (libharu calls the handler and carries on), is freed on scope
// exit, and is saved to memory, never to a file.
#pragma once

#include <hpdf.h>

#include <memory>
#include <string>

namespace vault {

class HaruDoc {
 public:
  HaruDoc() : doc_(HPDF_New(&HaruDoc::OnError, this)) {
    if (doc_) HPDF_SetCompressionMode(doc_.get(), HPDF_COMP_ALL);
  }
  HaruDoc(const HaruDoc&) = delete;
  HaruDoc& operator=(const HaruDoc&) = delete;

  HPDF_Doc get() const { return doc_.get(); }
  explicit operator bool() const { return doc_ != nullptr; }
  // The first libharu error (HPDF_OK if none) and its detail code.
  HPDF_STATUS error() const { return error_; }
  HPDF_STATUS detail() const { return detail_; }

  // Starts a new, empty document in this object. Fonts loaded earlier stay
  // loaded (libharu keeps font definitions and encoders across
  // HPDF_NewDoc; only their per-document glyph use is cleared), which is
  // what makes reusing a document worthwhile. False if libharu failed.
  bool Reset() {
    error_ = HPDF_OK;
    detail_ = 0;
    return HPDF_NewDoc(doc_.get()) == HPDF_OK && error_ == HPDF_OK;
  }

  // The finished PDF; empty if libharu failed before or while saving.
  std::string Save() {
    if (error_ != HPDF_OK) return "";
    HPDF_SaveToStream(doc_.get());
    if (error_ != HPDF_OK) return "";
    std::string out(HPDF_GetStreamSize(doc_.get()), '\0');
    HPDF_UINT32 len = static_cast<HPDF_UINT32>(out.size());
    HPDF_ReadFromStream(doc_.get(), reinterpret_cast<HPDF_BYTE*>(out.data()), &len);
    out.resize(len);
    return out;
  }

 private:
  static void OnError(HPDF_STATUS code, HPDF_STATUS detail, void* user) {
    auto* self = static_cast<HaruDoc*>(user);
    if (self->error_ == HPDF_OK) {
      self->error_ = code;
      self->detail_ = detail;
    }
  }
  struct Free {
    void operator()(HPDF_Doc d) const { HPDF_Free(d); }
  };
  HPDF_STATUS error_ = HPDF_OK;
  HPDF_STATUS detail_ = 0;
  std::unique_ptr<HPDF_Doc_Rec, Free> doc_;
};

}  // namespace vault
