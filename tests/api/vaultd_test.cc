// vaultd over real HTTP on an ephemeral loopback port, with a real data
// directory: authentication, policy decisions, auditing, bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <fstream>
#include <sstream>

#include "tests/api/vaultd_fixture.h"
#include "vault/crypto/sha256.h"

#ifndef VAULT_DOCS_DIR
#error "VAULT_DOCS_DIR must point at docs/"
#endif

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::Multipart;
using testing::Reply;
using testing::VaultdTest;
using testing::VaultdUploadTest;

TEST_F(VaultdTest, HealthAndMetrics) {
  EXPECT_EQ(Call("GET", "/healthz").body, "{\"status\":\"ok\",\"details\":{\"single_admin_role_grants\":false}}");
  Reply m = Call("GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_THAT(m.body, HasSubstr("# TYPE vaultd_requests_total counter"));
}

TEST_F(VaultdTest, LoginAndLogout) {
  Reply bad = Call("POST", "/api/v1/sessions", "", R"({"username":"staff_s","password":"wrong password!"})");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.error_code(), "auth.failed");
  std::string token = Login("staff_s");
  EXPECT_EQ(Call("GET", "/api/v1/documents", token).status, 200);
  EXPECT_EQ(Call("DELETE", "/api/v1/sessions/current", token).status, 204);
  Reply after = Call("GET", "/api/v1/documents", token);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.error_code(), "auth.revoked");
  Reply none = Call("GET", "/api/v1/documents");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.error_code(), "auth.missing_token");
}

TEST_F(VaultdTest, ListingShowsOnlyWhatTheCallerMaySee) {
  auto count = [&](const std::string& user) {
    Reply r = Call("GET", "/api/v1/documents", Login(user));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()->getArray("items")->size();
  };
  EXPECT_EQ(count("archivist"), 3u);
  EXPECT_EQ(count("manager_s"), 1u);  // own department, up to internal
  EXPECT_EQ(count("staff_s"), 0u);    // no customers assigned yet
  EXPECT_EQ(count("legal1"), 3u);
}

TEST_F(VaultdTest, PolicyDecidesMetadataAndContent) {
  std::string manager = Login("manager_s");
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id, manager).status, 200);
  // Another department's document: indistinguishable from a missing one.
  Reply other = Call("GET", "/api/v1/documents/" + east_.id, manager);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.error_code(), "document.not_found");
  EXPECT_EQ(other.json()->getObject("error")->getValue<std::string>("message"), "no such document");
  // Visible metadata, forbidden content: 403 without the policy's reasoning.
  Reply content_denied = Call("GET", "/api/v1/documents/" + south_.id + "/content", manager);
  EXPECT_EQ(content_denied.status, 403);
  EXPECT_EQ(content_denied.json()->getObject("error")->getValue<std::string>("message"), "not allowed");
  Reply content = Call("GET", "/api/v1/documents/" + south_.archive_number + "/content", Login("archivist"));
  EXPECT_EQ(content.status, 200);
  EXPECT_EQ(content.body, "south internal contract");
  EXPECT_EQ(content.content_length, std::to_string(content.body.size()));
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id + "/content", Login("auditor1")).status, 403);
  // The admin role has no document grants at all.
  EXPECT_EQ(Call("GET", "/api/v1/documents", Login("admin1")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/documents/C404_HT_0001", manager).status, 404);
}

TEST_F(VaultdTest, ListingPagesOverVisibleDocumentsOnly) {
  // limit=1 over a filter matching only a hidden document: no item, no
  // cursor; nothing betrays that the document exists.
  std::string manager = Login("manager_s");
  Reply hidden = Call("GET", "/api/v1/documents?department=%E5%8D%8E%E4%B8%9C%E9%94%80%E5%94%AE%E9%83%A8&limit=1", manager);
  ASSERT_EQ(hidden.status, 200) << hidden.body;
  EXPECT_EQ(hidden.json()->getArray("items")->size(), 0u);
  EXPECT_TRUE(hidden.json()->get("next").isEmpty());
  Reply page1 = Call("GET", "/api/v1/documents?limit=2", Login("archivist"));
  ASSERT_EQ(page1.status, 200);
  EXPECT_EQ(page1.json()->getArray("items")->size(), 2u);
  int64_t next = page1.json()->getValue<int64_t>("next");
  Reply page2 = Call("GET", "/api/v1/documents?limit=2&offset=" + std::to_string(next), Login("archivist"));
  EXPECT_EQ(page2.json()->getArray("items")->size(), 1u);
  EXPECT_TRUE(page2.json()->get("next").isEmpty());
}

TEST_F(VaultdTest, StaffSeeTheirAssignedCustomersOnly) {
  ASSERT_TRUE(lv_->identity().AssignCustomer("staff_s", "C001").ok());
  Reply r = Call("GET", "/api/v1/documents", Login("staff_s"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()->getArray("items")->size(), 1u);  // own department, internal, C001
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id, Login("staff_s")).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + secret_.id, Login("staff_s")).status, 404);
  ASSERT_TRUE(lv_->identity().UnassignCustomer("staff_s", "C001").ok());
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id, Login("staff_s")).status, 404);
}

TEST_F(VaultdTest, CheckpointsAreServedToAuditorsAndVerify) {
  ASSERT_TRUE(server_->WriteCheckpointIfChanged().ok());
  ASSERT_TRUE(server_->WriteCheckpointIfChanged().ok());  // nothing new: no second one
  EXPECT_EQ(lv_->audit().Checkpoints()->size(), 1u);
  Reply r = Call("GET", "/api/v1/audit/checkpoints", Login("auditor1"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto cp = r.json()->getArray("items")->getObject(0);
  EXPECT_EQ(cp->getValue<std::string>("note").rfind("sales-vault/audit\n", 0), 0u);
  EXPECT_THAT(cp->getValue<std::string>("public_key_pem"), HasSubstr("BEGIN PUBLIC KEY"));
  EXPECT_EQ(Call("GET", "/api/v1/audit/checkpoints", Login("staff_s")).status, 403);
  EXPECT_TRUE(lv_->audit().Verify()->ok);
}

TEST_F(VaultdTest, AdminsManageUsersOverTheApi) {
  std::string admin = Login("admin1");
  Reply created = Call("POST", "/api/v1/users", admin,
                       R"({"username":"wangwu","display_name":"王五","role":"staff","department":"华东销售部","password":"wangwu long password"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()->getValue<std::string>("display_name"), "王五");
  EXPECT_EQ(created.body.find("password"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/users", admin,
                 R"({"username":"wangwu","role":"staff","department":"x","password":"wangwu long password"})")
                .error_code(),
            "user.exists");
  EXPECT_EQ(Call("POST", "/api/v1/users", admin, R"({"username":"bad name","role":"king","department":"x","password":"p"})")
                .error_code(),
            "user.invalid");
  EXPECT_EQ(Call("POST", "/api/v1/users", admin, R"({"username":"x","admin":true})").error_code(), "request.unknown_field");
  std::string wangwu = Call("POST", "/api/v1/sessions", "", R"({"username":"wangwu","password":"wangwu long password"})")
                           .json()->getValue<std::string>("token");
  EXPECT_EQ(Call("POST", "/api/v1/users/wangwu/disable", admin).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/documents", wangwu).status, 401);  // sessions ended
  EXPECT_EQ(Call("POST", "/api/v1/users/nobody/disable", admin).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/users", Login("archivist")).status, 403);
  Reply list = Call("GET", "/api/v1/users", admin);
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.json()->getArray("items")->size(), 7u);
}

TEST_F(VaultdTest, AuditIsForAuditorsAndRecordsDenials) {
  std::string staff = Login("staff_s");
  Reply denied = Call("GET", "/api/v1/audit", staff);
  EXPECT_EQ(denied.status, 403);
  Reply r = Call("GET", "/api/v1/audit?action=audit.read", Login("auditor1"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto items = r.json()->getArray("items");
  ASSERT_GE(items->size(), 1u);
  auto first = items->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("actor"), "staff_s");
  EXPECT_EQ(first->getValue<std::string>("outcome"), "denied");
  EXPECT_EQ(first->getValue<std::string>("client"), "127.0.0.1");
  EXPECT_FALSE(first->getValue<std::string>("request_id").empty());
  EXPECT_TRUE(lv_->audit().Verify()->ok);
}

TEST_F(VaultdTest, BadInputGetsStableCodes) {
  EXPECT_EQ(Call("POST", "/api/v1/sessions", "", "{not json").error_code(), "request.bad_json");
  EXPECT_EQ(Call("POST", "/api/v1/sessions", "", R"({"username":"a","password":"b","x":1})").error_code(),
            "request.unknown_field");
  EXPECT_EQ(Call("POST", "/api/v1/sessions", "", R"({"username":1,"password":"b"})").error_code(),
            "request.bad_type");
  Reply dots = Call("GET", "/api/v1/documents/%2e%2e/content", Login("archivist"));
  EXPECT_EQ(dots.status, 400);
  EXPECT_EQ(dots.error_code(), "request.bad_path");
  EXPECT_EQ(Call("GET", "/api/v1/nothing").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/documents?bogus=1", Login("archivist")).error_code(),
            "request.unknown_parameter");
  EXPECT_EQ(Call("GET", "/api/v1/documents?offset=-1", Login("archivist")).error_code(),
            "request.bad_parameter");
  EXPECT_EQ(Call("GET", "/api/v1/documents?x=%zz", Login("archivist")).error_code(), "request.bad_query");
  EXPECT_EQ(Call("GET", "/healthz").status, 200);  // still up
}

TEST_F(VaultdTest, EveryRouteIsInTheOpenApiDocument) {
  std::ifstream in(std::string(VAULT_DOCS_DIR) + "/openapi.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  ASSERT_FALSE(doc.empty());
  for (const auto& r : vaultd::VaultServer::Routes()) {
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(c));
    size_t at = doc.find("\n  " + r.pattern + ":\n");
    ASSERT_NE(at, std::string::npos) << r.pattern << " missing from docs/openapi.yaml";
    size_t next = doc.find("\n  /", at + 1);
    std::string block = doc.substr(at, next == std::string::npos ? std::string::npos : next - at);
    EXPECT_THAT(block, HasSubstr("\n    " + method + ":")) << r.method << " " << r.pattern;
  }
}


TEST_F(VaultdUploadTest, ArchiveAdminUploadsAndGetsTheRecordedHash) {
  std::string content = testing::PseudoRandom(300000, 9);
  Reply r = Upload(Login("archivist"), Multipart(kMeta, content, "合同.pdf"));
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = r.json();
  EXPECT_EQ(o->getValue<std::string>("archive_number"), "C002_HT_0001");
  EXPECT_EQ(o->getValue<std::string>("sha256"), Sha256::HexOf(content));
  EXPECT_EQ(o->getValue<int>("version"), 1);
  Reply back = Call("GET", "/api/v1/documents/C002_HT_0001/content", Login("archivist"));
  EXPECT_EQ(back.body, content);
  EXPECT_EQ(lv_->vault().Versions("C002_HT_0001")->at(0).filename, "合同.pdf");
}

TEST_F(VaultdUploadTest, BadUploadsAreRefusedAndStoreNothing) {
  std::string archivist = Login("archivist");
  struct Case {
    std::string body;
    int status;
    std::string code;
  };
  std::vector<Case> cases = {
      {Multipart(kMeta, "", "empty.pdf"), 400, "upload.empty"},
      {Multipart("{bad json", "x", "a.pdf"), 400, "request.bad_json"},
      {Multipart(R"({"customer":"C1","type":"HT","title":"t","color":"red"})", "x", "a.pdf"), 400,
       "request.unknown_field"},
      {Multipart(R"({"customer":7,"type":"HT","title":"t"})", "x", "a.pdf"), 400, "request.bad_type"},
      {Multipart(R"({"customer":"C1","type":"poem","title":"t"})", "x", "a.pdf"), 400, "field.invalid"},
      {Multipart(kMeta, "x", "bad\x01name.pdf"), 400, "request.bad_filename"},
      {Multipart(kMeta, "x", "a.pdf", /*metadata_first=*/false), 400, "upload.missing_metadata"},
      // Declared size within the early check, content over the limit.
      {Multipart(kMeta, std::string((1u << 20) + 4096, 'z'), "big2.pdf"), 413, "upload.too_large"},
  };
  for (const auto& c : cases) {
    Reply r = Upload(archivist, c.body);
    EXPECT_EQ(r.status, c.status) << c.code << ": " << r.body;
    if (r.status == c.status) {
      EXPECT_EQ(r.error_code(), c.code);
    }
  }
  ExpectNothingNewStored();
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
}

// A declared size over the limit is refused from the headers alone, before
// a byte of the body is read.
TEST_F(VaultdUploadTest, OversizedDeclaredUploadIsRefusedUpFront) {
  std::string token = Login("archivist");
  Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
  std::string head = "POST /api/v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
                     "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 50000000\r\n\r\n";
  sock.sendBytes(head.data(), static_cast<int>(head.size()));
  std::string got;
  char buf[4096];
  sock.setReceiveTimeout(Poco::Timespan(10, 0));
  for (int n; (n = sock.receiveBytes(buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  EXPECT_EQ(got.rfind("HTTP/1.1 413", 0), 0u) << got.substr(0, 80);
  EXPECT_THAT(got, HasSubstr("upload.too_large"));
  ExpectNothingNewStored();
}

// The client announces more than it sends, then stops sending.
std::string SendShort(uint16_t port, const std::string& head, const std::string& partial_body) {
  Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", port));
  std::string bytes = head + partial_body;
  sock.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  sock.shutdownSend();
  sock.setReceiveTimeout(Poco::Timespan(20, 0));
  std::string got;
  char buf[4096];
  for (int n; (n = sock.receiveBytes(buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  return got;
}

TEST_F(VaultdUploadTest, BodyShorterThanContentLengthIsRefused) {
  std::string json = SendShort(server_->port(),
                               "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                               "Content-Length: 100\r\n\r\n",
                               "{\"username\":");
  EXPECT_EQ(json.rfind("HTTP/1.1 400", 0), 0u) << json.substr(0, 60);
  EXPECT_THAT(json, HasSubstr("request.truncated"));
  std::string body = Multipart(kMeta, testing::PseudoRandom(200000, 3), "short.pdf");
  std::string upload = SendShort(server_->port(),
                                 "POST /api/v1/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                     Login("archivist") +
                                     "\r\nContent-Type: multipart/form-data; boundary=vaultBoundary7MA4YWxkTrZu0gW"
                                     "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n",
                                 body.substr(0, body.size() / 2));
  EXPECT_EQ(upload.rfind("HTTP/1.1 400", 0), 0u) << upload.substr(0, 200);
  ExpectNothingNewStored();
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
}

// The whole announced body arrives, but it stops before the file part's
// closing boundary: the file may be cut anywhere, so it is not stored.
TEST_F(VaultdUploadTest, MultipartWithoutClosingBoundaryIsRefusedAsTruncated) {
  std::string archivist = Login("archivist");
  const std::string closing = "\r\n--vaultBoundary7MA4YWxkTrZu0gW--\r\n";
  for (size_t size : {5000u, 200000u}) {
    std::string full = Multipart(kMeta, testing::PseudoRandom(size, 4), "cut.pdf");
    ASSERT_EQ(full.substr(full.size() - closing.size()), closing);
    const std::string no_closing = full.substr(0, full.size() - closing.size());
    for (const std::string& body :
         {no_closing, no_closing + "\r\n", no_closing + "\r\n--vaultBoundary7MA4YWxkTrZu0gW",
          no_closing.substr(0, no_closing.size() - 1000)}) {
      Reply r = Upload(archivist, body);
      EXPECT_EQ(r.status, 400) << size << ": " << r.body;
      if (r.status == 400) {
        EXPECT_EQ(r.error_code(), "upload.truncated") << size << ", " << body.size();
      }
    }
  }
  ExpectNothingNewStored();
  // The same body with its closing boundary is stored.
  EXPECT_EQ(Upload(archivist, Multipart(kMeta, "complete", "whole.pdf")).status, 201);
}

TEST_F(VaultdUploadTest, StaffMayNotUpload) {
  Reply r = Upload(Login("staff_s"), Multipart(kMeta, "content", "a.pdf"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "access.denied");
  ExpectNothingNewStored();
}

}  // namespace
}  // namespace vault
