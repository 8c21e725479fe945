// PolicyEngine: the one place where access is decided.
//
// Pure: a subject, an action, a resource and the time go in; a decision and
// the rule that made it come out. No I/O, no clock reads, no exceptions, so
// the whole matrix can be tested exhaustively. Handlers never decide access
// themselves; they ask this and audit the answer.
//
// Configured by policies/roles.json: per role, a list of grants (actions,
// scope, classification ceiling). The first grant naming the action decides;
// anything not granted is denied ("default.deny").
//
// Thread-safety: immutable after creation.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/documents/document.h"

namespace vault {

struct Subject {
  std::string username;
  std::string role;
  std::string department;
  std::string clearance;                // public | internal | confidential
  std::vector<std::string> customers;   // customers assigned to a staff member
  bool suspended = false;               // e.g. an overdue loan (issue 5)
};

struct Resource {
  std::string department;
  std::string classification;  // empty for non-document resources
  std::string customer_number;
};

struct Decision {
  bool allowed = false;
  std::string rule;    // e.g. "staff.grant[0]" or "default.deny"
  std::string reason;  // for the audit log and the error message
};

class PolicyEngine {
 public:
  static StatusOr<std::unique_ptr<PolicyEngine>> FromJson(const std::string& json);

  Decision Decide(const Subject& subject, const std::string& action, const Resource& resource,
                  TimePoint now) const;

  // The documents `subject` may `action`, as query constraints: a document
  // is inside the scope exactly when Decide would allow it (tested over the
  // whole matrix), so list queries can filter in the database.
  VisibilityScope VisibleScope(const Subject& subject, const std::string& action) const;

  // Whether any grant of `role` names `action` (before resource checks).
  bool RoleMayEver(const std::string& role, const std::string& action) const;

  // Whether scope and classification constrain `action` (document.*,
  // borrow.request, borrow.approve): Decide needs the document's Resource.
  static bool IsDocumentScoped(const std::string& action);

 private:
  enum class Scope { kAll, kDepartment, kDepartmentAndCustomers };
  struct Grant {
    std::vector<std::string> actions;
    Scope scope = Scope::kAll;
    std::string max_classification;  // a level, "clearance", or empty (no documents)
  };
  PolicyEngine() = default;
  int Level(const std::string& classification) const;

  std::vector<std::string> levels_;
  std::map<std::string, std::vector<Grant>> roles_;
};

}  // namespace vault
