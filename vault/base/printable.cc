#include "vault/base/printable.h"

#include <cstdint>
#include <cstdio>

namespace vault {
namespace {

void AppendByte(std::string& out, unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  out += buf;
}

void AppendCodePoint(std::string& out, uint32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(cp));
  out += buf;
}

bool Hidden(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

// Length of the well-formed UTF-8 sequence at in[i] (2 to 4), with its code
// point; 0 when it is not one (overlong, surrogate, out of range, cut short).
size_t DecodeMultibyte(std::string_view in, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(in[i + k]); };
  const unsigned char lead = b(0);
  size_t len = 0;
  uint32_t min = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    len = 2;
    min = 0x80;
    *cp = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    len = 3;
    min = 0x800;
    *cp = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    len = 4;
    min = 0x10000;
    *cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + len > in.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xc0) != 0x80) return 0;
    *cp = (*cp << 6) | (b(k) & 0x3f);
  }
  if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff)) return 0;
  return len;
}

}  // namespace

std::string EscapeControl(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\r') {
        out += "\\r";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20 || c == 0x7f) {
        AppendByte(out, c);
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t len = DecodeMultibyte(in, i, &cp);
    if (len == 0) {
      AppendByte(out, c);
      ++i;
    } else {
      if (Hidden(cp)) {
        AppendCodePoint(out, cp);
      } else {
        out.append(in.substr(i, len));
      }
      i += len;
    }
  }
  return out;
}

}  // namespace vault
