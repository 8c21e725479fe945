#include "vault/base/canonical_json.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace vault {
namespace {

// A UTF-8 byte's weight in UTF-16 order. At the first byte where two valid
// UTF-8 strings differ both bytes start a character, and byte order is code
// point order, which is UTF-16 order except for characters above U+FFFF:
// their surrogates (D800..DFFF) sort after U+D7FF (lead byte ED) and before
// U+E000 (lead byte EE), so the 4-byte lead bytes F0..F4 weigh in between.
// The weights are distinct, so invalid UTF-8 still gets a total order.
int Utf16Weight(unsigned char b) {
  if (b >= 0xF0 && b <= 0xF4) return 8 * 0xED + 1 + (b - 0xF0);
  return 8 * b;
}

void AppendValue(const Poco::Dynamic::Var& v, std::string* out);

template <typename Object>
void AppendObject(const Object& o, std::string* out) {
  std::vector<std::string> keys;
  for (const auto& kv : o) keys.push_back(kv.first);
  std::sort(keys.begin(), keys.end(), CanonicalKeyLess);
  *out += '{';
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i) *out += ',';
    *out += JsonEscape(keys[i]);
    *out += ':';
    AppendValue(o.get(keys[i]), out);
  }
  *out += '}';
}

void AppendValue(const Poco::Dynamic::Var& v, std::string* out) {
  if (v.isEmpty()) {
    *out += "null";
  } else if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
    AppendObject(*v.extract<Poco::JSON::Object::Ptr>(), out);
  } else if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
    const auto a = v.extract<Poco::JSON::Array::Ptr>();
    *out += '[';
    for (size_t i = 0; i < a->size(); ++i) {
      if (i) *out += ',';
      AppendValue(a->get(static_cast<unsigned>(i)), out);
    }
    *out += ']';
  } else if (v.isBoolean()) {
    *out += v.convert<bool>() ? "true" : "false";
  } else if (v.isInteger()) {
    *out += std::to_string(v.convert<Poco::Int64>());
  } else {
    *out += JsonEscape(v.convert<std::string>());  // strings; see the header for other numbers
  }
}

}  // namespace

bool CanonicalKeyLess(const std::string& a, const std::string& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return Utf16Weight(static_cast<unsigned char>(x)) < Utf16Weight(static_cast<unsigned char>(y));
  });
}

std::string JsonEscape(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string CanonicalJson(const std::map<std::string, CanonicalValue>& object) {
  std::vector<const std::map<std::string, CanonicalValue>::value_type*> members;
  for (const auto& kv : object) members.push_back(&kv);
  std::sort(members.begin(), members.end(),
            [](const auto* x, const auto* y) { return CanonicalKeyLess(x->first, y->first); });
  std::string out = "{";
  for (size_t i = 0; i < members.size(); ++i) {
    if (i) out += ',';
    out += JsonEscape(members[i]->first);
    out += ':';
    if (const auto* s = std::get_if<std::string>(&members[i]->second)) {
      out += JsonEscape(*s);
    } else {
      out += std::to_string(std::get<int64_t>(members[i]->second));
    }
  }
  return out + "}";
}

std::string CanonicalJsonOf(const std::string& json) {
  Poco::JSON::Parser parser;
  std::string out;
  AppendValue(parser.parse(json), &out);
  return out;
}

}  // namespace vault
