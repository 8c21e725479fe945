// PolicySet: every policy of a policies directory, read and validated once.
//
// Load(dir) reads roles.json, watermark.json, borrowing.json,
// retention.json, destruction.json, fields.json and alerts.json from `dir` through their
// strict loaders (vault/policy/strict_json.h). roles.json must be readable
// when a directory is given; any other file that cannot be opened is
// replaced by its built-in default (the copy of policies/*.json that CMake
// compiles in), as is every file when `dir` is empty. The first invalid file
// refuses the whole set with that loader's reason code.
//
// FromTexts(texts) builds the same set from policy texts already in hand
// (an empty text: the built-in default), e.g. vaultd's ServerOptions.
//
// The field dictionary is loaded and validated like the rest, but record
// validation still uses the built-in FieldDictionary::Default().
//
// Thread-safety: immutable after Load.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vault/alerts/alert_policy.h"
#include "vault/base/status.h"
#include "vault/borrow/borrow_policy.h"
#include "vault/documents/field_dictionary.h"
#include "vault/export/watermark_policy.h"
#include "vault/policy/policy_engine.h"
#include "vault/retention/retention_policy.h"

namespace vault {

// The text of each policy file; an empty one stands for the built-in default.
struct PolicyTexts {
  std::string roles, watermark, borrowing, retention, destruction, fields, alerts;
};

class PolicySet {
 public:
  static StatusOr<std::unique_ptr<PolicySet>> Load(const std::string& dir);
  static StatusOr<std::unique_ptr<PolicySet>> FromTexts(const PolicyTexts& texts);

  const PolicyEngine& roles() const { return *roles_; }
  const WatermarkPolicy& watermark() const { return *watermark_; }
  const BorrowPolicy& borrowing() const { return *borrowing_; }
  const RetentionPolicy& retention() const { return *retention_; }
  const std::vector<std::string>& destruction_passes() const { return destruction_passes_; }
  const FieldDictionary& fields() const { return *fields_; }
  const AlertPolicy& alerts() const { return *alerts_; }

  // The validated text of each file, for components that build their own
  // copy of a policy from JSON (vaultd's ServerOptions).
  const std::string& watermark_json() const { return watermark_json_; }
  const std::string& borrowing_json() const { return borrowing_json_; }
  const std::string& retention_json() const { return retention_json_; }
  const std::string& destruction_json() const { return destruction_json_; }

 private:
  PolicySet() = default;

  std::unique_ptr<PolicyEngine> roles_;
  std::unique_ptr<WatermarkPolicy> watermark_;
  std::unique_ptr<BorrowPolicy> borrowing_;
  std::unique_ptr<RetentionPolicy> retention_;
  std::vector<std::string> destruction_passes_;
  std::unique_ptr<FieldDictionary> fields_;
  std::unique_ptr<AlertPolicy> alerts_;
  std::string watermark_json_, borrowing_json_, retention_json_, destruction_json_;
};

}  // namespace vault
