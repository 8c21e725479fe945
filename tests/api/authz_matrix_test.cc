// The authorization matrix: every route x every role x own/other department
// x every classification, plus unauthenticated, expired and revoked tokens,
// against a table of expected HTTP statuses kept here. A route added to the
// server without rows in this table fails the test.
#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <map>
#include <set>

#include "api/vaultd/server.h"
#include "tests/support/pdf_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/policy/default_roles.h"

namespace vault {
namespace {

const std::vector<std::string> kRoles = {"admin", "archive_admin", "dept_manager", "staff", "legal", "auditor"};
const std::vector<std::string> kLevels = {"public", "internal", "confidential"};
constexpr char kPassword[] = "a long enough password";

// Expected status per role for a document route: two strings of three
// statuses (public, internal, confidential), for a document of the caller's
// own department and of another one. Staff look after customer C001.
// 2 = 200/201, 3 = 403, 4 = 404, 9 = 409.
struct DocRow {
  const char* own;
  const char* other;
};
using DocTable = std::map<std::string, DocRow>;

const std::map<std::string, DocTable> kDocumentRoutes = {
    {"GET /api/v1/documents/{id}",
     {{"admin", {"444", "444"}},
      {"archive_admin", {"222", "222"}},
      {"dept_manager", {"224", "444"}},  // clearance internal
      {"staff", {"224", "444"}},
      {"legal", {"222", "222"}},
      {"auditor", {"222", "222"}}}},
    {"GET /api/v1/documents/{id}/versions",
     {{"admin", {"444", "444"}},
      {"archive_admin", {"222", "222"}},
      {"dept_manager", {"224", "444"}},
      {"staff", {"224", "444"}},
      {"legal", {"222", "222"}},
      {"auditor", {"222", "222"}}}},
    {"GET /api/v1/documents/{id}/actions",
     {{"admin", {"444", "444"}},
      {"archive_admin", {"222", "222"}},
      {"dept_manager", {"224", "444"}},  // like the metadata it describes
      {"staff", {"224", "444"}},
      {"legal", {"222", "222"}},
      {"auditor", {"222", "222"}}}},
    {"GET /api/v1/documents/{id}/content",
     {{"admin", {"444", "444"}},
      {"archive_admin", {"222", "222"}},
      {"dept_manager", {"334", "444"}},  // sees metadata, not the original
      {"staff", {"334", "444"}},
      {"legal", {"333", "333"}},
      {"auditor", {"333", "333"}}}},
    {"POST /api/v1/documents/{id}/versions",
     {{"admin", {"444", "444"}},
      {"archive_admin", {"222", "222"}},
      {"dept_manager", {"334", "444"}},  // sees the document, may not change it
      {"staff", {"334", "444"}},
      {"legal", {"333", "333"}},
      {"auditor", {"333", "333"}}}},
    {"POST /api/v1/documents/{id}/exports",
     {{"admin", {"444", "444"}},
      {"archive_admin", {"222", "222"}},
      {"dept_manager", {"224", "444"}},
      {"staff", {"224", "444"}},
      {"legal", {"222", "222"}},
      {"auditor", {"333", "333"}}}},  // sees metadata, never content
    // Asking to borrow is scoped like seeing the record: a record one may
    // not see answers 404, exactly like a missing one.
    {"POST /api/v1/borrows",
     {{"admin", {"333", "333"}},
      {"archive_admin", {"222", "222"}},
      {"dept_manager", {"224", "444"}},  // clearance internal
      {"staff", {"224", "444"}},
      {"legal", {"222", "222"}},
      {"auditor", {"333", "333"}}}},
    {"POST /api/v1/documents",
     {{"admin", {"333", "333"}},
      {"archive_admin", {"222", "222"}},
      {"dept_manager", {"333", "333"}},
      {"staff", {"333", "333"}},
      {"legal", {"333", "333"}},
      {"auditor", {"333", "333"}}}},
};

// Routes without a document: expected status per role.
const std::map<std::string, std::map<std::string, int>> kOtherRoutes = {
    // Key operations (admins, key.manage): docs/keys.md.
    {"GET /api/v1/keys", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/keys/rotation", {{"admin", 202}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /api/v1/keys/rotation", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/keys/rewrap", {{"admin", 202}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /api/v1/keys/destructions", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/keys/destructions", {{"admin", 404}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/keys/destructions/{id}/approve", {{"admin", 404}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    // Fixity reports: archive admins (fixity.verify) and audit readers.
    {"GET /api/v1/fixity/reports", {{"admin", 200}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 200}}},
    {"GET /api/v1/fixity/reports/{file}", {{"admin", 404}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 404}}},
    // Backups by vaultd (system admins, backup.manage; drill reports also for
    // audit readers): no backup directory is configured here, so the roles
    // allowed get 409 backup.not_configured (tests/api/vaultd_backup_service_test.cc).
    {"POST /api/v1/backups", {{"admin", 409}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /api/v1/backups", {{"admin", 409}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /api/v1/backups/drills", {{"admin", 409}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 409}}},
    {"GET /api/v1/backups/drills/{name}/{file}", {{"admin", 409}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 409}}},
    // Quality samples: archive admins draw and check (quality.check); audit readers read.
    {"GET /api/v1/quality/samples", {{"admin", 200}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 200}}},
    {"POST /api/v1/quality/samples", {{"admin", 403}, {"archive_admin", 201}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /api/v1/quality/samples/{id}", {{"admin", 404}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 404}}},
    {"POST /api/v1/quality/samples/{id}/checks", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /healthz", {{"admin", 200}, {"archive_admin", 200}, {"dept_manager", 200}, {"staff", 200}, {"legal", 200}, {"auditor", 200}}},
    // Health details are for system.read (admins), not for anonymous monitoring.
    {"GET /api/v1/system/health", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/users/{name}/customers", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"DELETE /api/v1/users/{name}/customers/{customer}", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /metrics", {{"admin", 200}, {"archive_admin", 200}, {"dept_manager", 200}, {"staff", 200}, {"legal", 200}, {"auditor", 200}}},
    {"GET /api/v1/documents", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 200}, {"staff", 200}, {"legal", 200}, {"auditor", 200}}},
    {"GET /api/v1/users", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/users", {{"admin", 201}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"PATCH /api/v1/users/{name}", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    // 404: allowed, and no such export; 403: not allowed to trace.
    {"GET /api/v1/trace/{code}", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 404}, {"auditor", 404}}},
    {"POST /api/v1/trace", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 404}, {"auditor", 404}}},
    // 404: allowed, and no such grant.
    {"GET /api/v1/role-grants", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/role-grants", {{"admin", 201}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/role-grants/{id}/approve", {{"admin", 404}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/role-grants/{id}/reject", {{"admin", 404}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /api/v1/departments", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/departments", {{"admin", 201}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/users/{name}/disable", {{"admin", 204}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/users/{name}/enable", {{"admin", 204}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /api/v1/audit", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 200}}},
    {"GET /api/v1/audit/checkpoints", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 200}}},
    {"GET /api/v1/audit/verification", {{"admin", 200}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 200}}},
    {"POST /api/v1/sessions", {{"admin", 201}, {"archive_admin", 201}, {"dept_manager", 201}, {"staff", 201}, {"legal", 201}, {"auditor", 201}}},
    {"GET /api/v1/sessions/current", {{"admin", 200}, {"archive_admin", 200}, {"dept_manager", 200}, {"staff", 200}, {"legal", 200}, {"auditor", 200}}},
    {"DELETE /api/v1/sessions/current", {{"admin", 204}, {"archive_admin", 204}, {"dept_manager", 204}, {"staff", 204}, {"legal", 204}, {"auditor", 204}}},
    // Loans: the {id} routes name a loan that does not exist (404 when the
    // role may act on loans at all, 403 when it may never); requests are in
    // the document table above, a pending loan in kPendingLoanRoutes below.
    {"GET /api/v1/borrows", {{"admin", 200}, {"archive_admin", 200}, {"dept_manager", 200}, {"staff", 200}, {"legal", 200}, {"auditor", 200}}},
    {"GET /api/v1/borrows/register", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 200}}},
    {"GET /api/v1/borrows/{id}", {{"admin", 404}, {"archive_admin", 404}, {"dept_manager", 404}, {"staff", 404}, {"legal", 404}, {"auditor", 404}}},
    {"POST /api/v1/borrows/{id}/approve", {{"admin", 404}, {"archive_admin", 404}, {"dept_manager", 404}, {"staff", 404}, {"legal", 404}, {"auditor", 404}}},
    {"POST /api/v1/borrows/{id}/reject", {{"admin", 404}, {"archive_admin", 404}, {"dept_manager", 404}, {"staff", 404}, {"legal", 404}, {"auditor", 404}}},
    {"POST /api/v1/borrows/{id}/withdraw", {{"admin", 404}, {"archive_admin", 404}, {"dept_manager", 404}, {"staff", 404}, {"legal", 404}, {"auditor", 404}}},
    {"POST /api/v1/borrows/{id}/issue", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/borrows/{id}/renew", {{"admin", 404}, {"archive_admin", 404}, {"dept_manager", 404}, {"staff", 404}, {"legal", 404}, {"auditor", 404}}},
    {"POST /api/v1/borrows/{id}/recall", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/borrows/{id}/revoke", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/borrows/{id}/return", {{"admin", 404}, {"archive_admin", 404}, {"dept_manager", 404}, {"staff", 404}, {"legal", 404}, {"auditor", 404}}},
    {"GET /api/v1/borrows/{id}/copy", {{"admin", 404}, {"archive_admin", 404}, {"dept_manager", 404}, {"staff", 404}, {"legal", 404}, {"auditor", 404}}},
    {"GET /api/v1/notifications", {{"admin", 200}, {"archive_admin", 200}, {"dept_manager", 200}, {"staff", 200}, {"legal", 200}, {"auditor", 200}}},
    {"GET /api/v1/fields", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 200}, {"staff", 200}, {"legal", 200}, {"auditor", 200}}},
    // Metadata of an internal record of 华南销售部 that passes the dictionary.
    {"POST /api/v1/documents/validation", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /api/v1/incidents", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 200}}},
    // Anomaly alerts: archive admins and auditors read (alert.read), archive
    // admins acknowledge (alert.acknowledge; auditors stay read-only); {id} names none.
    {"GET /api/v1/alerts", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 200}}},
    {"GET /api/v1/alerts/{id}", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 404}}},
    {"POST /api/v1/alerts/{id}/acknowledge", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    // Public keys: anyone, with or without an account.
    {"GET /api/v1/keys/signing.pem", {{"admin", 200}, {"archive_admin", 200}, {"dept_manager", 200}, {"staff", 200}, {"legal", 200}, {"auditor", 200}}},
    {"GET /api/v1/keys/signing.pub", {{"admin", 200}, {"archive_admin", 200}, {"dept_manager", 200}, {"staff", 200}, {"legal", 200}, {"auditor", 200}}},
    // Destruction: a request for a record still under retention is refused
    // (409) for the one role that may ask; {id} and {file} name nothing.
    {"POST /api/v1/destructions", {{"admin", 403}, {"archive_admin", 409}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /api/v1/destructions/{id}", {{"admin", 404}, {"archive_admin", 404}, {"dept_manager", 404}, {"staff", 404}, {"legal", 404}, {"auditor", 404}}},
    {"POST /api/v1/destructions/{id}/approve", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 404}, {"auditor", 403}}},
    {"POST /api/v1/destructions/{id}/execute", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /api/v1/certificates", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 200}, {"auditor", 200}}},
    {"GET /api/v1/certificates/{file}", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 404}, {"auditor", 404}}},
    {"GET /api/v1/holds", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 200}, {"auditor", 403}}},
    {"POST /api/v1/holds", {{"admin", 403}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 201}, {"auditor", 403}}},
    {"POST /api/v1/holds/{id}/release", {{"admin", 403}, {"archive_admin", 403}, {"dept_manager", 403}, {"staff", 403}, {"legal", 404}, {"auditor", 403}}},
    {"GET /api/v1/retention/due", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"POST /api/v1/certificates/verify", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 200}, {"auditor", 200}}},
    {"GET /api/v1/destructions", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 200}, {"auditor", 200}}},
    // The preconditions of a request for one record under retention: read only, for who may request.
    {"GET /api/v1/destructions/preconditions", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
    {"GET /api/v1/certificates/chain", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 200}, {"auditor", 200}}},
    {"GET /api/v1/destructions/register", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 200}, {"auditor", 200}}},
    {"GET /api/v1/customers/{customer}/erasure", {{"admin", 403}, {"archive_admin", 200}, {"dept_manager", 403}, {"staff", 403}, {"legal", 200}, {"auditor", 403}}},
    // A customer with no records: 404 for the roles that may export one.
    {"GET /api/v1/customers/{customer}/export", {{"admin", 403}, {"archive_admin", 404}, {"dept_manager", 403}, {"staff", 403}, {"legal", 404}, {"auditor", 403}}},
    // Every record of C001 is under retention except by a customer request:
    // the archive admin's erasure request is created (201).
    {"POST /api/v1/customers/{customer}/erasure", {{"admin", 403}, {"archive_admin", 201}, {"dept_manager", 403}, {"staff", 403}, {"legal", 403}, {"auditor", 403}}},
};

// Without a valid token: expected status per route.
const std::map<std::string, int> kAnonymous = {
    {"GET /healthz", 200}, {"GET /metrics", 200}, {"POST /api/v1/sessions", 201},
    {"GET /api/v1/keys/signing.pem", 200}, {"GET /api/v1/keys/signing.pub", 200},
};

// A pending loan of a document of each department and level, asked for by
// a legal reviewer of the callers' department (华南销售部): who sees it and
// who may approve its first step (the manager's). The manager's step
// belongs to the department owning the record, and the manager must be
// cleared for it; legal's own step on a confidential loan comes second
// (409 borrow.not_your_step).
const std::map<std::string, DocTable> kPendingLoanRoutes = {
    {"GET /api/v1/borrows/{id}",
     {{"admin", {"444", "444"}},
      {"archive_admin", {"222", "222"}},  // borrow.manage
      {"dept_manager", {"224", "444"}},
      {"staff", {"444", "444"}},
      {"legal", {"442", "442"}},  // a step of the confidential chain
      {"auditor", {"222", "222"}}}},  // borrow.read
    {"POST /api/v1/borrows/{id}/approve",
     {{"admin", {"444", "444"}},
      {"archive_admin", {"444", "444"}},
      {"dept_manager", {"224", "444"}},
      {"staff", {"444", "444"}},
      {"legal", {"449", "449"}},
      {"auditor", {"444", "444"}}}},
    {"POST /api/v1/borrows/{id}/reject",
     {{"admin", {"444", "444"}},
      {"archive_admin", {"444", "444"}},
      {"dept_manager", {"224", "444"}},
      {"staff", {"444", "444"}},
      {"legal", {"449", "449"}},
      {"auditor", {"444", "444"}}}},
};

int Status(char c) { return c == '2' ? 200 : c == '3' ? 403 : c == '9' ? 409 : 404; }

class AuthzMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::InitTestVault(dir_);
    config_.clock = &clock_;
    config_.login_policy.argon2_opslimit = 1;
    config_.login_policy.argon2_memlimit = 8u << 20;
    config_.login_policy.token_lifetime = std::chrono::hours(1);
    lv_ = std::move(LocalVault::Open(config_)).value();
    policy_ = std::move(PolicyEngine::FromJson(kDefaultRolesJson)).value();
    for (const auto& role : kRoles) {
      NewUser u;
      u.username = "u_" + role;
      u.role = role;
      u.department = "华南销售部";
      u.clearance = (role == "archive_admin" || role == "legal") ? "confidential" : "internal";
      u.password = kPassword;
      ASSERT_TRUE(lv_->identity().AddUser(u).ok());
    }
    ASSERT_TRUE(lv_->identity().AssignCustomer("u_staff", "C001").ok());
    NewUser lender;
    lender.username = "lender";
    lender.role = "legal";
    lender.department = "华南销售部";
    lender.clearance = "confidential";
    lender.password = kPassword;
    ASSERT_TRUE(lv_->identity().AddUser(lender).ok());
    NewUser target;
    target.username = "target";
    target.role = "staff";
    target.department = "华南销售部";
    target.password = kPassword;
    ASSERT_TRUE(lv_->identity().AddUser(target).ok());
    for (const char* dept : {"华南销售部", "华东销售部"}) {
      for (const auto& level : kLevels) {
        IngestRequest r;
        r.meta.customer_number = "C001";
        r.meta.doc_type = "contract";
        r.meta.title = std::string(dept) + " " + level;
        r.meta.department = dept;
        r.meta.classification = level;
        StringSource src(testing::MakePdf({{}}));
        docs_[std::string(dept) + "/" + level] = std::move(lv_->vault().Ingest(r, src)).value().id;
      }
    }
    vaultd::ServerOptions opts;
    opts.port = 0;
    opts.checkpoint_interval_seconds = 0;
    server_ = std::make_unique<vaultd::VaultServer>(lv_.get(), policy_.get(), opts);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override { server_->Stop(); }

  int Call(const std::string& method, const std::string& path, const std::string& token,
           const std::string& body = "", const std::string& content_type = "application/json",
           std::string* answer = nullptr) {
    Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    if (method == "POST" || method == "PATCH") {
      req.setContentType(content_type);
      req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::string ignored;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), answer ? *answer : ignored);
    return resp.getStatus();
  }

  // A new pending loan of `dept`/`level` asked for by "lender"; its id.
  std::string Lend(const std::string& dept, const std::string& level) {
    std::string body;
    const std::string token = std::move(lv_->identity().Login("lender", kPassword)).value().token;
    int st = Call("POST", "/api/v1/borrows", token,
                  R"({"documents":[")" + docs_.at(dept + "/" + level) + R"("],"purpose":"矩阵","kind":"electronic"})",
                  "application/json", &body);
    EXPECT_EQ(st, 201) << body;
    const std::string key = "\"id\":\"";
    size_t at = body.find(key);
    if (at == std::string::npos) return "";
    at += key.size();
    return body.substr(at, body.find('"', at) - at);
  }

  // Closes the lender's loan so the next Lend of the document may start
  // (a rejected one is closed already; the next Lend checks it worked).
  void Withdraw(const std::string& id) {
    const std::string token = std::move(lv_->identity().Login("lender", kPassword)).value().token;
    Call("POST", "/api/v1/borrows/" + id + "/withdraw", token);
  }

  std::string Login(const std::string& role) {
    return std::move(lv_->identity().Login("u_" + role, kPassword)).value().token;
  }

  static std::string Upload(const std::string& dept, const std::string& level) {
    const std::string b = "matrixBoundary";
    return "--" + b + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n" +
           R"({"customer":"C001","type":"HT","title":"matrix","department":")" + dept +
           R"(","classification":")" + level + "\"}\r\n--" + b +
           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.pdf\"\r\n\r\nmatrix content\r\n--" + b +
           "--\r\n";
  }

  // Issues `route` ("METHOD /pattern") for a document of `dept`/`level`.
  int Request(const std::string& route, const std::string& token, const std::string& dept,
              const std::string& level) {
    std::string method = route.substr(0, route.find(' '));
    std::string path = route.substr(route.find(' ') + 1);
    if (route == "POST /api/v1/documents") {
      return Call("POST", path, token, Upload(dept, level), "multipart/form-data; boundary=matrixBoundary");
    }
    if (route == "POST /api/v1/documents/validation") {
      return Call("POST", path, token, R"({"customer":"C001","type":"HT","title":"matrix","department":"华南销售部"})");
    }
    if (route == "GET /api/v1/trace/{code}") return Call("GET", "/api/v1/trace/ZZZZ-ZZZZ", token);
    if (route == "POST /api/v1/trace") return Call("POST", path, token, testing::MakePdf({{}}), "application/pdf");
    if (route == "POST /api/v1/departments") {
      return Call("POST", path, token, R"({"name":"新部门)" + std::to_string(++created_) + "\"}");
    }
    if (route == "POST /api/v1/users") {
      return Call("POST", path, token,
                  R"({"username":"new)" + std::to_string(++created_) +
                      R"(","role":"staff","department":"华南销售部","password":"another long password"})");
    }
    size_t name = path.find("{name}");
    if (name != std::string::npos) path.replace(name, 6, "target");
    if (route == "PATCH /api/v1/users/{name}") {
      return Call("PATCH", path, token, R"({"display_name":"目标用户"})");
    }
    if (route == "POST /api/v1/users/{name}/customers") return Call("POST", path, token, R"({"customer":"C002"})");
    if (route == "POST /api/v1/users/{name}/disable" || route == "POST /api/v1/users/{name}/enable") {
      return Call("POST", path, token);
    }
    if (route == "POST /api/v1/sessions") {
      return Call("POST", path, "", R"({"username":"u_staff","password":")" + std::string(kPassword) + "\"}");
    }
    if (route == "POST /api/v1/borrows") {
      return Call("POST", path, token,
                  R"({"documents":[")" + docs_.at(dept + "/" + level) + R"("],"purpose":"矩阵测试","kind":"electronic"})");
    }
    if (route.find("/api/v1/borrows/{id}") != std::string::npos) {
      path.replace(path.find("{id}"), 4, "JY0000000000NOPE");
      if (route == "POST /api/v1/borrows/{id}/reject" || route == "POST /api/v1/borrows/{id}/revoke") {
        return Call("POST", path, token, R"({"reason":"矩阵"})");
      }
      if (route == "POST /api/v1/borrows/{id}/return") return Call("POST", path, token, R"({"declared_destroyed":true})");
      return Call(method, path, token);
    }
    if (route == "POST /api/v1/destructions") {
      return Call("POST", path, token,
                  R"({"documents":[")" + docs_.at(dept + "/" + level) +
                      R"("],"reason":"retention_expired","reference":"矩阵"})");
    }
    if (route == "GET /api/v1/destructions/preconditions") {
      return Call("GET", path + "?documents=" + docs_.at(dept + "/" + level) + "&reason=retention_expired", token);
    }
    if (route.find("/api/v1/destructions/{id}") != std::string::npos) {
      path.replace(path.find("{id}"), 4, "XH0000000000NOPE");
      return Call(method, path, token, method == "POST" ? R"({"witness":"监销人"})" : "");
    }
    if (route == "GET /api/v1/certificates/{file}") return Call("GET", "/api/v1/certificates/CERT-999999.json", token);
    if (route == "POST /api/v1/certificates/verify") {
      return Call("POST", path, token, R"({"certificate":"{}","signature":"00"})");
    }
    if (route == "GET /api/v1/customers/{customer}/export") {
      return Call("GET", "/api/v1/customers/C404/export", token);
    }
    if (route.find("{customer}") != std::string::npos) {
      path.replace(path.find("{customer}"), 10, "C001");
      return Call(method, path, token, method == "POST" ? R"({"reference":"矩阵"})" : "");
    }
    if (route == "POST /api/v1/holds") {
      return Call("POST", path, token, R"({"scope":"customer","target":"C999","reason":"矩阵"})");
    }
    if (route == "POST /api/v1/holds/{id}/release") return Call("POST", "/api/v1/holds/999999/release", token);
    if (route == "POST /api/v1/keys/rotation" || route == "POST /api/v1/keys/rewrap") {
      server_->key_operations()->WaitIdle();  // one rewrap at a time: 409 otherwise
      return Call("POST", path, token);
    }
    if (route == "POST /api/v1/keys/destructions") {
      return Call("POST", path, token, R"({"kek_id":"kek-0000000000000000"})");
    }
    if (route == "GET /api/v1/fixity/reports/{file}") return Call("GET", "/api/v1/fixity/reports/FIX-999999.json", token);
    if (route == "GET /api/v1/backups/drills/{name}/{file}") {
      return Call("GET", "/api/v1/backups/drills/20260101T000000Z-20260101T000000Z/drill-report.json", token);
    }
    if (route == "POST /api/v1/quality/samples") return Call("POST", path, token, "{}");
    if (route == "POST /api/v1/quality/samples/{id}/checks") {
      return Call("POST", "/api/v1/quality/samples/999999/checks", token,
                  R"({"document_id":"x","metadata_complete":true,"scan_legible":true,"classification_right":true})");
    }
    if (route == "POST /api/v1/role-grants") {
      return Call("POST", path, token, R"({"username":"target","role":"legal"})");
    }
    if (route.find("/api/v1/keys/destructions/{id}") != std::string::npos ||
        route.find("/api/v1/quality/samples/{id}") != std::string::npos) {
      path.replace(path.find("{id}"), 4, "999999");
      return Call(method, path, token);
    }
    if (route.find("/api/v1/role-grants/{id}") != std::string::npos) {
      path.replace(path.find("{id}"), 4, "999999");
      return Call(method, path, token);
    }
    size_t id = path.find("{id}");
    if (id != std::string::npos) path.replace(id, 4, docs_.at(dept + "/" + level));
    if (route == "POST /api/v1/documents/{id}/versions") {
      const std::string b = "matrixBoundary";
      const std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n" +
                               R"({"reason":"matrix"})" + "\r\n--" + b +
                               "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.pdf\"\r\n\r\nv2\r\n--" +
                               b + "--\r\n";
      return Call("POST", path, token, body, "multipart/form-data; boundary=" + b);
    }
    return Call(method, path, token);
  }

  testing::TempDir dir_;
  FakeClock clock_{std::chrono::system_clock::now()};
  LocalVaultConfig config_;
  std::unique_ptr<LocalVault> lv_;
  std::unique_ptr<PolicyEngine> policy_;
  std::unique_ptr<vaultd::VaultServer> server_;
  std::map<std::string, std::string> docs_;
  int created_ = 0;
};

TEST_F(AuthzMatrixTest, EveryRouteHasRowsInTheTable) {
  for (const auto& r : vaultd::VaultServer::Routes()) {
    std::string key = r.method + " " + r.pattern;
    EXPECT_TRUE(kDocumentRoutes.count(key) || kOtherRoutes.count(key) || kPendingLoanRoutes.count(key))
        << key << " has no rows in the authorization matrix";
  }
}

TEST_F(AuthzMatrixTest, DocumentRoutesByRoleDepartmentAndClassification) {
  int checked = 0;
  for (const auto& [route, table] : kDocumentRoutes) {
    for (const auto& role : kRoles) {
      const DocRow& row = table.at(role);
      for (int own = 0; own < 2; ++own) {
        for (size_t i = 0; i < kLevels.size(); ++i) {
          const std::string dept = own == 0 ? "华南销售部" : "华东销售部";
          int want = Status((own == 0 ? row.own : row.other)[i]);
          if (want == 200 && route.rfind("POST", 0) == 0 && route.find("/exports") == std::string::npos) want = 201;
          if (want == 404 && route == "POST /api/v1/documents") want = 403;  // nothing to hide yet
          int got = Request(route, Login(role), dept, kLevels[i]);
          EXPECT_EQ(got, want) << route << " as " << role << " on " << dept << "/" << kLevels[i];
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(kDocumentRoutes.size()) * 6 * 2 * 3);
}

TEST_F(AuthzMatrixTest, PendingLoanRoutesByRoleDepartmentAndClassification) {
  int checked = 0;
  for (const auto& [route, table] : kPendingLoanRoutes) {
    for (const auto& role : kRoles) {
      const DocRow& row = table.at(role);
      for (int own = 0; own < 2; ++own) {
        for (size_t i = 0; i < kLevels.size(); ++i) {
          const std::string dept = own == 0 ? "华南销售部" : "华东销售部";
          const std::string id = Lend(dept, kLevels[i]);
          std::string path = route.substr(route.find(' ') + 1);
          path.replace(path.find("{id}"), 4, id);
          const std::string method = route.substr(0, route.find(' '));
          std::string answer;
          const bool reject = route.find("/reject") != std::string::npos;
          int got = Call(method, path, Login(role), reject ? R"({"reason":"矩阵"})" : "", "application/json", &answer);
          EXPECT_EQ(got, Status((own == 0 ? row.own : row.other)[i]))
              << route << " as " << role << " on " << dept << "/" << kLevels[i] << ": " << answer.substr(0, 200);
          Withdraw(id);
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, static_cast<int>(kPendingLoanRoutes.size()) * 6 * 2 * 3);
}

TEST_F(AuthzMatrixTest, OtherRoutesByRole) {
  for (const auto& [route, table] : kOtherRoutes) {
    for (const auto& role : kRoles) {
      EXPECT_EQ(Request(route, Login(role), "华南销售部", "public"), table.at(role)) << route << " as " << role;
    }
  }
}

TEST_F(AuthzMatrixTest, UnauthenticatedExpiredAndRevokedTokens) {
  std::string expired = Login("archive_admin");
  std::string revoked = Login("archive_admin");
  ASSERT_TRUE(lv_->identity().Logout(revoked).ok());
  clock_.Advance(std::chrono::minutes(61));  // `expired` is now past its lifetime
  std::set<std::string> routes;
  for (const auto& kv : kDocumentRoutes) routes.insert(kv.first);
  for (const auto& kv : kOtherRoutes) routes.insert(kv.first);
  for (const auto& route : routes) {
    auto anon = kAnonymous.find(route);
    int want = anon == kAnonymous.end() ? 401 : anon->second;
    for (const std::string& token : {std::string(), expired, revoked, std::string(64, 'f')}) {
      EXPECT_EQ(Request(route, token, "华南销售部", "public"), want)
          << route << " with token " << (token.empty() ? "(none)" : token.substr(0, 8));
    }
  }
}

}  // namespace
}  // namespace vault
