// Shared fixture for the vaultd tests: a real vault in a temporary
// directory, six users (one per role), three documents, and the real server
// on an ephemeral loopback port, spoken to over real HTTP.
#pragma once

#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <memory>
#include <string>

#include "api/vaultd/server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/policy/default_roles.h"

namespace vault::testing {

struct Reply {
  int status = 0;
  std::string body;
  std::string content_length;
  Poco::JSON::Object::Ptr json() const {
    Poco::JSON::Parser p;
    return p.parse(body).extract<Poco::JSON::Object::Ptr>();
  }
  std::string error_code() const { return json()->getObject("error")->getValue<std::string>("code"); }
};

class VaultdTest : public ::testing::Test {
 protected:
  static constexpr const char* kPassword = "a long enough password";

  void SetUp() override {
    config_ = InitTestVault(dir_);
    config_.login_policy.argon2_opslimit = 1;
    config_.login_policy.argon2_memlimit = 8u << 20;
    ConfigureVault(config_);
    lv_ = std::move(LocalVault::Open(config_)).value();
    policy_ = std::move(PolicyEngine::FromJson(kDefaultRolesJson)).value();
    struct U { const char* name; const char* role; const char* dept; const char* clearance; };
    for (U u : {U{"admin1", "admin", "IT", "internal"}, U{"archivist", "archive_admin", "档案室", "confidential"},
                U{"manager_s", "dept_manager", "华南销售部", "internal"}, U{"staff_s", "staff", "华南销售部", "internal"},
                U{"legal1", "legal", "法务部", "confidential"}, U{"auditor1", "auditor", "审计部", "internal"}}) {
      NewUser n;
      n.username = u.name;
      n.role = u.role;
      n.department = u.dept;
      n.clearance = u.clearance;
      n.password = kPassword;
      ASSERT_TRUE(lv_->identity().AddUser(n).ok());
    }
    south_ = Put("华南销售部", "internal", "south internal contract");
    east_ = Put("华东销售部", "internal", "east internal contract");
    secret_ = Put("华南销售部", "confidential", "south confidential contract");
    vaultd::ServerOptions opts;
    opts.port = 0;
    opts.max_upload_bytes = 1 << 20;
    opts.checkpoint_interval_seconds = 0;
    Configure(opts);
    server_ = std::make_unique<vaultd::VaultServer>(lv_.get(), policy_.get(), opts);
    ASSERT_TRUE(server_->Start().ok());
  }

  void TearDown() override { server_->Stop(); }

  // Lets a test adjust the vault's configuration before it opens.
  virtual void ConfigureVault(LocalVaultConfig& /*config*/) {}
  // Lets a test adjust the server's options before it starts.
  virtual void Configure(vaultd::ServerOptions& /*opts*/) {}

  DocumentRecord Put(const std::string& dept, const std::string& cls, const std::string& content) {
    IngestRequest r;
    r.meta.customer_number = "C001";
    r.meta.doc_type = "contract";
    r.meta.title = content;
    r.meta.department = dept;
    r.meta.classification = cls;
    StringSource src(content);
    return std::move(lv_->vault().Ingest(r, src)).value();
  }

  Reply Call(const std::string& method, const std::string& path, const std::string& token = "",
             const std::string& body = "") {
    Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    if (!body.empty() || method == "POST") {
      req.setContentType("application/json");
      req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = s.receiveResponse(resp);
    Reply r;
    r.status = resp.getStatus();
    r.content_length = resp.get("Content-Length", "");
    Poco::StreamCopier::copyToString(in, r.body);
    return r;
  }

  std::string Login(const std::string& user) {
    Reply r = Call("POST", "/api/v1/sessions", "", "{\"username\":\"" + user + "\",\"password\":\"" + kPassword + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()->getValue<std::string>("token");
  }

  TempDir dir_;
  LocalVaultConfig config_;
  std::unique_ptr<LocalVault> lv_;
  std::unique_ptr<PolicyEngine> policy_;
  std::unique_ptr<vaultd::VaultServer> server_;
  DocumentRecord south_, east_, secret_;
};


// --- uploads ---------------------------------------------------------------

inline std::string Multipart(const std::string& metadata, const std::string& content, const std::string& filename,
                      bool metadata_first = true) {
  const std::string b = "vaultBoundary7MA4YWxkTrZu0gW";
  std::string meta = "--" + b + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                     "Content-Type: application/json\r\n\r\n" + metadata + "\r\n";
  std::string file = "--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
                     "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n";
  return (metadata_first ? meta + file : file + meta) + "--" + b + "--\r\n";
}

class VaultdUploadTest : public VaultdTest {
 protected:
  Reply Upload(const std::string& token, const std::string& body, const std::string& path = "/api/v1/documents") {
    Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest req("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + token);
    req.setContentType("multipart/form-data; boundary=vaultBoundary7MA4YWxkTrZu0gW");
    req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    Reply r;
    try {
      try {
        s.sendRequest(req) << body << std::flush;
      } catch (const Poco::Exception&) {
        // The server may answer (413) and close before reading the body.
      }
      Poco::Net::HTTPResponse resp;
      std::istream& in = s.receiveResponse(resp);
      r.status = resp.getStatus();
      Poco::StreamCopier::copyToString(in, r.body);
    } catch (const Poco::Exception& e) {
      r.status = -1;
      r.body = e.displayText();
    }
    return r;
  }

  void ExpectNothingNewStored() {
    EXPECT_EQ(lv_->vault().Search({})->total, 3);
    EXPECT_EQ(lv_->blobs().List()->size(), 3u);
    EXPECT_TRUE(lv_->blobs().ListTemporaries()->empty());
  }

  const std::string kMeta =
      R"({"customer":"C002","type":"合同","title":"上传的合同","department":"华南销售部","classification":"internal","tags":["api"],"fields":{"contact_phone":"0755-86013388"}})";
};


}  // namespace vault::testing
