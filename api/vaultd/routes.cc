#include "api/vaultd/routes.h"

namespace vaultd {

const std::vector<Route>& RouteTable() {
  static const std::vector<Route> kRoutes = {
      {"GET", "/healthz", HandleHealthz},
      {"GET", "/metrics", HandleMetrics},
      {"GET", "/api/v1/system/health", HandleSystemHealth},
      {"POST", "/api/v1/sessions", HandleLogin},
      {"GET", "/api/v1/sessions/current", HandleCurrentSession},
      {"DELETE", "/api/v1/sessions/current", HandleLogout},
      {"GET", "/api/v1/documents", HandleListDocuments},
      {"POST", "/api/v1/documents", HandleCreateDocument},
      {"POST", "/api/v1/documents/validation", HandleValidateDocument},
      {"GET", "/api/v1/fields", HandleGetFields},
      {"GET", "/api/v1/documents/{id}", HandleGetDocument},
      {"GET", "/api/v1/documents/{id}/versions", HandleGetVersions},
      {"POST", "/api/v1/documents/{id}/versions", HandleAddVersion},
      {"GET", "/api/v1/documents/{id}/content", HandleGetContent},
      {"GET", "/api/v1/documents/{id}/actions", HandleDocumentActions},
      {"POST", "/api/v1/documents/{id}/exports", HandleCreateExport},
      {"GET", "/api/v1/trace/{code}", HandleTraceCode},
      {"POST", "/api/v1/trace", HandleTraceFile},
      {"GET", "/api/v1/users", HandleListUsers},
      {"POST", "/api/v1/users", HandleCreateUser},
      {"PATCH", "/api/v1/users/{name}", HandleUpdateUser},
      {"POST", "/api/v1/users/{name}/disable", HandleDisableUser},
      {"POST", "/api/v1/users/{name}/enable", HandleEnableUser},
      {"POST", "/api/v1/users/{name}/customers", HandleAssignCustomer},
      {"DELETE", "/api/v1/users/{name}/customers/{customer}", HandleUnassignCustomer},
      {"GET", "/api/v1/departments", HandleListDepartments},
      {"POST", "/api/v1/departments", HandleCreateDepartment},
      {"GET", "/api/v1/role-grants", HandleListRoleGrants},
      {"POST", "/api/v1/role-grants", HandleProposeRoleGrant},
      {"POST", "/api/v1/role-grants/{id}/approve", HandleApproveRoleGrant},
      {"POST", "/api/v1/role-grants/{id}/reject", HandleRejectRoleGrant},
      {"GET", "/api/v1/audit", HandleListAudit},
      {"GET", "/api/v1/audit/checkpoints", HandleListCheckpoints},
      {"GET", "/api/v1/audit/verification", HandleVerifyAudit},
      {"POST", "/api/v1/borrows", HandleCreateBorrow},
      {"GET", "/api/v1/borrows", HandleListBorrows},
      {"GET", "/api/v1/borrows/register", HandleBorrowRegister},
      {"GET", "/api/v1/borrows/{id}", HandleGetBorrow},
      {"POST", "/api/v1/borrows/{id}/approve", HandleApproveBorrow},
      {"POST", "/api/v1/borrows/{id}/reject", HandleRejectBorrow},
      {"POST", "/api/v1/borrows/{id}/withdraw", HandleWithdrawBorrow},
      {"POST", "/api/v1/borrows/{id}/issue", HandleIssueBorrow},
      {"POST", "/api/v1/borrows/{id}/renew", HandleRenewBorrow},
      {"POST", "/api/v1/borrows/{id}/recall", HandleRecallBorrow},
      {"POST", "/api/v1/borrows/{id}/revoke", HandleRevokeBorrow},
      {"POST", "/api/v1/borrows/{id}/return", HandleReturnBorrow},
      {"GET", "/api/v1/borrows/{id}/copy", HandleBorrowCopy},
      {"GET", "/api/v1/notifications", HandleListNotifications},
      {"GET", "/api/v1/incidents", HandleListIncidents},
      {"GET", "/api/v1/alerts", HandleListAlerts},
      {"GET", "/api/v1/alerts/{id}", HandleGetAlert},
      {"POST", "/api/v1/alerts/{id}/acknowledge", HandleAcknowledgeAlert},
      {"GET", "/api/v1/keys/signing.pem", HandleSigningKeyPem},
      {"GET", "/api/v1/keys/signing.pub", HandleSigningKeyMinisign},
      {"GET", "/api/v1/keys", HandleListKeys},
      {"POST", "/api/v1/keys/rotation", HandleStartRotation},
      {"GET", "/api/v1/keys/rotation", HandleRotationProgress},
      {"POST", "/api/v1/keys/rewrap", HandleStartRewrap},
      {"GET", "/api/v1/keys/destructions", HandleListKeyDestructions},
      {"POST", "/api/v1/keys/destructions", HandleRequestKeyDestruction},
      {"POST", "/api/v1/keys/destructions/{id}/approve", HandleApproveKeyDestruction},
      {"GET", "/api/v1/fixity/reports", HandleListFixityReports},
      {"GET", "/api/v1/fixity/reports/{file}", HandleGetFixityReportFile},
      {"POST", "/api/v1/backups", HandleCreateBackup},
      {"GET", "/api/v1/backups", HandleListBackups},
      {"GET", "/api/v1/backups/drills", HandleListBackupDrills},
      {"GET", "/api/v1/backups/drills/{name}/{file}", HandleGetBackupDrillFile},
      {"GET", "/api/v1/quality/samples", HandleListQualitySamples},
      {"POST", "/api/v1/quality/samples", HandleDrawQualitySample},
      {"GET", "/api/v1/quality/samples/{id}", HandleGetQualitySample},
      {"POST", "/api/v1/quality/samples/{id}/checks", HandleRecordQualityCheck},
      {"POST", "/api/v1/destructions", HandleCreateDestruction},
      {"GET", "/api/v1/destructions", HandleListDestructions},
      {"GET", "/api/v1/destructions/register", HandleDestructionRegister},
      {"GET", "/api/v1/destructions/preconditions", HandleDestructionPreconditions},
      {"GET", "/api/v1/destructions/{id}", HandleGetDestruction},
      {"POST", "/api/v1/destructions/{id}/approve", HandleApproveDestruction},
      {"POST", "/api/v1/destructions/{id}/execute", HandleExecuteDestruction},
      {"GET", "/api/v1/certificates", HandleListCertificates},
      {"POST", "/api/v1/certificates/verify", HandleVerifyCertificate},
      {"GET", "/api/v1/certificates/chain", HandleCertificateChain},
      {"GET", "/api/v1/certificates/{file}", HandleGetCertificateFile},
      {"GET", "/api/v1/holds", HandleListHolds},
      {"POST", "/api/v1/holds", HandleCreateHold},
      {"POST", "/api/v1/holds/{id}/release", HandleReleaseHold},
      {"GET", "/api/v1/retention/due", HandleRetentionDue},
      {"GET", "/api/v1/customers/{customer}/erasure", HandleErasurePreview},
      {"GET", "/api/v1/customers/{customer}/export", HandleCustomerExport},
      {"POST", "/api/v1/customers/{customer}/erasure", HandleErasureRequest},
  };
  return kRoutes;
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : path) {
    if (c == '/') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

namespace {

bool Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
             PathParams* params) {
  if (pattern.size() != segments.size()) return false;
  PathParams found;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i].front() == '{') {
      found.push_back(segments[i]);
    } else if (pattern[i] != segments[i]) {
      return false;
    }
  }
  *params = std::move(found);
  return true;
}

}  // namespace

const Route* MatchRoute(const std::string& method, const std::vector<std::string>& segments,
                        PathParams* params, std::string* allowed) {
  static const std::vector<std::vector<std::string>> kPatterns = [] {
    std::vector<std::vector<std::string>> out;
    for (const Route& r : RouteTable()) out.push_back(SplitPath(r.pattern));
    return out;
  }();
  allowed->clear();
  const auto& routes = RouteTable();
  for (size_t i = 0; i < routes.size(); ++i) {
    PathParams p;
    if (!Matches(kPatterns[i], segments, &p)) continue;
    *allowed += (allowed->empty() ? "" : ", ") + std::string(routes[i].method);
    if (method == routes[i].method) {
      *params = std::move(p);
      return &routes[i];
    }
  }
  return nullptr;
}

}  // namespace vaultd
