#include "vault/policy/policy_engine.h"

#include <Poco/JSON/Object.h>

#include <algorithm>

#include "vault/policy/strict_json.h"

namespace vault {

namespace {

const PolicyFileSpec& RolesFile() {
  using S = JsonShape;
  static const PolicyFileSpec spec =
      PolicyFile("roles.json", "policy.invalid",
                 {{"classification_levels", S::List(S::String())},
                  {"roles", S::Map(S::Object({{"grants", S::List(S::Object({
                                                             {"actions", S::List(S::String())},
                                                             {"scope", S::String()},
                                                             {"max_classification", S::String()},
                                                         }))}}))}});
  return spec;
}

}  // namespace

StatusOr<std::unique_ptr<PolicyEngine>> PolicyEngine::FromJson(const std::string& json) {
  const PolicyFileSpec& file = RolesFile();
  VAULT_ASSIGN_OR_RETURN(Poco::JSON::Object::Ptr root, ReadStrictJson(json, file));
  std::unique_ptr<PolicyEngine> e(new PolicyEngine());
  try {
    auto levels = root->getArray("classification_levels");
    for (size_t i = 0; levels && i < levels->size(); ++i) {
      e->levels_.push_back(levels->getElement<std::string>(static_cast<unsigned>(i)));
    }
    auto roles = root->getObject("roles");
    if (!roles) return PolicyFileError(file, "", "no roles");
    for (const auto& kv : *roles) {
      auto role = kv.second.extract<Poco::JSON::Object::Ptr>();
      auto grants = role->getArray("grants");
      std::vector<Grant>& out = e->roles_[kv.first];
      for (size_t i = 0; grants && i < grants->size(); ++i) {
        auto g = grants->getObject(static_cast<unsigned>(i));
        const std::string at = "roles." + kv.first + ".grants[" + std::to_string(i) + "]";
        Grant grant;
        auto actions = g->getArray("actions");
        for (size_t j = 0; actions && j < actions->size(); ++j) {
          grant.actions.push_back(actions->getElement<std::string>(static_cast<unsigned>(j)));
        }
        std::string scope = g->optValue<std::string>("scope", "");
        if (scope == "all") {
          grant.scope = Scope::kAll;
        } else if (scope == "department") {
          grant.scope = Scope::kDepartment;
        } else if (scope == "department_and_customers") {
          grant.scope = Scope::kDepartmentAndCustomers;
        } else {
          return PolicyFileError(file, at + ".scope", "unknown scope '" + scope + "'");
        }
        grant.max_classification = g->optValue<std::string>("max_classification", "");
        if (!grant.max_classification.empty() && grant.max_classification != "clearance" &&
            std::find(e->levels_.begin(), e->levels_.end(), grant.max_classification) == e->levels_.end()) {
          return PolicyFileError(file, at + ".max_classification", "unknown max_classification");
        }
        out.push_back(std::move(grant));
      }
    }
  } catch (const Poco::Exception& ex) {
    return PolicyFileError(file, "", ex.displayText());
  }
  if (e->levels_.empty()) return PolicyFileError(file, "", "no classification levels");
  return e;
}

bool PolicyEngine::IsDocumentScoped(const std::string& action) {
  return action.rfind("document.", 0) == 0 || action == "borrow.request" || action == "borrow.approve";
}

int PolicyEngine::Level(const std::string& classification) const {
  auto it = std::find(levels_.begin(), levels_.end(), classification);
  return it == levels_.end() ? -1 : static_cast<int>(it - levels_.begin());
}

Decision PolicyEngine::Decide(const Subject& s, const std::string& action, const Resource& r,
                              TimePoint /*now: reserved for time-bound grants (loans)*/) const {
  auto role = roles_.find(s.role);
  if (role == roles_.end()) return {false, "default.deny", "unknown role"};
  for (size_t i = 0; i < role->second.size(); ++i) {
    const Grant& g = role->second[i];
    if (std::find(g.actions.begin(), g.actions.end(), action) == g.actions.end()) continue;
    const std::string rule = s.role + ".grant[" + std::to_string(i) + "]";
    if (s.suspended && action.rfind("document.", 0) == 0) {
      return {false, rule, "access suspended (overdue loan)"};
    }
    // Scope and classification constrain documents, and lending them: a
    // loan is scoped like seeing the record, for the borrower and for every
    // approver. Audit logs, registers, users and keys are vault-wide.
    if (!IsDocumentScoped(action)) return {true, rule, "granted"};
    if (g.scope == Scope::kDepartment || g.scope == Scope::kDepartmentAndCustomers) {
      if (r.department.empty() || r.department != s.department) {
        return {false, rule, "outside the subject's department"};
      }
    }
    if (g.scope == Scope::kDepartmentAndCustomers &&
        std::find(s.customers.begin(), s.customers.end(), r.customer_number) == s.customers.end()) {
      return {false, rule, "customer not assigned to the subject"};
    }
    if (!r.classification.empty()) {
      int level = Level(r.classification);
      int ceiling = g.max_classification == "clearance" ? Level(s.clearance)
                                                        : Level(g.max_classification);
      if (level < 0 || ceiling < 0 || level > ceiling) {
        return {false, rule, "classification above the subject's clearance"};
      }
    }
    return {true, rule, "granted"};
  }
  return {false, "default.deny", "action not granted to role " + s.role};
}

VisibilityScope PolicyEngine::VisibleScope(const Subject& s, const std::string& action) const {
  VisibilityScope scope;
  scope.restricted = true;
  scope.nothing = true;
  auto role = roles_.find(s.role);
  if (role == roles_.end() || action.rfind("document.", 0) != 0) return scope;
  for (const Grant& g : role->second) {
    if (std::find(g.actions.begin(), g.actions.end(), action) == g.actions.end()) continue;
    if (s.suspended) return scope;
    scope.nothing = false;
    if (g.scope == Scope::kDepartment || g.scope == Scope::kDepartmentAndCustomers) {
      if (s.department.empty()) {
        scope.nothing = true;
        return scope;
      }
      scope.department = s.department;
    }
    if (g.scope == Scope::kDepartmentAndCustomers) {
      scope.customers_only = true;
      scope.customers = s.customers;
    }
    // Same rule as Decide: an unclassified document passes, a known level
    // passes up to the ceiling, an unknown level never does.
    scope.classification_limited = true;
    int ceiling = g.max_classification == "clearance" ? Level(s.clearance) : Level(g.max_classification);
    for (int i = 0; i <= ceiling && i < static_cast<int>(levels_.size()); ++i) {
      scope.classifications.push_back(levels_[static_cast<size_t>(i)]);
    }
    return scope;
  }
  return scope;
}

bool PolicyEngine::RoleMayEver(const std::string& role, const std::string& action) const {
  auto it = roles_.find(role);
  if (it == roles_.end()) return false;
  for (const Grant& g : it->second) {
    if (std::find(g.actions.begin(), g.actions.end(), action) != g.actions.end()) return true;
  }
  return false;
}

}  // namespace vault
