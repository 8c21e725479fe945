// DocumentAccess decides for vaultd and vaultctl alike: subjects of every
// role (and of two departments) x view / content / export / borrow x records
// that are ordinary, of another department, confidential, destroyed, being
// destroyed, on an overdue loan of the subject and on loan. Each cell is
// asked of DocumentAccess, of the real vaultd over HTTP and of the vaultctl
// command functions, and all three must agree.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "api/vaultctl/commands.h"
#include "api/vaultd/exchange.h"
#include "tests/api/vaultd_fixture.h"
#include "tests/support/pdf_fixtures.h"
#include "tests/support/status_matchers.h"
#include "vault/access/document_access.h"
#include "vault/services/services.h"

namespace vault::testing {
namespace {

constexpr auto kDay = std::chrono::hours(24);

class DocumentAccessTest : public VaultdTest {
 protected:
  void ConfigureVault(LocalVaultConfig& config) override { config.clock = &clock_; }
  void Configure(vaultd::ServerOptions& opts) override {
    opts.clock = &clock_;
    opts.borrow_schedule_seconds = 0;
  }

  void SetUp() override {
    VaultdTest::SetUp();
    AddUser("borrower", "staff", "华南销售部", {"C001"});
    AddUser("east_staff", "staff", "华东销售部", {"C001"});
    docs_["normal"] = PutPdf("华南销售部", "internal");
    docs_["other_department"] = PutPdf("华东销售部", "internal");
    docs_["confidential"] = PutPdf("华南销售部", "confidential");
    docs_["destroyed"] = PutPdf("华南销售部", "internal");
    docs_["being_destroyed"] = PutPdf("华南销售部", "internal");
    docs_["overdue_loan"] = PutPdf("华南销售部", "internal");
    docs_["on_loan"] = PutPdf("华南销售部", "internal");
    ServicesOptions o;
    o.vault = lv_.get();
    o.roles = policy_.get();
    o.clock = &clock_;
    services_ = std::move(Services::Open(o)).value();
    // A customer's request: destroyed at once, and one approved, not run.
    DestructionService& destructions = *server_->destructions();
    auto destroyed = destructions.Request(As("archivist"), {{docs_["destroyed"].id}, "customer_request", "客户来函"});
    ASSERT_THAT(destroyed, IsOk());
    ASSERT_THAT(destructions.Approve(As("legal1"), destroyed->id, "王监销"), IsOk());
    ASSERT_THAT(destructions.Execute(As("archivist"), destroyed->id), IsOk());
    auto pending = destructions.Request(As("archivist"), {{docs_["being_destroyed"].id}, "customer_request", "客户来函"});
    ASSERT_THAT(pending, IsOk());
    ASSERT_THAT(destructions.Approve(As("legal1"), pending->id, "王监销"), IsOk());
    // The borrower's loans: one due in 7 days, one in 30; then 8 days pass.
    overdue_loan_ = Lend("overdue_loan", "P7D");
    on_loan_ = Lend("on_loan", "P30D");
    clock_.Advance(8 * kDay);
  }

  void AddUser(const std::string& name, const std::string& role, const std::string& dept,
               const std::vector<std::string>& customers) {
    NewUser n;
    n.username = name;
    n.role = role;
    n.department = dept;
    n.clearance = "internal";
    n.password = kPassword;
    ASSERT_THAT(lv_->identity().AddUser(n).status(), IsOk());
    for (const auto& c : customers) ASSERT_THAT(lv_->identity().AssignCustomer(name, c), IsOk());
  }

  DocumentRecord PutPdf(const std::string& dept, const std::string& cls) {
    IngestRequest r;
    r.meta.customer_number = "C001";
    r.meta.doc_type = "contract";
    r.meta.title = "matrix contract";
    r.meta.department = dept;
    r.meta.classification = cls;
    StringSource src(MakePdf({{}}));
    return std::move(lv_->vault().Ingest(r, src)).value();
  }

  Subject As(const std::string& name) { return SubjectOf(std::move(lv_->identity().GetUser(name)).value()); }

  std::string Lend(const std::string& doc, const std::string& period) {
    BorrowService& borrows = *server_->borrows();
    BorrowRequest r;
    r.documents = {docs_[doc].id};
    r.purpose = "核对合同条款";
    r.period = period;
    auto b = borrows.Request(As("borrower"), r);
    EXPECT_THAT(b, IsOk());
    if (!b.ok()) return "";
    EXPECT_THAT(borrows.Approve(As("manager_s"), b->id, ""), IsOk());
    EXPECT_THAT(borrows.Issue(As("archivist"), b->id, {}), IsOk());
    return b->id;
  }

  // Takes back every loan request `user` has waiting, so the next path
  // asks afresh.
  void WithdrawRequests(const std::string& user) {
    auto loans = server_->borrows()->List(As(user), BorrowListQuery{});
    ASSERT_THAT(loans, IsOk());
    for (const Borrow& b : *loans) {
      if (b.state != borrow_state::kRequested && b.state != borrow_state::kApproved) continue;
      ASSERT_THAT(server_->borrows()->Withdraw(As(user), b.id), IsOk());
    }
  }

  // A refusal that is the loan lifecycle's, not access: the borrower
  // already holds a loan of the record.
  bool HoldsLoanOf(const std::string& user, const std::string& doc) const {
    return user == "borrower" && (doc == "overdue_loan" || doc == "on_loan");
  }

  vaultctl::GlobalOptions Cli() const {
    vaultctl::GlobalOptions g;
    g.config = config_;
    return g;
  }

  FakeClock clock_{std::chrono::system_clock::from_time_t(1795000000)};  // 2026-11-18
  std::unique_ptr<Services> services_;
  std::map<std::string, DocumentRecord> docs_;
  std::string overdue_loan_, on_loan_;
};

const std::vector<std::string> kSubjects = {"admin1",   "archivist", "manager_s",  "staff_s",
                                            "borrower", "east_staff", "legal1",    "auditor1"};

TEST_F(DocumentAccessTest, VaultdAndVaultctlAgreeWithDocumentAccessAcrossTheMatrix) {
  struct Route {
    const char* action;
    const char* method;
    std::string suffix;
  };
  const std::vector<Route> routes = {{"document.metadata", "GET", ""},
                                     {"document.content", "GET", "/content"},
                                     {"document.export", "POST", "/exports"}};
  int allowed = 0, refused = 0;
  for (const std::string& user : kSubjects) {
    const std::string token = Login(user);
    const Subject subject = As(user);
    for (const auto& [name, doc] : docs_) {
      const std::string cell = user + " x " + name;
      // vaultd: each document route answers as DocumentAccess decided.
      for (const Route& r : routes) {
        AccessDecision d = services_->access().Decide(subject, r.action, doc);
        Reply reply = Call(r.method, "/api/v1/documents/" + doc.id + r.suffix, token);
        SCOPED_TRACE(cell + " " + r.action + ": " + d.rule + " " + reply.body.substr(0, 200));
        if (d.allowed) {
          EXPECT_EQ(reply.status, 200);
        } else {
          EXPECT_EQ(reply.status, vaultd::HttpStatusFor(d.status));
          EXPECT_EQ(reply.error_code(), d.status.reason());
        }
        (d.allowed ? allowed : refused)++;
      }
      // vaultctl export, for the same user.
      {
        AccessDecision d = services_->access().Decide(subject, "document.export", doc);
        SCOPED_TRACE(cell + " vaultctl export: " + d.rule);
        const std::string out = dir_.Join("cli-" + user + "-" + name + ".pdf");
        int rc = vaultctl::CmdExport(Cli(), {doc.id, "--for", user, "-o", out});
        EXPECT_EQ(rc == vaultctl::kExitOk, d.allowed) << "exit " << rc;
        if (!d.allowed && d.by != AccessDecision::By::kRole) {
          EXPECT_EQ(rc, vaultctl::ExitCodeFor(d.status));
        }
      }
      // A loan request, through vaultd and through vaultctl.
      {
        AccessDecision d = services_->access().Decide(subject, "borrow.request", doc);
        SCOPED_TRACE(cell + " borrow.request: " + d.rule);
        Reply reply = Call("POST", "/api/v1/borrows", token,
                           R"({"documents":[")" + doc.id + R"("],"purpose":"核对"})");
        if (HoldsLoanOf(user, name)) {
          EXPECT_TRUE(d.allowed);
          EXPECT_EQ(reply.error_code(), "borrow.already_open");
        } else {
          EXPECT_EQ(reply.status == 201, d.allowed) << reply.body;
          if (!d.allowed && d.by != AccessDecision::By::kRole) {
            EXPECT_EQ(reply.error_code(), d.status.reason());
          }
        }
        WithdrawRequests(user);
        int rc = vaultctl::CmdBorrow(Cli(), {"request", doc.id, "--as", user, "--purpose", "核对"});
        EXPECT_EQ(rc == vaultctl::kExitOk, d.allowed && !HoldsLoanOf(user, name)) << "exit " << rc;
        WithdrawRequests(user);
      }
    }
  }
  // The matrix is not one-sided.
  EXPECT_GT(allowed, 20);
  EXPECT_GT(refused, 20);
}

TEST_F(DocumentAccessTest, EachRuleDecidesWithItsName) {
  const DocumentAccess& access = services_->access();
  EXPECT_TRUE(access.Decide(As("archivist"), "document.export", docs_["normal"]).allowed);
  AccessDecision other = access.Decide(As("staff_s"), "document.export", docs_["other_department"]);
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(other.by, AccessDecision::By::kRole);
  EXPECT_FALSE(other.visible);
  EXPECT_THAT(other.status, StatusIs(StatusCode::kNotFound, "document.not_found"));
  AccessDecision secret = access.Decide(As("manager_s"), "document.export", docs_["confidential"]);
  EXPECT_FALSE(secret.allowed) << "internal clearance";
  AccessDecision gone = access.Decide(As("archivist"), "document.content", docs_["destroyed"]);
  EXPECT_EQ(gone.rule, "document.destroyed");
  EXPECT_THAT(gone.status, StatusIs(StatusCode::kFailedPrecondition, "document.destroyed"));
  EXPECT_THAT(gone.status.message(), ::testing::HasSubstr("CERT-"));
  EXPECT_THAT(access.Decide(As("legal1"), "document.export", docs_["being_destroyed"]).status,
              StatusIs(StatusCode::kFailedPrecondition, "document.being_destroyed"));
  EXPECT_THAT(access.Decide(As("borrower"), "borrow.request", docs_["being_destroyed"]).status,
              StatusIs(StatusCode::kFailedPrecondition, "document.being_destroyed"));
  AccessDecision overdue = access.Decide(As("borrower"), "document.export", docs_["overdue_loan"]);
  EXPECT_EQ(overdue.by, AccessDecision::By::kRecordState);
  EXPECT_THAT(overdue.status, StatusIs(StatusCode::kPermissionDenied, "borrow.overdue"));
  EXPECT_TRUE(access.Decide(As("manager_s"), "document.export", docs_["overdue_loan"]).allowed)
      << "only the borrower is affected";
  EXPECT_TRUE(access.Decide(As("borrower"), "document.export", docs_["on_loan"]).allowed);
  EXPECT_TRUE(access.Decide(As("borrower"), "document.metadata", docs_["overdue_loan"]).allowed)
      << "an overdue loan ends access to content, not to the record's metadata";
}

TEST_F(DocumentAccessTest, ExportsUnderALoanAreDecidedByTheLoanOverHttpToo) {
  struct Case {
    const char* user;
    const char* doc;
    std::string loan;
  };
  for (const Case& c : {Case{"borrower", "on_loan", on_loan_}, Case{"borrower", "overdue_loan", overdue_loan_},
                        Case{"manager_s", "on_loan", on_loan_}, Case{"borrower", "normal", on_loan_}}) {
    AccessDecision d =
        services_->access().Decide(As(c.user), AccessRequest{"document.export", c.loan, 0}, docs_[c.doc]);
    Reply reply = Call("POST", "/api/v1/documents/" + docs_[c.doc].id + "/exports", Login(c.user),
                       R"({"borrow":")" + c.loan + R"("})");
    SCOPED_TRACE(std::string(c.user) + " x " + c.doc + ": " + d.rule);
    EXPECT_EQ(d.by, AccessDecision::By::kLoan);
    EXPECT_EQ(reply.status, d.allowed ? 200 : vaultd::HttpStatusFor(d.status)) << reply.body;
    if (!d.allowed) {
      EXPECT_EQ(reply.error_code(), d.status.reason());
    }
  }
  EXPECT_TRUE(services_->access().Decide(As("borrower"), AccessRequest{"document.export", on_loan_, 0},
                                         docs_["on_loan"]).allowed);
  EXPECT_EQ(services_->access()
                .Decide(As("borrower"), AccessRequest{"document.export", on_loan_, 2}, docs_["on_loan"])
                .rule,
            "borrow.version_not_lent");
}

// Acceptance (issue 12): vaultctl, wired by Services like vaultd, refuses a
// loan of a record being destroyed as vaultd does, and records the refusal.
TEST_F(DocumentAccessTest, VaultctlBorrowRequestOfARecordBeingDestroyedIsRefusedLikeVaultd) {
  const std::string id = docs_["being_destroyed"].id;
  Reply reply = Call("POST", "/api/v1/borrows", Login("borrower"), R"({"documents":[")" + id + R"("],"purpose":"核对"})");
  EXPECT_EQ(reply.status, 409);
  EXPECT_EQ(reply.error_code(), "document.being_destroyed");
  EXPECT_EQ(vaultctl::CmdBorrow(Cli(), {"request", id, "--as", "borrower", "--purpose", "核对"}),
            vaultctl::ExitCodeFor(FailedPreconditionError("document.being_destroyed", "")));
  BorrowFilter f;
  f.document_id = docs_["being_destroyed"].id;
  EXPECT_EQ(*lv_->borrows().Count(f), 0) << "no loan was made";
  AuditFilter a;
  a.action = "borrow.request";
  a.actor = vaultctl::Actor();
  auto events = lv_->audit().List(a);
  ASSERT_THAT(events, IsOk());
  ASSERT_FALSE(events->empty());
  EXPECT_THAT(events->back().record.detail, ::testing::HasSubstr("document.being_destroyed"));
}

// Acceptance (issue 12): an export reads the record once; the Exporter
// stamps the record it is handed (after DocumentAccess decided on it) and
// does not look it up again.
TEST_F(DocumentAccessTest, ExporterUsesTheRecordItIsHanded) {
  DocumentRecord in_hand = docs_["normal"];
  in_hand.archive_number = "C001_HT_IN-HAND";
  ExportRequest req;  // no document named: nothing to look up
  req.username = "archivist";
  req.display_name = "档案管理员";
  req.department = "档案室";
  auto result = services_->exporter().Export(req, in_hand);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->record.archive_number, "C001_HT_IN-HAND");
  EXPECT_EQ(result->record.document_id, in_hand.id);
}

}  // namespace
}  // namespace vault::testing
