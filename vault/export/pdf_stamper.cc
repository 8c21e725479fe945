#include "vault/export/pdf_stamper.h"

#include <qpdf/Buffer.hh>
#include <qpdf/InputSource.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/Pipeline.hh>
#include <qpdf/Pl_Buffer.hh>
#include <qpdf/Pl_Flate.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "vault/base/random_access.h"
#include "vault/export/internal/stamp_document.h"

namespace vault {
namespace {

// qpdf reads the stored PDF through this, straight from a
// RandomAccessSource (for an export: the encrypted blob, decrypted chunk by
// chunk), so the whole plaintext is never copied into memory or a file.
// A failed read throws, which qpdf may catch while it tries to recover a
// damaged file: the first failure is kept in `failure`, and StampPdf checks
// it after every qpdf step, so content that failed authentication never
// reaches the output.
class SourceInput : public InputSource {
 public:
  SourceInput(RandomAccessSource* source, std::string name)
      : source_(source), size_(static_cast<qpdf_offset_t>(source->Size())), name_(std::move(name)) {}
  Status failure;

  std::string const& getName() const override { return name_; }
  qpdf_offset_t tell() override { return pos_; }
  void rewind() override { pos_ = 0; }
  void seek(qpdf_offset_t offset, int whence) override {
    qpdf_offset_t base = whence == SEEK_END ? size_ : whence == SEEK_CUR ? pos_ : 0;
    if ((offset < 0 && base + offset < 0) || (offset > 0 && base > INT64_MAX - offset)) {
      throw std::runtime_error(name_ + ": seek out of range");
    }
    pos_ = base + offset;
  }
  size_t read(char* buffer, size_t length) override {
    last_offset = pos_;
    if (pos_ >= size_) return 0;
    const size_t n = static_cast<size_t>(std::min<qpdf_offset_t>(size_ - pos_, static_cast<qpdf_offset_t>(length)));
    Fill(pos_, buffer, n);
    pos_ += static_cast<qpdf_offset_t>(n);
    return n;
  }
  void unreadCh(char) override {
    if (pos_ == 0) throw std::logic_error(name_ + ": unread at the start");
    --pos_;
  }
  // Returns the offset of the next end-of-line and moves past it and any
  // end-of-line characters that follow (qpdf's contract).
  qpdf_offset_t findAndSkipNextEOL() override {
    if (pos_ >= size_) {
      last_offset = pos_ = size_;
      return size_;
    }
    char buf[4096];
    qpdf_offset_t found = -1;
    while (pos_ < size_) {
      const size_t n = static_cast<size_t>(std::min<qpdf_offset_t>(size_ - pos_, sizeof buf));
      Fill(pos_, buf, n);
      for (size_t i = 0; i < n; ++i) {
        const bool eol = buf[i] == '\r' || buf[i] == '\n';
        if (found < 0 && eol) {
          found = pos_ + static_cast<qpdf_offset_t>(i);
        } else if (found >= 0 && !eol) {
          pos_ += static_cast<qpdf_offset_t>(i);
          return found;
        }
      }
      pos_ += static_cast<qpdf_offset_t>(n);
    }
    return found < 0 ? size_ : found;
  }

 private:
  void Fill(qpdf_offset_t at, char* buf, size_t n) {
    Status s = failure.ok() ? source_->ReadAt(static_cast<uint64_t>(at), reinterpret_cast<uint8_t*>(buf), n)
                            : failure;
    if (!s.ok()) {
      if (failure.ok()) failure = s;
      throw std::runtime_error(name_ + ": read failed");
    }
  }
  RandomAccessSource* source_;
  qpdf_offset_t size_;
  qpdf_offset_t pos_ = 0;
  std::string name_;
};

// Collects a stream's decoded bytes, refusing more than `limit`: a few KB
// of nested Flate can otherwise expand to gigabytes.
class CappedPipeline : public Pipeline {
 public:
  CappedPipeline(std::string* out, size_t limit) : Pipeline("capped", nullptr), out_(out), limit_(limit) {}
  void write(unsigned char const* data, size_t len) override {
    if (out_->size() + len > limit_) throw std::length_error("stream too large");
    out_->append(reinterpret_cast<const char*>(data), len);
  }
  void finish() override {}

 private:
  std::string* out_;
  size_t limit_;
};

// Decoded stream data, at most `limit` bytes; empty if larger or broken.
std::string StreamData(QPDFObjectHandle stream, size_t limit) {
  std::string out;
  try {
    CappedPipeline pipe(&out, limit);
    if (!stream.pipeStreamData(&pipe, nullptr, 0, qpdf_dl_generalized, true)) out.clear();
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

// Walks the page tree without recursion and refuses deep or huge trees
// before qpdf (which recurses per level) sees them.
bool PageTreeIsSane(QPDF& pdf, int64_t max_pages) {
  QPDFObjectHandle root = pdf.getRoot();
  if (!root.isDictionary() || !root.hasKey("/Pages")) return false;
  std::vector<std::pair<QPDFObjectHandle, int>> todo = {{root.getKey("/Pages"), 0}};
  int64_t nodes = 0;
  while (!todo.empty()) {
    auto [node, depth] = todo.back();
    todo.pop_back();
    if (depth > 64 || ++nodes > max_pages * 2 + 64) return false;
    if (!node.isDictionary()) continue;
    QPDFObjectHandle kids = node.getKey("/Kids");
    if (!kids.isArray()) continue;
    if (kids.getArrayNItems() > max_pages + 64) return false;
    for (int i = 0; i < kids.getArrayNItems(); ++i) todo.push_back({kids.getArrayItem(i), depth + 1});
  }
  return true;
}

// What a stamp cannot cover is not exported: embedded files, portfolios,
// file-attachment annotations and page thumbnails.
void RemoveUnstampable(QPDF& pdf, std::vector<QPDFPageObjectHelper>& pages) {
  QPDFObjectHandle root = pdf.getRoot();
  if (root.hasKey("/Names") && root.getKey("/Names").isDictionary()) {
    root.getKey("/Names").removeKey("/EmbeddedFiles");
  }
  root.removeKey("/Collection");
  for (auto& page : pages) {
    QPDFObjectHandle dict = page.getObjectHandle();
    dict.removeKey("/Thumb");
    QPDFObjectHandle annots = dict.getKey("/Annots");
    if (!annots.isArray()) continue;
    std::vector<QPDFObjectHandle> kept;
    for (int i = 0; i < annots.getArrayNItems(); ++i) {
      QPDFObjectHandle a = annots.getArrayItem(i);
      if (a.isDictionary() && a.getKey("/Subtype").isName() && a.getKey("/Subtype").getName() == "/FileAttachment") {
        continue;
      }
      kept.push_back(a);
    }
    dict.replaceKey("/Annots", QPDFObjectHandle::newArray(kept));
  }
}

// The page's /Rotate as 0, 90, 180 or 270, written back in that form (qpdf
// and some viewers ignore values such as -90 or 450).
int NormalizedRotation(QPDFPageObjectHelper& page) {
  QPDFObjectHandle r = page.getAttribute("/Rotate", false);
  long long rotate = r.isInteger() ? r.getIntValue() : 0;
  rotate %= 360;
  if (rotate < 0) rotate += 360;
  int normalized = static_cast<int>((rotate / 90) * 90);
  if (r.isInteger() && r.getIntValue() != normalized) {
    page.getObjectHandle().replaceKey("/Rotate", QPDFObjectHandle::newInteger(normalized));
  }
  return normalized;
}

// The key of a stamp page: the page's displayed size. placeFormXObject
// inverts the target page's /Rotate, so an upright stamp of the displayed
// size reads upright on the displayed page.
struct StampKey {
  PageSize displayed;
  bool operator<(const StampKey& o) const { return displayed < o.displayed; }
};

constexpr size_t kMaxStampSizes = 64;

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

void WriteXmp(QPDF& pdf, const std::map<std::string, std::string>& token) {
  std::string props;
  for (const auto& kv : token) props += "   <vault:" + kv.first + ">" + XmlEscape(kv.second) + "</vault:" + kv.first + ">\n";
  const std::string description =
      "  <rdf:Description rdf:about=\"\" xmlns:vault=\"https://sales-archive-vault.example/ns/export/1.0/\">\n" + props +
      "  </rdf:Description>\n";
  QPDFObjectHandle root = pdf.getRoot();
  std::string packet;
  if (root.hasKey("/Metadata") && root.getKey("/Metadata").isStream()) {
    packet = StreamData(root.getKey("/Metadata"), 4u << 20);
    size_t end = packet.rfind("</rdf:RDF>");
    if (end != std::string::npos) {
      packet.insert(end, description);
    } else {
      packet.clear();
    }
  }
  if (packet.empty()) {
    packet = "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
             "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n" +
             description + " </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
  }
  QPDFObjectHandle stream = QPDFObjectHandle::newStream(&pdf, packet);
  QPDFObjectHandle dict = stream.getDict();
  dict.replaceKey("/Type", QPDFObjectHandle::newName("/Metadata"));
  dict.replaceKey("/Subtype", QPDFObjectHandle::newName("/XML"));
  root.replaceKey("/Metadata", stream);
}

void WriteInfo(QPDF& pdf, const std::map<std::string, std::string>& token) {
  QPDFObjectHandle trailer = pdf.getTrailer();
  QPDFObjectHandle info = trailer.getKey("/Info");
  if (!info.isDictionary()) {
    info = pdf.makeIndirectObject(QPDFObjectHandle::newDictionary());
    trailer.replaceKey("/Info", info);
  }
  for (const auto& kv : token) info.replaceKey("/Vault" + kv.first, QPDFObjectHandle::newUnicodeString(kv.second));
}

// A new stream holding the page's original content, to become its own form
// XObject. A page with one content stream (the usual case) has its bytes
// copied as they are, still compressed, with their filter: no decode and
// re-encode. Several content streams are decoded, joined (capped) and
// compressed here: the writer compresses nothing (see StampInput).
QPDFObjectHandle OriginalContentStream(QPDF& pdf, QPDFPageObjectHelper& page) {
  QPDFObjectHandle contents = page.getObjectHandle().getKey("/Contents");
  if (contents.isArray() && contents.getArrayNItems() == 1) contents = contents.getArrayItem(0);
  if (contents.isStream()) {
    QPDFObjectHandle dict = contents.getDict();
    QPDFObjectHandle copy = QPDFObjectHandle::newStream(&pdf);
    copy.replaceStreamData(contents.getRawStreamData(), dict.getKey("/Filter"), dict.getKey("/DecodeParms"));
    return copy;
  }
  std::string joined;
  CappedPipeline pipe(&joined, 512u << 20);
  page.pipeContents(&pipe);
  Pl_Buffer compressed("joined content");
  Pl_Flate deflate("deflate", &compressed, Pl_Flate::a_deflate);
  deflate.write(reinterpret_cast<const unsigned char*>(joined.data()), joined.size());
  deflate.finish();
  QPDFObjectHandle copy = QPDFObjectHandle::newStream(&pdf);
  copy.replaceStreamData(compressed.getBufferSharedPointer(), QPDFObjectHandle::newName("/FlateDecode"),
                         QPDFObjectHandle::newNull());
  return copy;
}

StatusOr<StampResult> StampInput(const std::shared_ptr<SourceInput>& input, const StampJob& job);
}  // namespace

StatusOr<StampResult> StampPdf(const std::string& source, const StampJob& job) {
  BytesRandomAccess bytes(source);
  return StampPdf(bytes, job);
}

StatusOr<StampResult> StampPdf(RandomAccessSource& source, const StampJob& job) {
  std::string head(static_cast<size_t>(std::min<uint64_t>(source.Size(), 1029)), '\0');
  VAULT_RETURN_IF_ERROR(source.ReadAt(0, reinterpret_cast<uint8_t*>(head.data()), head.size()));
  if (head.find("%PDF-") == std::string::npos) {
    return InvalidArgumentError("export.not_pdf", "the stored file is not a PDF");
  }
  auto input = std::make_shared<SourceInput>(&source, "stored document");
  StatusOr<StampResult> result = StampInput(input, job);
  // qpdf may have recovered from a read that failed authentication, or
  // turned it into a different error: nothing of such a file leaves, and
  // the blob's own error is the one reported.
  if (!input->failure.ok()) return input->failure;
  return result;
}

namespace {

StatusOr<StampResult> StampInput(const std::shared_ptr<SourceInput>& input, const StampJob& job) {
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    try {
      pdf.processInputSource(input);
    } catch (const QPDFExc& e) {
      if (e.getErrorCode() == qpdf_e_password) {
        return FailedPreconditionError("export.encrypted",
                                       "the stored PDF needs a password to open; it cannot be stamped");
      }
      return InvalidArgumentError("export.unreadable", "the stored PDF cannot be read");
    }
    if (!PageTreeIsSane(pdf, job.max_pages)) {
      return InvalidArgumentError("export.unreadable", "the page tree is malformed, too deep or too large");
    }
    std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper(pdf).getAllPages();
    if (pages.empty()) return InvalidArgumentError("export.no_pages", "the stored PDF has no pages");
    if (static_cast<int64_t>(pages.size()) > job.max_pages) {
      return ResourceExhaustedError("export.too_many_pages", "the PDF has " + std::to_string(pages.size()) +
                                                                 " pages; the export limit is " +
                                                                 std::to_string(job.max_pages));
    }
    // One stamp page per displayed size and rotation.
    std::vector<StampKey> keys;
    std::map<StampKey, size_t> index;
    std::vector<StampKey> page_keys;
    for (auto& page : pages) {
      auto box = page.getCropBox(false, false).getArrayAsRectangle();
      double w = std::fabs(box.urx - box.llx), h = std::fabs(box.ury - box.lly);
      if (w < 1 || h < 1 || w > 14400 || h > 14400) {
        return InvalidArgumentError("export.unreadable", "a page has an impossible size");
      }
      int rotate = NormalizedRotation(page);
      StampKey key;
      key.displayed = (rotate == 90 || rotate == 270) ? PageSize{std::round(h), std::round(w)}
                                                      : PageSize{std::round(w), std::round(h)};
      if (!index.count(key)) {
        if (keys.size() == kMaxStampSizes) {
          return InvalidArgumentError("export.unreadable", "the PDF has too many distinct page sizes");
        }
        index[key] = keys.size();
        keys.push_back(key);
      }
      page_keys.push_back(key);
    }
    std::vector<PageSize> sizes;
    std::vector<int> rotations;
    for (const auto& k : keys) {
      sizes.push_back(k.displayed);
      rotations.push_back(0);
    }
    RemoveUnstampable(pdf, pages);
    // Must live until the writer is done.
    VAULT_ASSIGN_OR_RETURN(std::shared_ptr<StampDocument> stamp,
                           job.render_stamp
                               ? job.render_stamp(sizes, rotations)
                               : StampDocument::Render(job.text, job.layout, job.font_file, sizes, rotations));
    if (stamp == nullptr || stamp->pages() != sizes.size()) {
      return InternalError("stamp.render_failed", "the stamp has " + std::to_string(stamp ? stamp->pages() : 0) +
                                                      " pages for " + std::to_string(sizes.size()) + " page sizes");
    }
    std::vector<QPDFObjectHandle> forms;
    for (size_t i = 0; i < stamp->pages(); ++i) forms.push_back(pdf.copyForeignObject(stamp->form(i)));

    for (size_t i = 0; i < pages.size(); ++i) {
      QPDFPageObjectHelper& page = pages[i];
      QPDFObjectHandle form = forms[index[page_keys[i]]];
      QPDFObjectHandle resources = page.getAttribute("/Resources", true);
      if (!resources.isDictionary()) {
        resources = QPDFObjectHandle::newDictionary();
        page.getObjectHandle().replaceKey("/Resources", resources);
      }
      if (!resources.hasKey("/XObject") || !resources.getKey("/XObject").isDictionary()) {
        resources.replaceKey("/XObject", QPDFObjectHandle::newDictionary());
      }
      QPDFObjectHandle xobjects = resources.getKey("/XObject");
      int suffix = 0;
      std::string name = resources.getUniqueResourceName("/VaultStamp", suffix);
      xobjects.replaceKey(name, form);
      auto rect = page.getCropBox(false, false).getArrayAsRectangle();
      std::string placement = page.placeFormXObject(form, name, rect, true, true, true);
      // The original content becomes a form XObject of its own, so nothing
      // in it (an extra Q, an unclosed BT, a clip) can reach the stamp.
      QPDFObjectHandle original = OriginalContentStream(pdf, page);
      QPDFObjectHandle form_dict = original.getDict();
      form_dict.replaceKey("/Type", QPDFObjectHandle::newName("/XObject"));
      form_dict.replaceKey("/Subtype", QPDFObjectHandle::newName("/Form"));
      form_dict.replaceKey("/BBox", page.getMediaBox(false).shallowCopy());
      form_dict.replaceKey("/Resources", resources);
      std::string original_name = resources.getUniqueResourceName("/VaultOriginal", suffix);
      xobjects.replaceKey(original_name, original);
      page.getObjectHandle().replaceKey(
          "/Contents", QPDFObjectHandle::newStream(&pdf, "q\n" + original_name + " Do\nQ\nq\n" + placement + "\nQ\n"));
    }
    // qpdf 11 writes the trailer's /Size only when the input trailer had
    // one (it replaces the value): a file without it would come out
    // "damaged" for qpdf --check and pdftotext.
    pdf.getTrailer().replaceKey("/Size", QPDFObjectHandle::newInteger(0));
    WriteInfo(pdf, job.token);
    WriteXmp(pdf, job.token);
    QPDFWriter writer(pdf);
    // Streams are copied as they are: no decompress-and-recompress of the
    // stored file (time, and a decompression bomb's memory). The writer
    // compresses nothing: the only new uncompressed streams are the few
    // bytes that place the stamp on each page, and a zlib stream per page
    // cost 20% of the export for about 10 KB of output per 1000 pages.
    writer.setDecodeLevel(qpdf_dl_none);
    writer.setCompressStreams(false);
    writer.setOutputMemory();
    writer.write();
    auto buffer = writer.getBufferSharedPointer();
    StampResult result;
    result.pdf.assign(reinterpret_cast<const char*>(buffer->getBuffer()), buffer->getSize());
    result.pages = static_cast<int64_t>(pages.size());
    return result;
  } catch (const QPDFExc&) {
    return InvalidArgumentError("export.unreadable", "the stored PDF cannot be read");
  } catch (const std::bad_alloc&) {
    return ResourceExhaustedError("export.too_large", "the PDF is too large to stamp");
  } catch (const std::exception&) {
    return InvalidArgumentError("export.unreadable", "the stored PDF is malformed");
  }
}

}  // namespace


}  // namespace vault

namespace vault {
namespace {

// Appends the UTF-8 of the UCS-2BE code units in `hex` (the stamp font's
// CIDs are code points).
void AppendUcs2Hex(const std::string& hex, std::string* out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i + 3 < hex.size(); i += 4) {
    int cp = 0;
    for (size_t k = 0; k < 4; ++k) {
      int n = nibble(hex[i + k]);
      if (n < 0) return;
      cp = cp * 16 + n;
    }
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else {
      *out += ' ';  // only the ASCII code matters here
    }
  }
}

bool IsCodeChar(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

}  // namespace

TraceEvidence ReadTraceEvidence(const std::string& bytes) {
  TraceEvidence evidence;
  std::vector<std::string>& codes = evidence.codes;
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.processMemoryFile("trace", bytes.data(), bytes.size());
    QPDFObjectHandle info = pdf.getTrailer().getKey("/Info");
    if (info.isDictionary()) {
      for (const auto& key : info.getKeys()) {
        if (key.rfind("/Vault", 0) != 0) continue;
        QPDFObjectHandle v = info.getKey(key);
        if (v.isString()) evidence.token[key.substr(6)] = v.getUTF8Value();
      }
    }
    if (!PageTreeIsSane(pdf, 100000)) return evidence;
    auto pages = QPDFPageDocumentHelper(pdf).getAllPages();
    std::string text;
    for (size_t p = 0; p < pages.size() && p < 3; ++p) {
      int forms = 0;
      for (auto& kv : pages[p].getFormXObjects()) {
        if (++forms > 16) break;
        QPDFObjectHandle form = kv.second;
        if (!form.isStream()) continue;
        std::string content = StreamData(form, 1u << 20);
        for (size_t at = content.find('<'); at != std::string::npos; at = content.find('<', at + 1)) {
          size_t end = content.find('>', at);
          if (end == std::string::npos) break;
          if (end > at + 1 && content[at + 1] != '<') AppendUcs2Hex(content.substr(at + 1, end - at - 1), &text);
          text += '\n';
        }
      }
    }
    for (size_t i = 0; i + 9 <= text.size(); ++i) {
      bool ok = text[i + 4] == '-';
      for (size_t k : {0, 1, 2, 3, 5, 6, 7, 8}) ok = ok && IsCodeChar(text[i + k]);
      if (ok && (i == 0 || !IsCodeChar(text[i - 1])) && (i + 9 == text.size() || !IsCodeChar(text[i + 9]))) {
        std::string code = text.substr(i, 9);
        if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
      }
    }
  } catch (const std::exception&) {
    codes.clear();
  }
  return evidence;
}

}  // namespace vault
