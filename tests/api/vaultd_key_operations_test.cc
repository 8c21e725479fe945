// Master-key rotation run by vaultd through the admin API while requests
// keep coming (reads, exports, uploads on loopback threads): none fails,
// every document reads back identical afterwards, and the old master key is
// destroyed only after a second admin approves (the requesting admin is
// refused with key.same_admin) and only once the rewrap has finished.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/pdf_fixtures.h"
#include "vault/base/hex.h"
#include "vault/export/exporter.h"
#include "vault/keys/file_key_ring.h"
#include "vault/keys/signer.h"

namespace vault {
namespace {

using testing::Reply;
using testing::VaultdTest;

class VaultdKeyOperationsTest : public VaultdTest {
 protected:
  void SetUp() override {
    VaultdTest::SetUp();
    NewUser n;
    n.username = "admin2";
    n.role = "admin";
    n.department = "IT";
    n.clearance = "internal";
    n.password = kPassword;
    ASSERT_TRUE(lv_->identity().AddUser(n).ok());
    contents_[south_.id] = "south internal contract";
    contents_[east_.id] = "east internal contract";
    contents_[secret_.id] = "south confidential contract";
  }

  // Enough documents that the rewrap takes several 500-key transactions.
  void AddDocuments(int n) {
    for (int i = 0; i < n; ++i) {
      const std::string content = "contract body " + std::to_string(i) + std::string(200, 'x');
      IngestRequest r;
      r.meta.customer_number = "C001";
      r.meta.doc_type = "contract";
      r.meta.title = "contract " + std::to_string(i);
      r.meta.department = i % 2 ? "华南销售部" : "华东销售部";
      r.meta.classification = "internal";
      StringSource src(content);
      auto d = lv_->vault().Ingest(r, src);
      ASSERT_TRUE(d.ok()) << d.status().message();
      contents_[d->id] = content;
    }
  }

  Poco::JSON::Object::Ptr WaitRewrapDone(const std::string& token) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      Reply r = Call("GET", "/api/v1/keys/rotation", token);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) return nullptr;
      auto o = r.json();
      if (o->getValue<std::string>("state") != "running") return o;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "rewrap did not finish";
    return nullptr;
  }

  std::vector<std::string> KeyIds(const std::string& token) {
    Reply r = Call("GET", "/api/v1/keys", token);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    auto items = r.json()->getArray("items");
    for (size_t i = 0; i < items->size(); ++i) ids.push_back(items->getObject(i)->getValue<std::string>("id"));
    return ids;
  }

  // Every document through the API, byte for byte.
  void ExpectEveryDocumentReadable(const std::string& token) {
    for (const auto& [id, content] : contents_) {
      Reply r = Call("GET", "/api/v1/documents/" + id + "/content", token);
      ASSERT_EQ(r.status, 200) << id << ": " << r.body;
      EXPECT_EQ(r.body, content) << id;
    }
  }

  std::map<std::string, std::string> contents_;
};

TEST_F(VaultdKeyOperationsTest, RotationUnderLoadLosesNoRequestAndOldKeyNeedsASecondAdmin) {
  AddDocuments(1100);
  IngestRequest pdf;
  pdf.meta.customer_number = "C001";
  pdf.meta.doc_type = "contract";
  pdf.meta.title = "contract to export";
  pdf.meta.department = "华南销售部";
  pdf.meta.classification = "internal";
  pdf.filename = "contract.pdf";
  const std::string pdf_bytes = testing::MakePdf({{595, 842, 0, true}});
  StringSource src(pdf_bytes);
  const DocumentRecord pdf_doc = std::move(lv_->vault().Ingest(pdf, src)).value();
  contents_[pdf_doc.id] = pdf_bytes;

  const std::string admin1 = Login("admin1"), admin2 = Login("admin2"), archivist = Login("archivist");
  const std::string old_kek = lv_->keys().PrimaryId();
  std::vector<std::string> ids;
  for (const auto& kv : contents_) ids.push_back(kv.first);

  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, exports{0}, uploads{0}, failures{0};
  std::atomic<int> during_rewrap{0};
  std::atomic<bool> rewrapping{false};
  std::mutex failure_mu;
  std::string first_failure;
  auto fail = [&](const std::string& what) {
    ++failures;
    std::lock_guard<std::mutex> lock(failure_mu);
    if (first_failure.empty()) first_failure = what;
  };
  std::vector<std::thread> load;
  for (int t = 0; t < 3; ++t) {
    load.emplace_back([&, t] {
      for (size_t i = t; !stop; i = (i + 7) % ids.size()) {
        Reply r = Call("GET", "/api/v1/documents/" + ids[i] + "/content", archivist);
        if (r.status != 200 || r.body != contents_.at(ids[i])) fail("read " + ids[i] + ": " + r.body.substr(0, 200));
        ++reads;
        if (rewrapping) ++during_rewrap;
      }
    });
  }
  load.emplace_back([&] {
    while (!stop && exports < 60) {
      Reply r = Call("POST", "/api/v1/documents/" + pdf_doc.id + "/exports", archivist);
      if (r.status != 200) fail("export: " + r.body.substr(0, 200));
      ++exports;
      if (rewrapping) ++during_rewrap;
    }
  });
  std::vector<std::pair<std::string, std::string>> uploaded;  // id, content
  std::mutex uploaded_mu;
  load.emplace_back([&] {
    const std::string b = "keyopsBoundary";
    for (int i = 0; !stop && i < 200; ++i) {
      const std::string content = "uploaded during rotation " + std::to_string(i);
      const std::string body =
          "--" + b + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n" +
          R"({"customer":"C001","type":"合同","title":"rotation upload","department":"华南销售部","classification":"internal"})" +
          "\r\n--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u.txt\"\r\n\r\n" + content +
          "\r\n--" + b + "--\r\n";
      Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
      Poco::Net::HTTPRequest req("POST", "/api/v1/documents", Poco::Net::HTTPMessage::HTTP_1_1);
      req.set("Authorization", "Bearer " + archivist);
      req.setContentType("multipart/form-data; boundary=" + b);
      req.setContentLength64(static_cast<Poco::Int64>(body.size()));
      s.sendRequest(req) << body;
      Poco::Net::HTTPResponse resp;
      Reply r;
      Poco::StreamCopier::copyToString(s.receiveResponse(resp), r.body);
      r.status = resp.getStatus();
      if (r.status != 201) {
        fail("upload: " + r.body.substr(0, 200));
      } else {
        std::lock_guard<std::mutex> lock(uploaded_mu);
        uploaded.emplace_back(r.json()->getValue<std::string>("id"), content);
      }
      ++uploads;
      if (rewrapping) ++during_rewrap;
    }
  });

  // Let the load start, then rotate through the API.
  while (reads < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  rewrapping = true;
  Reply started = Call("POST", "/api/v1/keys/rotation", admin1);
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string new_kek = started.json()->getValue<std::string>("primary_kek_id");
  EXPECT_NE(new_kek, old_kek);
  // A second rotation while this one runs is refused, not queued.
  Reply again = Call("POST", "/api/v1/keys/rotation", admin2);
  if (again.status != 202) {
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.error_code(), "key.rotation_running");
  } else {
    FAIL() << "the rewrap finished before a second request could arrive; the test vault is too small";
  }
  auto done = WaitRewrapDone(admin1);
  rewrapping = false;
  ASSERT_TRUE(done);
  EXPECT_EQ(done->getValue<std::string>("state"), "done") << done->getValue<std::string>("error");
  EXPECT_GE(done->getValue<int64_t>("rewrapped"), 1100);

  // The old key cannot go until a different admin approves.
  Reply requested = Call("POST", "/api/v1/keys/destructions", admin1, R"({"kek_id":")" + old_kek + "\"}");
  ASSERT_EQ(requested.status, 201) << requested.body;
  const std::string request_id = std::to_string(requested.json()->getValue<int64_t>("id"));
  Reply same = Call("POST", "/api/v1/keys/destructions/" + request_id + "/approve", admin1);
  EXPECT_EQ(same.status, 403) << same.body;
  EXPECT_EQ(same.error_code(), "key.same_admin");
  std::vector<std::string> keys = KeyIds(admin1);
  EXPECT_NE(std::find(keys.begin(), keys.end(), old_kek), keys.end()) << "destroyed without a second admin";

  // Stop the load, and move any DEK an upload wrapped under the old key
  // just before the rotation (the approval then waits for that rewrap).
  stop = true;
  for (auto& t : load) t.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_GT(during_rewrap.load(), 0) << "no request ran while the rewrap did";
  RecordProperty("reads", reads.load());
  RecordProperty("exports", exports.load());
  RecordProperty("uploads", uploads.load());
  RecordProperty("requests_during_rewrap", during_rewrap.load());
  EXPECT_GT(exports.load(), 0);
  EXPECT_GT(uploads.load(), 0);

  Reply approved = Call("POST", "/api/v1/keys/destructions/" + request_id + "/approve", admin2);
  ASSERT_EQ(approved.status, 200) << approved.body;
  if (approved.json()->getValue<std::string>("state") != "destroyed") {
    ASSERT_EQ(Call("POST", "/api/v1/keys/rewrap", admin2).status, 202);
    WaitRewrapDone(admin2);
  }
  Reply list = Call("GET", "/api/v1/keys/destructions", admin2);
  ASSERT_EQ(list.status, 200);
  auto d = list.json()->getArray("items")->getObject(0);
  EXPECT_EQ(d->getValue<std::string>("state"), "destroyed");
  EXPECT_EQ(d->getValue<std::string>("requested_by"), "admin1");
  EXPECT_EQ(d->getValue<std::string>("approved_by"), "admin2");
  keys = KeyIds(admin1);
  EXPECT_EQ(keys, std::vector<std::string>{new_kek});
  // Gone from the key file on disk too.
  auto reopened = FileKeyRing::Open(config_.key_file, SystemClock());
  ASSERT_TRUE(reopened.ok());
  ASSERT_EQ((*reopened)->List().size(), 1u);
  EXPECT_EQ((*reopened)->List()[0].id, new_kek);

  for (const auto& [id, content] : uploaded) contents_[id] = content;
  ExpectEveryDocumentReadable(archivist);

  // Audited: the rotation, the refusal, the request, the approval, the destruction.
  for (const char* action : {"key.rotate", "key.rewrap", "key.destruction_request", "key.destruction_approve",
                             "key.destroy"}) {
    AuditFilter f;
    f.action = action;
    auto events = lv_->audit().List(f);
    ASSERT_TRUE(events.ok());
    EXPECT_FALSE(events->empty()) << action;
  }
  AuditFilter refused;
  refused.action = "key.destruction_approve";
  bool saw_refusal = false;
  auto refusals = lv_->audit().List(refused);
  ASSERT_TRUE(refusals.ok());
  for (const auto& e : *refusals) {
    if (e.record.actor == "admin1" && e.record.outcome != "ok") saw_refusal = true;
  }
  EXPECT_TRUE(saw_refusal);
}

TEST_F(VaultdKeyOperationsTest, ApprovedDestructionWaitsForTheRewrap) {
  const std::string admin1 = Login("admin1"), admin2 = Login("admin2");
  const std::string old_kek = lv_->keys().PrimaryId();
  // A rotation interrupted after the new key was persisted: every DEK is
  // still under the old key.
  ASSERT_TRUE(lv_->keys().Rotate().ok());
  const std::string new_kek = lv_->keys().PrimaryId();

  Reply primary = Call("POST", "/api/v1/keys/destructions", admin1, R"({"kek_id":")" + new_kek + "\"}");
  EXPECT_EQ(primary.status, 409);
  EXPECT_EQ(primary.error_code(), "key.is_primary");
  Reply unknown = Call("POST", "/api/v1/keys/destructions", admin1, R"({"kek_id":"kek-0000000000000000"})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.error_code(), "key.unknown_kek");

  Reply requested = Call("POST", "/api/v1/keys/destructions", admin1, R"({"kek_id":")" + old_kek + "\"}");
  ASSERT_EQ(requested.status, 201) << requested.body;
  const std::string id = std::to_string(requested.json()->getValue<int64_t>("id"));
  Reply twice = Call("POST", "/api/v1/keys/destructions", admin2, R"({"kek_id":")" + old_kek + "\"}");
  EXPECT_EQ(twice.error_code(), "key.destruction_pending");

  Reply approved = Call("POST", "/api/v1/keys/destructions/" + id + "/approve", admin2);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()->getValue<std::string>("state"), "approved");  // DEKs still under it
  std::vector<std::string> keys = KeyIds(admin1);
  EXPECT_NE(std::find(keys.begin(), keys.end(), old_kek), keys.end());
  Reply progress = Call("GET", "/api/v1/keys/rotation", admin1);
  EXPECT_EQ(progress.json()->getValue<int64_t>("remaining"), 3);
  ExpectEveryDocumentReadable(Login("archivist"));

  Reply again = Call("POST", "/api/v1/keys/destructions/" + id + "/approve", admin2);
  EXPECT_EQ(again.error_code(), "key.destruction_decided");

  ASSERT_EQ(Call("POST", "/api/v1/keys/rewrap", admin1).status, 202);
  auto done = WaitRewrapDone(admin1);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->getValue<int64_t>("remaining"), 0);
  EXPECT_EQ(done->getValue<int64_t>("rewrapped"), 3);
  EXPECT_EQ(KeyIds(admin1), std::vector<std::string>{new_kek});
  auto d = Call("GET", "/api/v1/keys/destructions", admin1).json()->getArray("items")->getObject(0);
  EXPECT_EQ(d->getValue<std::string>("state"), "destroyed");
  ExpectEveryDocumentReadable(Login("archivist"));
}

// The signing keys of a running vaultd follow an online rotation: after the
// old master key is rotated out and destroyed (no restart), an export token
// and a destruction certificate are signed with keys derived from the new
// primary, and the certificate verifies with openssl against the key the
// server publishes. Before PrimarySigner, both kept signing with the keys
// derived at start-up from the destroyed master key.
TEST_F(VaultdKeyOperationsTest, SignaturesAfterAnOnlineRotationUseTheNewKeyWithoutARestart) {
  IngestRequest pdf;
  pdf.meta.customer_number = "C001";
  pdf.meta.doc_type = "contract";
  pdf.meta.title = "contract to export";
  pdf.meta.department = "华南销售部";
  pdf.meta.classification = "internal";
  pdf.filename = "contract.pdf";
  StringSource src(testing::MakePdf({{595, 842, 0, true}}));
  const DocumentRecord pdf_doc = std::move(lv_->vault().Ingest(pdf, src)).value();
  const std::string admin1 = Login("admin1"), admin2 = Login("admin2"), archivist = Login("archivist");
  const std::string old_kek = lv_->keys().PrimaryId();
  auto newest_export = [&]() {
    auto all = lv_->exports().ForDocument(pdf_doc.id);
    EXPECT_TRUE(all.ok());
    ExportRecord newest;
    for (const ExportRecord& e : *all) {
      if (e.created_at >= newest.created_at) newest = e;
    }
    return newest;
  };
  ASSERT_EQ(Call("POST", "/api/v1/documents/" + pdf_doc.id + "/exports", archivist).status, 200);
  EXPECT_EQ(newest_export().key_name, "sales-vault-export+" + old_kek);

  Reply started = Call("POST", "/api/v1/keys/rotation", admin1);
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string new_kek = started.json()->getValue<std::string>("primary_kek_id");
  auto done = WaitRewrapDone(admin1);
  ASSERT_TRUE(done);
  ASSERT_EQ(done->getValue<std::string>("state"), "done");
  Reply requested = Call("POST", "/api/v1/keys/destructions", admin1, R"({"kek_id":")" + old_kek + "\"}");
  ASSERT_EQ(requested.status, 201) << requested.body;
  Reply approved = Call("POST", "/api/v1/keys/destructions/" +
                                    std::to_string(requested.json()->getValue<int64_t>("id")) + "/approve",
                        admin2);
  ASSERT_EQ(approved.status, 200) << approved.body;
  ASSERT_EQ(approved.json()->getValue<std::string>("state"), "destroyed");

  // An export now: its token names and is signed by the new key.
  ASSERT_EQ(Call("POST", "/api/v1/documents/" + pdf_doc.id + "/exports", archivist).status, 200);
  const ExportRecord e = newest_export();
  EXPECT_EQ(e.key_name, "sales-vault-export+" + new_kek);
  auto export_signer = Signer::FromKeyRing(lv_->keys(), "export");
  ASSERT_TRUE(export_signer.ok());
  const auto& epk = (*export_signer)->public_key();
  EXPECT_EQ(e.public_key, HexEncode(epk.data(), epk.size()));
  EXPECT_TRUE(Exporter::TokenSignatureValid(e, e.signature));

  // A destruction certificate now: signed by the new key, which is the one
  // GET /api/v1/keys/signing.pem publishes; openssl agrees.
  const std::string lawyer = Login("legal1");
  Reply req = Call("POST", "/api/v1/destructions", archivist,
                   R"({"documents":[")" + south_.id + R"("],"reason":"customer_request","reference":"客户来函"})");
  ASSERT_EQ(req.status, 201) << req.body;
  const std::string id = req.json()->getValue<std::string>("id");
  ASSERT_EQ(Call("POST", "/api/v1/destructions/" + id + "/approve", lawyer, R"({"witness":"王监销"})").status, 200);
  Reply executed = Call("POST", "/api/v1/destructions/" + id + "/execute", archivist);
  ASSERT_EQ(executed.status, 200) << executed.body;
  const std::string cert = executed.json()->getValue<std::string>("certificate");
  const std::string auditor = Login("auditor1");
  const std::string d = dir_.path();
  auto fetch = [&](const std::string& path, const std::string& file) {
    Reply r = Call("GET", path, auditor);
    EXPECT_EQ(r.status, 200) << path << " " << r.body.substr(0, 300);
    std::ofstream out(d + "/" + file, std::ios::binary);
    out << r.body;
    return r.body;
  };
  const std::string json = fetch("/api/v1/certificates/" + cert + ".json", "cert.json");
  fetch("/api/v1/certificates/" + cert + ".sig", "cert.json.sig");
  fetch("/api/v1/keys/signing.pem", "signing.pem");
  EXPECT_NE(json.find("\"sales-vault-certificate+" + new_kek + "\""), std::string::npos) << json;
  EXPECT_EQ(json.find(old_kek), std::string::npos) << json;
  const std::string openssl = "openssl pkeyutl -verify -pubin -inkey " + d + "/signing.pem -rawin -in " + d +
                              "/cert.json -sigfile " + d + "/cert.json.sig >/dev/null 2>&1";
  EXPECT_EQ(std::system(openssl.c_str()), 0);
}

TEST_F(VaultdKeyOperationsTest, OnlyAdminsOperateKeys) {
  for (const char* user : {"archivist", "auditor1", "legal1", "staff_s"}) {
    const std::string token = Login(user);
    EXPECT_EQ(Call("POST", "/api/v1/keys/rotation", token).status, 403) << user;
    EXPECT_EQ(Call("GET", "/api/v1/keys/rotation", token).status, 403) << user;
    EXPECT_EQ(Call("POST", "/api/v1/keys/destructions", token, R"({"kek_id":"kek-0000000000000000"})").status, 403)
        << user;
  }
  EXPECT_EQ(lv_->keys().List().size(), 1u);
}

}  // namespace
}  // namespace vault
