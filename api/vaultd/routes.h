// The route table: every route vaultd serves, with its handler. Routes() in
// server.h, the OpenAPI coverage test and the authorization matrix test all
// read this one table, so a route cannot be served without being listed.
#pragma once

#include <string>
#include <vector>

namespace vaultd {

class Exchange;

// Path parameters in pattern order, e.g. {id} of /api/v1/documents/{id}.
using PathParams = std::vector<std::string>;
using RouteHandler = void (*)(Exchange& ex, const PathParams& params);

struct Route {
  const char* method;
  const char* pattern;  // "{name}" matches one path segment
  RouteHandler handler;
};

const std::vector<Route>& RouteTable();

// The non-empty segments of a path: "/api//v1/x" -> {"api", "v1", "x"}.
std::vector<std::string> SplitPath(const std::string& path);

// Finds the route for `method` and the path's segments; fills `params`.
// `allowed` gets the methods that some route serves on this path, e.g.
// "GET, POST" (non-empty with no match: 405, not 404).
const Route* MatchRoute(const std::string& method, const std::vector<std::string>& segments,
                        PathParams* params, std::string* allowed);

// Handlers, by file.
// handlers_system.cc
void HandleHealthz(Exchange& ex, const PathParams& p);
void HandleSystemHealth(Exchange& ex, const PathParams& p);
void HandleMetrics(Exchange& ex, const PathParams& p);
// handlers_sessions.cc
void HandleLogin(Exchange& ex, const PathParams& p);
void HandleLogout(Exchange& ex, const PathParams& p);
void HandleCurrentSession(Exchange& ex, const PathParams& p);
// handlers_documents.cc
void HandleListDocuments(Exchange& ex, const PathParams& p);
void HandleGetDocument(Exchange& ex, const PathParams& p);
void HandleGetVersions(Exchange& ex, const PathParams& p);
void HandleGetContent(Exchange& ex, const PathParams& p);
// handlers_document_actions.cc
void HandleDocumentActions(Exchange& ex, const PathParams& p);
// handlers_upload.cc
void HandleCreateDocument(Exchange& ex, const PathParams& p);
void HandleAddVersion(Exchange& ex, const PathParams& p);
// handlers_fields.cc
void HandleGetFields(Exchange& ex, const PathParams& p);
void HandleValidateDocument(Exchange& ex, const PathParams& p);
// handlers_exports.cc
void HandleCreateExport(Exchange& ex, const PathParams& p);
void HandleTraceCode(Exchange& ex, const PathParams& p);
void HandleTraceFile(Exchange& ex, const PathParams& p);
// handlers_admin.cc
void HandleListUsers(Exchange& ex, const PathParams& p);
void HandleCreateUser(Exchange& ex, const PathParams& p);
void HandleUpdateUser(Exchange& ex, const PathParams& p);
void HandleDisableUser(Exchange& ex, const PathParams& p);
void HandleEnableUser(Exchange& ex, const PathParams& p);
void HandleListDepartments(Exchange& ex, const PathParams& p);
void HandleCreateDepartment(Exchange& ex, const PathParams& p);
void HandleAssignCustomer(Exchange& ex, const PathParams& p);
void HandleUnassignCustomer(Exchange& ex, const PathParams& p);
void HandleProposeRoleGrant(Exchange& ex, const PathParams& p);
void HandleApproveRoleGrant(Exchange& ex, const PathParams& p);
void HandleRejectRoleGrant(Exchange& ex, const PathParams& p);
void HandleListRoleGrants(Exchange& ex, const PathParams& p);
// handlers_alerts.cc
void HandleListAlerts(Exchange& ex, const PathParams& p);
void HandleGetAlert(Exchange& ex, const PathParams& p);
void HandleAcknowledgeAlert(Exchange& ex, const PathParams& p);
// handlers_audit.cc
void HandleListAudit(Exchange& ex, const PathParams& p);
void HandleListCheckpoints(Exchange& ex, const PathParams& p);
void HandleVerifyAudit(Exchange& ex, const PathParams& p);
// handlers_borrows.cc
void HandleCreateBorrow(Exchange& ex, const PathParams& p);
void HandleListBorrows(Exchange& ex, const PathParams& p);
void HandleBorrowRegister(Exchange& ex, const PathParams& p);
void HandleGetBorrow(Exchange& ex, const PathParams& p);
void HandleApproveBorrow(Exchange& ex, const PathParams& p);
void HandleRejectBorrow(Exchange& ex, const PathParams& p);
void HandleWithdrawBorrow(Exchange& ex, const PathParams& p);
void HandleIssueBorrow(Exchange& ex, const PathParams& p);
void HandleRenewBorrow(Exchange& ex, const PathParams& p);
void HandleRecallBorrow(Exchange& ex, const PathParams& p);
void HandleRevokeBorrow(Exchange& ex, const PathParams& p);
void HandleReturnBorrow(Exchange& ex, const PathParams& p);
void HandleBorrowCopy(Exchange& ex, const PathParams& p);
void HandleListNotifications(Exchange& ex, const PathParams& p);
void HandleListIncidents(Exchange& ex, const PathParams& p);
// handlers_keys.cc
void HandleSigningKeyPem(Exchange& ex, const PathParams& p);
void HandleSigningKeyMinisign(Exchange& ex, const PathParams& p);
// handlers_key_operations.cc
void HandleListKeys(Exchange& ex, const PathParams& p);
void HandleStartRotation(Exchange& ex, const PathParams& p);
void HandleRotationProgress(Exchange& ex, const PathParams& p);
void HandleStartRewrap(Exchange& ex, const PathParams& p);
void HandleListKeyDestructions(Exchange& ex, const PathParams& p);
void HandleRequestKeyDestruction(Exchange& ex, const PathParams& p);
void HandleApproveKeyDestruction(Exchange& ex, const PathParams& p);
// handlers_fixity.cc
void HandleListFixityReports(Exchange& ex, const PathParams& p);
void HandleGetFixityReportFile(Exchange& ex, const PathParams& p);
// handlers_backups.cc
void HandleCreateBackup(Exchange& ex, const PathParams& p);
void HandleListBackups(Exchange& ex, const PathParams& p);
void HandleListBackupDrills(Exchange& ex, const PathParams& p);
void HandleGetBackupDrillFile(Exchange& ex, const PathParams& p);
// handlers_quality.cc
void HandleListQualitySamples(Exchange& ex, const PathParams& p);
void HandleDrawQualitySample(Exchange& ex, const PathParams& p);
void HandleGetQualitySample(Exchange& ex, const PathParams& p);
void HandleRecordQualityCheck(Exchange& ex, const PathParams& p);
// handlers_destructions.cc
void HandleCreateDestruction(Exchange& ex, const PathParams& p);
void HandleGetDestruction(Exchange& ex, const PathParams& p);
void HandleListDestructions(Exchange& ex, const PathParams& p);
void HandleDestructionPreconditions(Exchange& ex, const PathParams& p);
void HandleCertificateChain(Exchange& ex, const PathParams& p);
void HandleApproveDestruction(Exchange& ex, const PathParams& p);
void HandleExecuteDestruction(Exchange& ex, const PathParams& p);
void HandleListCertificates(Exchange& ex, const PathParams& p);
void HandleGetCertificateFile(Exchange& ex, const PathParams& p);
void HandleListHolds(Exchange& ex, const PathParams& p);
void HandleCreateHold(Exchange& ex, const PathParams& p);
void HandleReleaseHold(Exchange& ex, const PathParams& p);
void HandleRetentionDue(Exchange& ex, const PathParams& p);
void HandleVerifyCertificate(Exchange& ex, const PathParams& p);
void HandleDestructionRegister(Exchange& ex, const PathParams& p);
void HandleErasurePreview(Exchange& ex, const PathParams& p);
void HandleErasureRequest(Exchange& ex, const PathParams& p);
void HandleCustomerExport(Exchange& ex, const PathParams& p);
// handlers_web.cc: the web UI's files, for what no route serves.
struct Ctx;
bool ServesWebUi(const Ctx& ctx, const std::string& method, const std::vector<std::string>& segments);
void HandleWebFile(Exchange& ex, const std::vector<std::string>& segments);

}  // namespace vaultd
