#include "vault/policy/policy_set.h"

#include <fstream>
#include <sstream>

#include "vault/alerts/default_alerts.h"
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
  // Read every file first, then validate them in FromTexts' order: an
  // unreadable roles.json is refused before anything is parsed.
  PolicyTexts t;
  VAULT_ASSIGN_OR_RETURN(t.roles, ReadPolicyFile(dir, "roles.json", kDefaultRolesJson, true));
  VAULT_ASSIGN_OR_RETURN(t.watermark, ReadPolicyFile(dir, "watermark.json", kDefaultWatermarkJson, false));
  VAULT_ASSIGN_OR_RETURN(t.borrowing, ReadPolicyFile(dir, "borrowing.json", kDefaultBorrowingJson, false));
  VAULT_ASSIGN_OR_RETURN(t.retention, ReadPolicyFile(dir, "retention.json", kDefaultRetentionJson, false));
  VAULT_ASSIGN_OR_RETURN(t.destruction, ReadPolicyFile(dir, "destruction.json", kDefaultDestructionJson, false));
  VAULT_ASSIGN_OR_RETURN(t.fields, ReadPolicyFile(dir, "fields.json", kDefaultFieldsJson, false));
  VAULT_ASSIGN_OR_RETURN(t.alerts, ReadPolicyFile(dir, "alerts.json", kDefaultAlertsJson, false));
  return FromTexts(t);
}

StatusOr<std::unique_ptr<PolicySet>> PolicySet::FromTexts(const PolicyTexts& t) {
  auto or_default = [](const std::string& text, const char* fallback) {
    return text.empty() ? std::string(fallback) : text;
  };
  std::unique_ptr<PolicySet> set(new PolicySet());
  VAULT_ASSIGN_OR_RETURN(set->roles_, PolicyEngine::FromJson(or_default(t.roles, kDefaultRolesJson)));
  set->watermark_json_ = or_default(t.watermark, kDefaultWatermarkJson);
  VAULT_ASSIGN_OR_RETURN(set->watermark_, WatermarkPolicy::FromJson(set->watermark_json_));
  set->borrowing_json_ = or_default(t.borrowing, kDefaultBorrowingJson);
  VAULT_ASSIGN_OR_RETURN(set->borrowing_, BorrowPolicy::FromJson(set->borrowing_json_));
  set->retention_json_ = or_default(t.retention, kDefaultRetentionJson);
  VAULT_ASSIGN_OR_RETURN(set->retention_, RetentionPolicy::FromJson(set->retention_json_));
  set->destruction_json_ = or_default(t.destruction, kDefaultDestructionJson);
  VAULT_ASSIGN_OR_RETURN(set->destruction_passes_, DestructionPassesFromJson(set->destruction_json_));
  VAULT_ASSIGN_OR_RETURN(set->fields_, FieldDictionary::FromJson(or_default(t.fields, kDefaultFieldsJson)));
  VAULT_ASSIGN_OR_RETURN(set->alerts_, AlertPolicy::FromJson(or_default(t.alerts, kDefaultAlertsJson)));
  return set;
}

}  // namespace vault
