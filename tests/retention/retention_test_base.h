// The retention test base policy and its mutations, shared by the retention tests.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <functional>
#include <sstream>
#include <string>

namespace vault {
namespace retention_test {

// A valid policy for the tests to load, and edits of it.
inline constexpr char kBase[] = R"({
  "version": 1,
  "description": "test",
  "retention_classes": {"permanent": "permanent", "30y": "P30Y", "10y": "P10Y", "5y": "P5Y",
                        "3y": "P3Y"},
  "rules": {
    "contract": {"label": "合同", "anchor": "contract_end_date",
                 "fallback_anchors": ["contract_date"], "period": "P10Y", "basis": "b"},
    "nda": {"label": "保密协议", "anchor": "event", "event": "business_ended", "period": "P5Y"},
    "invoice": {"label": "发票", "anchor": "ingest", "period": "P30Y", "after_year_end": true},
    "default": {"label": "其他", "anchor": "ingest", "period": "P10Y"}
  }
})";

inline std::string Mutated(const std::function<void(Poco::JSON::Object&)>& edit) {
  Poco::JSON::Parser parser;
  auto root = parser.parse(kBase).extract<Poco::JSON::Object::Ptr>();
  edit(*root);
  std::ostringstream out;
  root->stringify(out);
  return out.str();
}

inline Poco::JSON::Object& Rule(Poco::JSON::Object& root, const std::string& key) {
  return *root.getObject("rules")->getObject(key);
}

}  // namespace retention_test
}  // namespace vault
