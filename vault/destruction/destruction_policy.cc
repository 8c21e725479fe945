#include "vault/destruction/destruction_policy.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "vault/policy/strict_json.h"
#include "vault/storage/overwrite.h"

namespace vault {

namespace {

const PolicyFileSpec& DestructionFile() {
  using S = JsonShape;
  static const PolicyFileSpec spec = PolicyFile("destruction.json", "destruction.policy_invalid",
                                                {{"passes", S::List(S::String())}});
  return spec;
}

}  // namespace

StatusOr<std::vector<std::string>> DestructionPassesFromJson(const std::string& json) {
  const PolicyFileSpec& file = DestructionFile();
  VAULT_ASSIGN_OR_RETURN(Poco::JSON::Object::Ptr o, ReadStrictJson(json, file));
  if (!o->has("version")) return PolicyFileError(file, "version", "must be 1");
  auto passes = o->getArray("passes");
  if (!passes || passes->size() == 0 || passes->size() > 35) {
    return PolicyFileError(file, "passes", "1 to 35 patterns");
  }
  std::vector<std::string> out;
  for (unsigned i = 0; i < passes->size(); ++i) out.push_back(passes->get(i).extract<std::string>());
  Status ok = CheckOverwritePatterns(out);
  if (!ok.ok()) return PolicyFileError(file, "passes", ok.message());
  return out;
}

}  // namespace vault
