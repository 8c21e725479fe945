#include "vault/policy/policy_set.h"

#include <fstream>
#include <sstream>

#include "vault/borrow/default_borrowing.h"
#include "vault/destruction/default_destruction.h"
#include "vault/destruction/destruction_policy.h"
#include "vault/documents/default_fields.h"
#include "vault/export/default_watermark.h"
#include "vault/policy/default_roles.h"
#include "vault/retention/default_retention.h"

namespace vault {
namespace {

// The text of dir/name; the built-in `fallback` when there is no directory,
// or when the file cannot be opened and is not `required`.
StatusOr<std::string> ReadPolicyFile(const std::string& dir, const std::string& name, const char* fallback,
                                     bool required) {
  if (dir.empty()) return std::string(fallback);
  std::ifstream in(dir + "/" + name);
  if (!in) {
    if (!required) return std::string(fallback);
    return FailedPreconditionError("config.policies", "cannot read " + dir + "/" + name);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return FailedPreconditionError("config.policies", "cannot read " + dir + "/" + name);
  return ss.str();
}

}  // namespace

StatusOr<std::unique_ptr<PolicySet>> PolicySet::Load(const std::string& dir) {
  std::unique_ptr<PolicySet> set(new PolicySet());
  VAULT_ASSIGN_OR_RETURN(std::string roles, ReadPolicyFile(dir, "roles.json", kDefaultRolesJson, true));
  VAULT_ASSIGN_OR_RETURN(set->roles_, PolicyEngine::FromJson(roles));
  VAULT_ASSIGN_OR_RETURN(set->watermark_json_,
                         ReadPolicyFile(dir, "watermark.json", kDefaultWatermarkJson, false));
  VAULT_ASSIGN_OR_RETURN(set->watermark_, WatermarkPolicy::FromJson(set->watermark_json_));
  VAULT_ASSIGN_OR_RETURN(set->borrowing_json_,
                         ReadPolicyFile(dir, "borrowing.json", kDefaultBorrowingJson, false));
  VAULT_ASSIGN_OR_RETURN(set->borrowing_, BorrowPolicy::FromJson(set->borrowing_json_));
  VAULT_ASSIGN_OR_RETURN(set->retention_json_,
                         ReadPolicyFile(dir, "retention.json", kDefaultRetentionJson, false));
  VAULT_ASSIGN_OR_RETURN(set->retention_, RetentionPolicy::FromJson(set->retention_json_));
  VAULT_ASSIGN_OR_RETURN(set->destruction_json_,
                         ReadPolicyFile(dir, "destruction.json", kDefaultDestructionJson, false));
  VAULT_ASSIGN_OR_RETURN(set->destruction_passes_, DestructionPassesFromJson(set->destruction_json_));
  VAULT_ASSIGN_OR_RETURN(std::string fields, ReadPolicyFile(dir, "fields.json", kDefaultFieldsJson, false));
  VAULT_ASSIGN_OR_RETURN(set->fields_, FieldDictionary::FromJson(fields));
  return set;
}

}  // namespace vault
