#include "vault/metadata/document_rows.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace vault::metadata_rows {

std::string FieldsToJson(const std::map<std::string, std::string>& fields) {
  Poco::JSON::Object obj;
  for (const auto& kv : fields) obj.set(kv.first, kv.second);
  std::ostringstream out;
  obj.stringify(out);
  return out.str();
}

std::map<std::string, std::string> FieldsFromJson(const std::string& json) {
  std::map<std::string, std::string> out;
  if (json.empty()) return out;
  Poco::JSON::Parser parser;
  auto obj = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  for (const auto& kv : *obj) out[kv.first] = kv.second.convert<std::string>();
  return out;
}

}  // namespace vault::metadata_rows
