// vaultd: new versions over the API, user and department management,
// auditing of unroutable requests, the login concurrency gate, and bounded
// shutdown. Real server, real HTTP, real data directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Net/StreamSocket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "tests/api/vaultd_fixture.h"
#include "vault/crypto/sha256.h"
#include "vault/keys/minisign.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::Multipart;
using testing::Reply;
using testing::VaultdTest;
using testing::VaultdUploadTest;

std::string VersionUpload(const std::string& content, const std::string& reason = "signed copy") {
  const std::string b = "vaultBoundary7MA4YWxkTrZu0gW";
  return "--" + b + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"reason\":\"" + reason +
         "\"}\r\n--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v2.pdf\"\r\n\r\n" +
         content + "\r\n--" + b + "--\r\n";
}

// --- new versions ------------------------------------------------------------

TEST_F(VaultdUploadTest, ArchiveAdminAddsAVersionAndReadsEither) {
  const std::string archivist = Login("archivist");
  const std::string path = "/api/v1/documents/" + south_.id + "/versions";
  const std::string v2 = testing::PseudoRandom(150000, 21);
  Reply r = Upload(archivist, VersionUpload(v2), path);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()->getValue<int>("version"), 2);
  EXPECT_EQ(r.json()->getValue<std::string>("sha256"), Sha256::HexOf(v2));
  auto versions = lv_->vault().Versions(south_.id);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ(versions->at(1).reason, "signed copy");
  EXPECT_EQ(versions->at(1).created_by, "archivist");

  const std::string content = "/api/v1/documents/" + south_.id + "/content";
  EXPECT_EQ(Call("GET", content, archivist).body, v2);
  EXPECT_EQ(Call("GET", content + "?version=1", archivist).body, "south internal contract");
  EXPECT_EQ(Call("GET", content + "?version=3", archivist).error_code(), "document.version_not_found");
  EXPECT_EQ(Call("GET", content + "?version=x", archivist).error_code(), "request.bad_parameter");
  EXPECT_EQ(Call("GET", content + "?page=1", archivist).error_code(), "request.unknown_parameter");

  // The manager sees the document but may not change it; staff of another
  // department do not even learn that it exists.
  EXPECT_EQ(Upload(Login("manager_s"), VersionUpload("x"), path).status, 403);
  EXPECT_EQ(Upload(Login("archivist"), VersionUpload("x"), "/api/v1/documents/nope/versions").status, 404);
  // Without a file part, or with an unknown metadata member: nothing stored.
  Reply no_file = Upload(archivist, Multipart(R"({"reason":"r"})", "", "x.pdf"), path);
  EXPECT_EQ(no_file.status, 400);
  Reply bad_meta = Upload(archivist, Multipart(R"({"title":"x"})", "abc", "x.pdf"), path);
  EXPECT_EQ(bad_meta.error_code(), "request.unknown_field");
  EXPECT_EQ(lv_->vault().Versions(south_.id)->size(), 2u);
  EXPECT_TRUE(lv_->blobs().ListTemporaries()->empty());

  AuditFilter f;
  f.action = "document.version";
  auto events = lv_->audit().List(f);
  ASSERT_FALSE(events->empty());
  EXPECT_EQ(events->front().record.object, south_.archive_number);
  EXPECT_EQ(events->front().record.detail, "version 2");
}

TEST_F(VaultdUploadTest, PartsAfterTheStoredFileAreIgnoredNotAnError) {
  // The first file part is stored; a second one must neither fail the
  // request (the client would retry and duplicate) nor be stored.
  const std::string b = "vaultBoundary7MA4YWxkTrZu0gW";
  std::string body = Multipart(kMeta, "first file", "a.pdf");
  body = body.substr(0, body.rfind("--" + b + "--")) + "--" + b +
         "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.pdf\"\r\n\r\nsecond file\r\n--" + b +
         "--\r\n";
  Reply r = Upload(Login("archivist"), body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()->getValue<std::string>("sha256"), Sha256::HexOf("first file"));
  EXPECT_EQ(lv_->vault().Search({})->total, 4);
  AuditFilter f;
  f.action = "document.create";
  auto events = lv_->audit().List(f);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().record.outcome, "ok");
  EXPECT_EQ(events->front().record.detail, "ignored 1 part(s) after the stored file");
}

// --- users and departments -------------------------------------------------

TEST_F(VaultdTest, AdminsManageDepartments) {
  const std::string admin = Login("admin1");
  Reply created = Call("POST", "/api/v1/departments", admin, R"({"name":"华北销售部","display_name":"华北销售部（北京）"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()->getValue<std::string>("display_name"), "华北销售部（北京）");
  EXPECT_EQ(Call("POST", "/api/v1/departments", admin, R"({"name":"华北销售部"})").error_code(), "department.exists");
  EXPECT_EQ(Call("POST", "/api/v1/departments", admin, R"({"name":""})").error_code(), "department.invalid");
  EXPECT_EQ(Call("POST", "/api/v1/departments", admin, R"({"name":"x","head":"y"})").error_code(),
            "request.unknown_field");
  Reply list = Call("GET", "/api/v1/departments", admin);
  ASSERT_EQ(list.status, 200);
  std::map<std::string, int> users;
  auto items = list.json()->getArray("items");
  for (size_t i = 0; i < items->size(); ++i) {
    auto d = items->getObject(static_cast<unsigned>(i));
    users[d->getValue<std::string>("name")] = d->getValue<int>("users");
  }
  EXPECT_EQ(users.at("华南销售部"), 2);  // registered by the users' first use
  EXPECT_EQ(users.at("华北销售部"), 0);
  EXPECT_EQ(users.at("档案室"), 1);
  EXPECT_EQ(Call("GET", "/api/v1/departments", Login("archivist")).status, 403);
}

TEST_F(VaultdTest, MovingAUserChangesWhatTheirSessionSees) {
  const std::string manager = Login("manager_s");
  auto titles = [&](const std::string& token) {
    std::set<std::string> out;
    auto items = Call("GET", "/api/v1/documents", token).json()->getArray("items");
    for (size_t i = 0; i < items->size(); ++i) {
      out.insert(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("title"));
    }
    return out;
  };
  EXPECT_EQ(titles(manager), std::set<std::string>{"south internal contract"});
  const std::string admin = Login("admin1");
  Reply moved = Call("PATCH", "/api/v1/users/manager_s", admin, R"({"department":"华东销售部"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()->getValue<std::string>("department"), "华东销售部");
  // The same token, the next request: the new department's documents only.
  EXPECT_EQ(titles(manager), std::set<std::string>{"east internal contract"});
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id, manager).status, 404);

  EXPECT_EQ(Call("PATCH", "/api/v1/users/manager_s", admin, R"({"role":"wizard"})").error_code(), "user.invalid");
  EXPECT_EQ(Call("PATCH", "/api/v1/users/manager_s", admin, R"({"clearance":"top"})").error_code(), "user.invalid");
  EXPECT_EQ(Call("PATCH", "/api/v1/users/manager_s", admin, R"({})").error_code(), "user.invalid");
  EXPECT_EQ(Call("PATCH", "/api/v1/users/manager_s", admin, R"({"color":"red"})").error_code(),
            "request.unknown_field");
  EXPECT_EQ(Call("PATCH", "/api/v1/users/manager_s", admin, R"({"role":7})").error_code(), "request.bad_type");
  EXPECT_EQ(Call("PATCH", "/api/v1/users/ghost", admin, R"({"role":"staff"})").status, 404);
  EXPECT_EQ(Call("PATCH", "/api/v1/users/admin1", admin, R"({"role":"staff"})").error_code(), "user.self_demotion");
  EXPECT_EQ(Call("PATCH", "/api/v1/users/manager_s", manager, R"({"role":"admin"})").status, 403);

  AuditFilter f;
  f.action = "user.update";
  f.object = "manager_s";
  auto events = lv_->audit().List(f);
  ASSERT_FALSE(events->empty());
  EXPECT_EQ(events->front().record.actor, "admin1");
  EXPECT_THAT(events->front().record.detail, HasSubstr("华东销售部"));
}

// --- requests that cannot be routed ------------------------------------------

TEST_F(VaultdTest, UnroutableAndMalformedRequestsAreAnsweredAndAudited) {
  Reply none = Call("GET", "/api/v1/nothing-here");
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(none.error_code(), "request.no_route");
  {
    Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest req("PUT", "/api/v1/documents", Poco::Net::HTTPMessage::HTTP_1_1);
    req.setContentLength(0);
    s.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::string body;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), body);
    EXPECT_EQ(resp.getStatus(), 405);
    EXPECT_EQ(resp.get("Allow", ""), "GET, POST");
    EXPECT_THAT(body, HasSubstr("request.method_not_allowed"));
  }
  EXPECT_EQ(Call("GET", "/api/v1/documents/%2e%2e/content").error_code(), "request.bad_path");
  EXPECT_EQ(Call("GET", "/api/v1/documents?x=%zz").error_code(), "request.bad_query");
  AuditFilter f;
  f.action = "request.rejected";
  auto events = lv_->audit().List(f);
  ASSERT_EQ(events->size(), 4u);
  std::set<std::string> reasons;
  for (const auto& e : *events) {
    reasons.insert(e.record.detail);
    EXPECT_EQ(e.record.outcome, "error");
    EXPECT_EQ(e.record.client, "127.0.0.1");
    EXPECT_FALSE(e.record.request_id.empty());
  }
  EXPECT_EQ(reasons, (std::set<std::string>{"request.no_route", "request.method_not_allowed", "request.bad_path",
                                            "request.bad_query"}));
  EXPECT_THAT(Call("GET", "/metrics").body, HasSubstr("vaultd_rejected_total 4"));
}

TEST_F(VaultdTest, ClientControlledAuditFieldsAreBounded) {
  const std::string long_id(3000, 'a');
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + long_id).status, 401);
  AuditFilter f;
  f.action = "document.metadata";
  auto events = lv_->audit().List(f);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_LE(events->front().record.object.size(), 131u);
  EXPECT_EQ(events->front().record.object.substr(0, 10), "aaaaaaaaaa");
}

// A login name or a reason holding a newline once became a forged row of
// `vaultctl audit list`: every stored field is now one line of visible text.
TEST_F(VaultdTest, NewlinesInLoginNameOrDetailCannotForgeAuditRows) {
  Reply login = Call("POST", "/api/v1/sessions", "",
                     R"({"username":"mallory\n    99 2026-01-01T00:00:00Z admin1 user.add\u001b[2K","password":"x"})");
  EXPECT_EQ(login.status, 401);
  EXPECT_EQ(login.error_code(), "auth.failed");
  std::string legal = Login("legal1");
  Call("POST", "/api/v1/holds", legal,
       R"({"scope":"document","target":")" + south_.archive_number +
           R"(","reason":"court order\n    98 2026-01-01T00:00:00Z admin1 hold.release"})");
  AuditFilter f;
  f.limit = 1000;
  auto events = lv_->audit().List(f);
  ASSERT_TRUE(events.ok());
  bool saw_login = false, saw_hold = false;
  for (const auto& e : *events) {
    const AuditRecord& r = e.record;
    for (const std::string* field : {&r.actor, &r.role, &r.action, &r.object, &r.outcome, &r.client,
                                     &r.request_id, &r.detail}) {
      EXPECT_EQ(std::count_if(field->begin(), field->end(),
                              [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }),
                0)
          << "event " << e.seq << " field: " << *field;
    }
    if (r.action == "session.create" && r.actor.rfind("mallory", 0) == 0) {
      saw_login = true;
      EXPECT_THAT(r.actor, HasSubstr("mallory\\n    99"));
      EXPECT_THAT(r.actor, HasSubstr("\\x1b[2K"));
      EXPECT_EQ(r.detail, "auth.failed");
    }
    if (r.action == "hold.create" && r.outcome == "ok") {
      saw_hold = true;
      EXPECT_EQ(r.detail, "court order\\n    98 2026-01-01T00:00:00Z admin1 hold.release");
    }
  }
  EXPECT_TRUE(saw_login);
  EXPECT_TRUE(saw_hold);
  EXPECT_TRUE(lv_->audit().Verify()->ok);
}

TEST_F(VaultdTest, AnUnreadBodyIsNeverParsedAsTheNextRequest) {
  // A body on a route that reads none, shaped like a second request: the
  // server must answer once and close, not run the smuggled request.
  const std::string smuggled = "GET /api/v1/users HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                           std::to_string(smuggled.size()) + "\r\n\r\n";
  Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
  const std::string bytes = head + smuggled;
  sock.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  sock.setReceiveTimeout(Poco::Timespan(10, 0));
  std::string got;
  char buf[4096];
  for (int n; (n = sock.receiveBytes(buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
  EXPECT_EQ(got.find("HTTP/1.1", 1), std::string::npos) << "a second response was sent:\n" << got;
  EXPECT_THAT(got, HasSubstr("Connection: Close"));
}

std::string RawExchange(uint16_t port, const std::string& bytes) {
  Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", port));
  sock.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  sock.setReceiveTimeout(Poco::Timespan(10, 0));
  std::string got;
  char buf[4096];
  try {
    for (int n; (n = sock.receiveBytes(buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  } catch (const Poco::Exception&) {
    // reset after the answer
  }
  return got;
}

TEST_F(VaultdTest, MalformedOrHugeRequestHeadsGetAStableCode) {
  std::string many;
  for (int i = 0; i < 200; ++i) many += "X-Field-" + std::to_string(i) + ": v\r\n";
  const std::vector<std::string> heads = {
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + "\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\n" + std::string(1000, 'N') + ": v\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n",
  };
  for (const auto& head : heads) {
    std::string got = RawExchange(server_->port(), head);
    EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << got.substr(0, 80);
    EXPECT_THAT(got, HasSubstr("\"code\":\"request.bad_header\""));
  }
  std::string version = RawExchange(server_->port(), "GET /healthz HTTP/9\r\n\r\n");
  EXPECT_EQ(version.rfind("HTTP/1.1 505", 0), 0u) << version.substr(0, 80);
  EXPECT_THAT(version, HasSubstr("\"code\":\"request.bad_version\""));
  AuditFilter f;
  f.action = "request.rejected";
  auto events = lv_->audit().List(f);
  ASSERT_EQ(events->size(), heads.size() + 1);
  std::multiset<std::string> details;
  for (const auto& e : *events) details.insert(e.record.detail);
  EXPECT_EQ(details.count("request.bad_header"), heads.size());
  EXPECT_EQ(details.count("request.bad_version"), 1u);
  EXPECT_EQ(Call("GET", "/healthz").status, 200);  // still serving
}

TEST_F(VaultdTest, IdleKeepAliveConnectionsDoNotDelayShutdown) {
  // A client that made one request and keeps its connection open: Stop()
  // closes it at once instead of waiting out the keep-alive timeout or the
  // 30 s grace period.
  Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
  s.setKeepAlive(true);
  Poco::Net::HTTPRequest req("GET", "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
  req.setKeepAlive(true);
  s.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  std::string body;
  Poco::StreamCopier::copyToString(s.receiveResponse(resp), body);
  ASSERT_EQ(resp.getStatus(), 200);
  ASSERT_TRUE(resp.getKeepAlive());
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 2.0);
}

// --- the login gate ----------------------------------------------------------

class VaultdLoginGateTest : public VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.max_concurrent_logins = 1; }
};

TEST_F(VaultdLoginGateTest, LoginsBeyondTheLimitAreRefusedNotQueued) {
  constexpr int kClients = 12;
  std::atomic<int> ready{0}, created{0}, busy{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&] {
      ++ready;
      while (ready.load() < kClients) std::this_thread::yield();
      Reply r = Call("POST", "/api/v1/sessions", "",
                     std::string(R"({"username":"staff_s","password":")") + kPassword + "\"}");
      if (r.status == 201) {
        ++created;
      } else if (r.status == 503 && r.error_code() == "auth.busy") {
        ++busy;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_GE(created.load(), 1);
  EXPECT_GE(busy.load(), 1) << "12 simultaneous logins never overlapped";
  AuditFilter f;
  f.action = "session.create";
  f.limit = 100;
  int refused = 0;
  auto events = lv_->audit().List(f);
  ASSERT_TRUE(events.ok());
  for (const auto& e : *events) refused += e.record.detail == "auth.busy";
  EXPECT_EQ(refused, busy.load());
}

// --- shutdown ------------------------------------------------------------------

class VaultdShutdownTest : public VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.shutdown_grace_seconds = 1; }
};

TEST_F(VaultdShutdownTest, StopCutsARequestThatOutlivesTheGracePeriod) {
  // A client starts a large download and stops reading: the handler blocks
  // on a full socket. Stop() must not wait for it forever.
  IngestRequest big;
  big.meta.customer_number = "C001";
  big.meta.doc_type = "contract";
  big.meta.title = "large scan";
  big.meta.department = "档案室";
  big.meta.classification = "internal";
  const std::string bytes = testing::PseudoRandom(48u << 20, 5);
  StringSource src(bytes);
  DocumentRecord doc = std::move(lv_->vault().Ingest(big, src)).value();
  Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
  const std::string head = "GET /api/v1/documents/" + doc.id + "/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                           Login("archivist") + "\r\n\r\n";
  sock.sendBytes(head.data(), static_cast<int>(head.size()));
  char buf[1024];
  ASSERT_GT(sock.receiveBytes(buf, sizeof buf), 0);  // the download is under way
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GE(seconds, 0.9) << "in-flight requests get the grace period";
  EXPECT_LT(seconds, 8.0) << "Stop() must be bounded";

  // The client gets fewer bytes than announced: a cut, never a complete-looking file.
  int64_t received = 0;
  sock.setReceiveTimeout(Poco::Timespan(10, 0));
  try {
    for (int n; (n = sock.receiveBytes(buf, sizeof buf)) > 0;) received += n;
  } catch (const Poco::Exception&) {
    // reset by peer: also a cut
  }
  EXPECT_LT(received, static_cast<int64_t>(bytes.size()));
  EXPECT_THROW(Poco::Net::StreamSocket(Poco::Net::SocketAddress("127.0.0.1", server_->port())), Poco::Exception);
}

// --- listing ---------------------------------------------------------------------

TEST_F(VaultdTest, PagingCountsOnlyVisibleDocuments) {
  // Hidden documents interleaved with visible ones: offsets, next and total
  // must not move by the hidden ones.
  for (int i = 0; i < 4; ++i) {
    Put("华南销售部", "internal", "south extra " + std::to_string(i));
    Put("华东销售部", "internal", "east extra " + std::to_string(i));
    Put("华南销售部", "confidential", "south secret " + std::to_string(i));
  }
  const std::string manager = Login("manager_s");  // south, clearance internal: 5 visible
  std::set<std::string> seen;
  int64_t offset = 0;
  for (int page = 0; page < 10; ++page) {
    Reply r = Call("GET", "/api/v1/documents?limit=2&offset=" + std::to_string(offset), manager);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json()->getValue<int64_t>("total"), 5);
    auto items = r.json()->getArray("items");
    for (size_t i = 0; i < items->size(); ++i) {
      auto o = items->getObject(static_cast<unsigned>(i));
      EXPECT_EQ(o->getValue<std::string>("department"), "华南销售部");
      EXPECT_EQ(o->getValue<std::string>("classification"), "internal");
      seen.insert(o->getValue<std::string>("id"));
    }
    if (r.json()->get("next").isEmpty()) break;
    EXPECT_EQ(r.json()->getValue<int64_t>("next"), offset + 2);
    offset += 2;
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(offset, 4);
}

// Auditors fetch the certificate-signing key without an account and verify
// a signature made by the vault with openssl and minisign.
TEST_F(VaultdTest, TheSigningKeyIsPublishedForOpensslAndMinisign) {
  Reply pem = Call("GET", "/api/v1/keys/signing.pem");
  Reply pub = Call("GET", "/api/v1/keys/signing.pub");
  ASSERT_EQ(pem.status, 200);
  ASSERT_EQ(pub.status, 200);
  EXPECT_EQ(pem.body.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
  EXPECT_EQ(pub.body.rfind("untrusted comment: minisign public key", 0), 0u);
  auto signer = std::move(Signer::FromKeyRing(lv_->keys(), "certificate")).value();
  const std::string doc = R"({"certificate":"test","签发":"vault"})";
  const Signer::Signature raw = signer->Sign(doc);
  const std::string d = dir_.path();
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream out(d + "/" + name, std::ios::binary);
    out << bytes;
  };
  write("c.json", doc);
  write("c.json.sig", std::string(reinterpret_cast<const char*>(raw.data()), raw.size()));
  write("c.json.minisig", MinisignSignature(*signer, doc, "test"));
  write("signing.pem", pem.body);
  write("vault.pub", pub.body);
  EXPECT_EQ(std::system(("openssl pkeyutl -verify -pubin -inkey " + d + "/signing.pem -rawin -in " + d +
                         "/c.json -sigfile " + d + "/c.json.sig >/dev/null 2>&1")
                            .c_str()),
            0);
  EXPECT_EQ(std::system(("minisign -Vm " + d + "/c.json -p " + d + "/vault.pub >/dev/null 2>&1").c_str()), 0);
}

}  // namespace
}  // namespace vault
