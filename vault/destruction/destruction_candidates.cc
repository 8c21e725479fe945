// Which records a destruction request could take: the data-subject erasure
// preview and the list of records due for destruction. Both read every page
// of a search and ask Check() about each record.
#include "vault/destruction/destruction_service.h"

#include <algorithm>

namespace vault {

StatusOr<std::vector<Protection>> DestructionService::CheckMatching(DocumentFilter filter,
                                                                    const std::string& reason,
                                                                    bool legal_approved) {
  filter.limit = 1000;
  std::vector<Protection> out;
  for (;;) {
    VAULT_ASSIGN_OR_RETURN(SearchPage page, d_.vault->Search(filter));
    std::vector<std::string> ids;
    for (const auto& d : page.documents) ids.push_back(d.id);
    VAULT_ASSIGN_OR_RETURN(std::vector<Protection> checks, Check(ids, reason, legal_approved));
    for (Protection& c : checks) out.push_back(std::move(c));
    if (page.next_cursor.empty()) break;
    filter.cursor = page.next_cursor;
  }
  return out;
}

StatusOr<ErasurePlan> DestructionService::PlanErasure(const std::string& customer) {
  DocumentFilter f;
  f.customer_number = customer;
  ErasurePlan plan;
  VAULT_ASSIGN_OR_RETURN(plan.records, CheckMatching(f, "customer_request", true));
  for (const Protection& p : plan.records) {
    if (p.reasons.empty()) plan.erasable.push_back(p.document_id);
  }
  return plan;
}

StatusOr<std::vector<Protection>> DestructionService::RetentionDue() {
  VAULT_ASSIGN_OR_RETURN(std::vector<ExpiredRecord> expired, RetentionExpired());
  std::vector<Protection> due;
  for (ExpiredRecord& e : expired) {
    if (e.protection.reasons.empty()) due.push_back(std::move(e.protection));
  }
  return due;
}

StatusOr<std::vector<ExpiredRecord>> DestructionService::RetentionExpired() {
  VAULT_ASSIGN_OR_RETURN(std::vector<Protection> all, CheckMatching(DocumentFilter{}, "retention_expired", false));
  std::vector<ExpiredRecord> out;
  for (Protection& p : all) {
    // Check() names retention among the reasons exactly when it has not
    // expired: those records are not due, whatever else protects them.
    if (std::find(p.kinds.begin(), p.kinds.end(), "retention") != p.kinds.end()) continue;
    // A ghost is no longer kept: nothing is left to destroy.
    if (std::find(p.kinds.begin(), p.kinds.end(), "destroyed") != p.kinds.end()) continue;
    VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, d_.vault->Get(p.document_id));
    ExpiredRecord e;
    e.retention = d_.retention->Decide(doc, {});
    const auto rule = d_.retention->rules().find(e.retention.rule);
    if (rule != d_.retention->rules().end()) e.rule_label = rule->second.label;
    e.title = doc.meta.title;
    e.customer = doc.meta.customer_number;
    e.doc_type = doc.meta.doc_type;
    e.protection = std::move(p);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace vault
