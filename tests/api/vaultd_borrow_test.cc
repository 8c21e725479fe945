// Loans through the real vaultd over HTTP: a PT2S loan end to end (after
// the due time the borrower's copy and exports under the loan are refused
// and audited), the return check over HTTP, and a restarted server whose
// scheduler sends no reminder twice and loses no loan.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include <thread>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/pdf_fixtures.h"
#include "vault/crypto/sha256.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::Reply;

class VaultdBorrowTest : public testing::VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.borrow_schedule_seconds = 0; }

  void SetUp() override {
    VaultdTest::SetUp();
    IngestRequest r;
    r.meta.customer_number = "C007";
    r.meta.doc_type = "contract";
    r.meta.title = "华南框架合同";
    r.meta.department = "华南销售部";  // a loan is scoped like seeing the record
    r.meta.classification = "internal";
    StringSource src(testing::MakePdf({{}, {842, 595, 90, true}}));
    pdf_ = std::move(lv_->vault().Ingest(r, src)).value();
    ASSERT_TRUE(lv_->identity().AssignCustomer("staff_s", "C007").ok());
    staff_ = Login("staff_s");
    manager_ = Login("manager_s");
    archivist_ = Login("archivist");
  }

  Reply Send(const std::string& path, const std::string& token, const std::string& body,
             const std::string& type) {
    Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest req("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + token);
    req.setContentType(type);
    req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    Reply r;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), r.body);
    r.status = resp.getStatus();
    r.content_length = resp.get("X-Content-SHA256", "");
    return r;
  }

  // Requested by staff_s, approved by manager_s, issued by the archivist.
  Poco::JSON::Object::Ptr IssuedLoan(const std::string& period) {
    Reply req = Call("POST", "/api/v1/borrows", staff_,
                     R"({"documents":[")" + pdf_.id + R"("],"purpose":"核对条款","period":")" + period +
                         R"(","kind":"electronic"})");
    EXPECT_EQ(req.status, 201) << req.body;
    const std::string id = req.json()->getValue<std::string>("id");
    EXPECT_EQ(req.json()->getValue<std::string>("state"), "requested");
    Reply approved = Call("POST", "/api/v1/borrows/" + id + "/approve", manager_, R"({"note":"同意"})");
    EXPECT_EQ(approved.status, 200) << approved.body;
    Reply issued = Call("POST", "/api/v1/borrows/" + id + "/issue", archivist_);
    EXPECT_EQ(issued.status, 200) << issued.body;
    EXPECT_EQ(issued.json()->getValue<std::string>("state"), "issued");
    return issued.json();
  }

  std::string IssuedSha(const Poco::JSON::Object::Ptr& loan) {
    return loan->getArray("items")->getObject(0)->getValue<std::string>("issued_sha256");
  }

  DocumentRecord pdf_;
  std::string staff_, manager_, archivist_;
};

TEST_F(VaultdBorrowTest, AShortLoanEndsTheBorrowersAccessAtItsDueTime) {
  auto loan = IssuedLoan("PT2S");
  const std::string id = loan->getValue<std::string>("id");
  TimePoint due;
  ASSERT_TRUE(ParseUtc(loan->getValue<std::string>("due_at"), &due));
  Reply copy1 = Call("GET", "/api/v1/borrows/" + id + "/copy", staff_);
  Reply copy2 = Call("GET", "/api/v1/borrows/" + id + "/copy", staff_);
  ASSERT_EQ(copy1.status, 200) << copy1.body;
  EXPECT_EQ(copy1.body, copy2.body) << "the same stamped copy every time";
  EXPECT_EQ(Sha256::HexOf(copy1.body), IssuedSha(loan));
  EXPECT_EQ(Call("GET", "/api/v1/borrows/" + id + "/copy", manager_).status, 404) << "only the borrower";
  // An export under the loan is of the lent version only.
  Reply other_version = Call("POST", "/api/v1/documents/" + pdf_.id + "/exports", staff_,
                             R"({"version":2,"borrow":")" + id + "\"}");
  EXPECT_EQ(other_version.status, 403);
  EXPECT_EQ(other_version.error_code(), "borrow.version_not_lent");
  Reply under = Call("POST", "/api/v1/documents/" + pdf_.id + "/exports", staff_, R"({"borrow":")" + id + "\"}");
  EXPECT_EQ(under.status, 200) << under.body.substr(0, 200);
  auto ledger = lv_->exports().ForDocument(pdf_.id);
  ASSERT_EQ(ledger->size(), 2u);
  EXPECT_EQ(ledger->back().borrow_id, id);

  std::this_thread::sleep_until(std::chrono::system_clock::time_point(due) + std::chrono::milliseconds(1200));
  Reply late = Call("GET", "/api/v1/borrows/" + id + "/copy", staff_);
  EXPECT_EQ(late.status, 403);
  EXPECT_EQ(late.error_code(), "borrow.overdue");
  Reply late_export =
      Call("POST", "/api/v1/documents/" + pdf_.id + "/exports", staff_, R"({"borrow":")" + id + "\"}");
  EXPECT_EQ(late_export.status, 403);
  EXPECT_EQ(late_export.error_code(), "borrow.overdue");
  // Both refusals are in the audit log with their reason.
  AuditFilter f;
  f.actor = "staff_s";
  int denied = 0;
  f.limit = 1000;
  const std::vector<AuditEvent> events = std::move(lv_->audit().List(f)).value();
  for (const auto& e : events) {
    if ((e.record.action == "borrow.copy" || e.record.action == "document.export") && e.record.outcome != "ok" &&
        e.record.detail.find("borrow.overdue") != std::string::npos) {
      ++denied;
    }
  }
  EXPECT_EQ(denied, 2);
  // The state moves with the next scheduler pass; the refusal did not wait.
  ASSERT_TRUE(server_->borrows()->RunSchedule().ok());
  EXPECT_EQ(Call("GET", "/api/v1/borrows/" + id, staff_).json()->getValue<std::string>("state"), "overdue");
  Reply notes = Call("GET", "/api/v1/notifications", staff_);
  ASSERT_EQ(notes.status, 200);
  EXPECT_THAT(notes.body, HasSubstr("\"kind\":\"overdue\""));

  // A late return of the identical file still verifies.
  Reply back = Send("/api/v1/borrows/" + id + "/return", staff_, copy1.body, "application/pdf");
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(back.json()->getValue<std::string>("state"), "returned_verified");
}

TEST_F(VaultdBorrowTest, ReturnsAreCheckedByHashOverHttp) {
  auto loan = IssuedLoan("P7D");
  const std::string id = loan->getValue<std::string>("id");
  const std::string copy = Call("GET", "/api/v1/borrows/" + id + "/copy", staff_).body;
  // Someone else's loan, and a file over the size limit: refused, nothing changes.
  EXPECT_EQ(Send("/api/v1/borrows/" + id + "/return", manager_, copy, "application/pdf").status, 403);
  {
    // Announced over the limit: refused from the headers, before any byte
    // of the body is read (so the test does not race the server's close).
    Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest req("POST", "/api/v1/borrows/" + id + "/return", Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + staff_);
    req.setContentType("application/pdf");
    req.setContentLength64((1 << 20) + 1);
    s.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::string body;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), body);
    EXPECT_EQ(resp.getStatus(), 413);
    EXPECT_THAT(body, HasSubstr("borrow.return_too_large"));
  }
  EXPECT_EQ(Call("GET", "/api/v1/borrows/" + id, staff_).json()->getValue<std::string>("state"), "issued");
  // A re-saved copy (same pages, different bytes) is altered.
  const std::string resaved = testing::QpdfTransform(copy, "--object-streams=generate", dir_.path());
  ASSERT_FALSE(resaved.empty());
  Reply altered = Send("/api/v1/borrows/" + id + "/return", staff_, resaved, "application/pdf");
  ASSERT_EQ(altered.status, 200) << altered.body;
  EXPECT_EQ(altered.json()->getValue<std::string>("state"), "returned_altered");
  Reply incidents = Call("GET", "/api/v1/incidents", Login("auditor1"));
  ASSERT_EQ(incidents.status, 200);
  EXPECT_THAT(incidents.body, HasSubstr(id));
  EXPECT_THAT(incidents.body, HasSubstr("returned_altered"));
  EXPECT_EQ(Call("GET", "/api/v1/incidents", staff_).status, 403);
  // The register lists the loan with the Chinese columns.
  Reply csv = Call("GET", "/api/v1/borrows/register?format=csv", archivist_);
  ASSERT_EQ(csv.status, 200);
  EXPECT_THAT(csv.body, HasSubstr("借阅人"));
  EXPECT_THAT(csv.body, HasSubstr(pdf_.archive_number));
  Reply pdf = Call("GET", "/api/v1/borrows/register?format=pdf", archivist_);
  ASSERT_EQ(pdf.status, 200);
  EXPECT_THAT(testing::RunTool("pdftotext -raw {} -", pdf.body, dir_.path()), HasSubstr("借阅人"));
}

class VaultdBorrowRestartTest : public VaultdBorrowTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.borrow_schedule_seconds = 1; }
};

TEST_F(VaultdBorrowRestartTest, ARestartInTheMiddleOfTheScheduleSendsNothingTwice) {
  auto loan = IssuedLoan("PT1S");
  const std::string id = loan->getValue<std::string>("id");
  auto notes_for = [&](const std::string& who) { return lv_->borrows().Notifications(who, 0, 1000)->size(); };
  // The server's own timer moves the loan to overdue and tells the borrower.
  auto has_overdue_notice = [&] {
    const std::vector<Notification> notes = std::move(lv_->borrows().Notifications("staff_s", 0, 1000)).value();
    for (const auto& n : notes) {
      if (n.kind == "overdue") return true;
    }
    return false;
  };
  for (int i = 0; i < 50 && !(lv_->borrows().Get(id)->state == "overdue" && has_overdue_notice()); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(lv_->borrows().Get(id)->state, "overdue");
  ASSERT_TRUE(has_overdue_notice());
  const size_t before = notes_for("staff_s");
  EXPECT_EQ(before, 3u);  // approved, issued, overdue
  server_->Stop();
  server_.reset();
  lv_.reset();
  lv_ = std::move(LocalVault::Open(config_)).value();
  vaultd::ServerOptions opts;
  opts.port = 0;
  opts.checkpoint_interval_seconds = 0;
  opts.borrow_schedule_seconds = 1;
  server_ = std::make_unique<vaultd::VaultServer>(lv_.get(), policy_.get(), opts);
  ASSERT_TRUE(server_->Start().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // at least two passes
  EXPECT_EQ(notes_for("staff_s"), before) << "no reminder sent twice";
  Reply still = Call("GET", "/api/v1/borrows/" + id, Login("staff_s"));
  ASSERT_EQ(still.status, 200);
  EXPECT_EQ(still.json()->getValue<std::string>("state"), "overdue");
}

}  // namespace
}  // namespace vault
