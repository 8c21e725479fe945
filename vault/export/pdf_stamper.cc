#include "vault/export/pdf_stamper.h"

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "vault/export/stamp_renderer.h"

namespace vault {
namespace {

// libharu's CIDs in UTF-8 mode are the characters' BMP code points, so the
// correct ToUnicode map is the identity over the BMP (surrogates excluded),
// written as bfranges that never cross a high byte.
std::string IdentityBmpToUnicode() {
  std::ostringstream ranges;
  int count = 0;
  std::ostringstream block;
  auto flush = [&] {
    if (count == 0) return;
    ranges << count << " beginbfrange\n" << block.str() << "endbfrange\n";
    block.str("");
    count = 0;
  };
  char line[64];
  for (int hi = 0; hi < 256; ++hi) {
    if (hi >= 0xD8 && hi <= 0xDF) continue;
    std::snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
    block << line;
    if (++count == 100) flush();
  }
  flush();
  return "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
         "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
         "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
         "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n" +
         ranges.str() + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
}

void FixToUnicode(QPDF& stamp) {
  const std::string cmap = IdentityBmpToUnicode();
  for (auto& page : QPDFPageDocumentHelper(stamp).getAllPages()) {
    QPDFObjectHandle resources = page.getAttribute("/Resources", false);
    if (!resources.isDictionary() || !resources.hasKey("/Font")) continue;
    QPDFObjectHandle fonts = resources.getKey("/Font");
    for (const auto& key : fonts.getKeys()) {
      QPDFObjectHandle font = fonts.getKey(key);
      if (font.isDictionary() && font.hasKey("/ToUnicode") && font.getKey("/ToUnicode").isStream()) {
        font.getKey("/ToUnicode").replaceStreamData(cmap, QPDFObjectHandle::newNull(), QPDFObjectHandle::newNull());
      }
    }
  }
}

int NormalizedRotation(QPDFPageObjectHelper& page) {
  QPDFObjectHandle r = page.getAttribute("/Rotate", false);
  int rotate = r.isInteger() ? static_cast<int>(r.getIntValue()) : 0;
  rotate %= 360;
  if (rotate < 0) rotate += 360;
  return (rotate / 90) * 90;
}

// The key of a stamp page: displayed size and the counter-rotation.
struct StampKey {
  PageSize displayed;
  int rotate = 0;  // the stamp page's /Rotate: cancels the target page's
  bool operator<(const StampKey& o) const {
    if (rotate != o.rotate) return rotate < o.rotate;
    return displayed < o.displayed;
  }
};

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
    auto data = root.getKey("/Metadata").getStreamData(qpdf_dl_generalized);
    packet.assign(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
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

}  // namespace

StatusOr<StampResult> StampPdf(const std::string& source, const StampJob& job) {
  if (source.compare(0, 5, "%PDF-") != 0 && source.find("%PDF-") > 1024) {
    return InvalidArgumentError("export.not_pdf", "the stored file is not a PDF");
  }
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    try {
      pdf.processMemoryFile("stored document", source.data(), source.size());
    } catch (const QPDFExc& e) {
      if (e.getErrorCode() == qpdf_e_password) {
        return FailedPreconditionError("export.encrypted",
                                       "the stored PDF needs a password to open; it cannot be stamped");
      }
      return InvalidArgumentError("export.unreadable", "the stored PDF cannot be read");
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
      key.rotate = (360 - rotate) % 360;
      if (!index.count(key)) {
        index[key] = keys.size();
        keys.push_back(key);
      }
      page_keys.push_back(key);
    }
    std::vector<PageSize> sizes;
    std::vector<int> rotations;
    for (const auto& k : keys) {
      sizes.push_back(k.displayed);
      rotations.push_back(k.rotate);
    }
    VAULT_ASSIGN_OR_RETURN(std::string stamp_bytes,
                           RenderStampPdf(job.text, job.layout, job.font_file, sizes, rotations));
    QPDF stamp;  // must live until the writer is done
    stamp.setSuppressWarnings(true);
    stamp.processMemoryFile("stamp", stamp_bytes.data(), stamp_bytes.size());
    FixToUnicode(stamp);
    std::vector<QPDFPageObjectHelper> stamp_pages = QPDFPageDocumentHelper(stamp).getAllPages();
    std::vector<QPDFObjectHandle> forms;
    for (auto& sp : stamp_pages) forms.push_back(pdf.copyForeignObject(sp.getFormXObjectForPage(true)));

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
      // Isolate the original content's graphics state from the stamp.
      page.addPageContents(QPDFObjectHandle::newStream(&pdf, "q\n"), true);
      page.addPageContents(QPDFObjectHandle::newStream(&pdf, "\nQ\nq\n" + placement + "\nQ\n"), false);
    }
    WriteInfo(pdf, job.token);
    WriteXmp(pdf, job.token);
    QPDFWriter writer(pdf);
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

std::map<std::string, std::string> ReadPdfToken(const std::string& bytes) {
  std::map<std::string, std::string> out;
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.processMemoryFile("trace", bytes.data(), bytes.size());
    QPDFObjectHandle info = pdf.getTrailer().getKey("/Info");
    if (!info.isDictionary()) return out;
    for (const auto& key : info.getKeys()) {
      if (key.rfind("/Vault", 0) != 0) continue;
      QPDFObjectHandle v = info.getKey(key);
      if (v.isString()) out[key.substr(6)] = v.getUTF8Value();
    }
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

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

std::vector<std::string> ReadVisibleCodes(const std::string& bytes) {
  std::vector<std::string> codes;
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.processMemoryFile("trace", bytes.data(), bytes.size());
    auto pages = QPDFPageDocumentHelper(pdf).getAllPages();
    std::string text;
    for (size_t p = 0; p < pages.size() && p < 3; ++p) {
      for (auto& kv : pages[p].getFormXObjects()) {
        QPDFObjectHandle form = kv.second;
        if (!form.isStream()) continue;
        auto data = form.getStreamData(qpdf_dl_generalized);
        std::string content(reinterpret_cast<const char*>(data->getBuffer()), data->getSize());
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
  return codes;
}

}  // namespace vault
