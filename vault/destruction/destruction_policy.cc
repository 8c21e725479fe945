#include "vault/destruction/destruction_policy.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "vault/storage/overwrite.h"

namespace vault {

StatusOr<std::vector<std::string>> DestructionPassesFromJson(const std::string& json) {
  auto invalid = [](const std::string& what) {
    return InvalidArgumentError("destruction.policy_invalid", "destruction.json: " + what);
  };
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    for (const auto& kv : *o) {
      if (kv.first != "version" && kv.first != "description" && kv.first != "passes") {
        return invalid(kv.first + ": unknown field");
      }
    }
    if (!o->has("version") || !o->get("version").isInteger() || o->getValue<int>("version") != 1) {
      return invalid("version: must be 1");
    }
    auto passes = o->getArray("passes");
    if (!passes || passes->size() == 0 || passes->size() > 35) return invalid("passes: 1 to 35 patterns");
    std::vector<std::string> out;
    for (size_t i = 0; i < passes->size(); ++i) {
      const auto& v = passes->get(static_cast<unsigned>(i));
      if (!v.isString()) return invalid("passes[" + std::to_string(i) + "]: must be a string");
      out.push_back(v.toString());
    }
    Status ok = CheckOverwritePatterns(out);
    if (!ok.ok()) return invalid("passes: " + ok.message());
    return out;
  } catch (const Poco::Exception& e) {
    return invalid("not valid JSON: " + e.displayText());
  }
}

}  // namespace vault
