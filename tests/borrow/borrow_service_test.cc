// Loan scenarios against the real vault with a fake clock: the happy path,
// rejection at each step, a confidential record needing legal, the overdue
// ladder (reminders on the right days, suspension, escalation, late
// return), renewals, recall, revoke, withdraw, paper loans, every kind of
// return, bad input that leaves the state unchanged, and concurrency.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/borrow/borrow_test_fixture.h"
#include "vault/crypto/sha256.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using std::chrono::hours;
using std::chrono::seconds;
constexpr auto kDay = hours(24);

class BorrowServiceTest : public testing::BorrowFixture {};

TEST_F(BorrowServiceTest, HappyPathIssuesOneStampedCopyAndVerifiesItsReturn) {
  BorrowRequest r;
  r.documents = {contract_};
  r.purpose = "核对合同条款";
  r.period = "P7D";
  auto b = service_->Request(As("zhangsan"), r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->state, "requested");
  EXPECT_EQ(b->rule, "contract");
  ASSERT_EQ(b->chain, std::vector<std::string>({"dept_manager"}));
  // Only the borrower's department manager is asked, and told.
  EXPECT_EQ(NotesFor("wang").size(), 1u);
  EXPECT_TRUE(NotesFor("zhao").empty());
  BorrowListQuery pending;
  pending.pending = true;
  EXPECT_EQ(service_->List(As("wang"), pending)->size(), 1u);
  EXPECT_TRUE(service_->List(As("zhao"), pending)->empty());
  EXPECT_TRUE(service_->List(As("legal1"), pending)->empty());

  auto approved = service_->Approve(As("wang"), b->id, "同意");
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->state, "approved");
  const TimePoint issued_at = clock_.Now();
  auto issued = service_->Issue(As("admin1"), b->id, {});
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->state, "issued");
  EXPECT_EQ(issued->due_at, FormatUtc(issued_at + 7 * kDay));
  const BorrowItem& item = issued->items.at(0);
  EXPECT_EQ(item.issued_pages, 2);
  EXPECT_EQ(item.issued_sha256.size(), 64u);
  // The export is bound to the loan in the ledger.
  auto exported = lv_->exports().ById(item.export_id);
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(exported->borrow_id, b->id);
  EXPECT_EQ(exported->username, "zhangsan");
  EXPECT_EQ(exported->output_sha256, item.issued_sha256);

  const std::string first = CopyOf("zhangsan", b->id);
  const std::string second = CopyOf("zhangsan", b->id);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first, second) << "the same bytes every time";
  EXPECT_EQ(Sha256::HexOf(first), item.issued_sha256);
  EXPECT_THAT(testing::RunTool("pdftotext -raw {} - | tr -d ' \\n'", first, dir_.path()), HasSubstr("张三"));
  Status other;
  CopyOf("lisi", b->id, &other);
  EXPECT_EQ(other.reason(), "borrow.not_found");
  EXPECT_TRUE(service_->CheckContentAccess("zhangsan", contract_).ok());

  StringSource back(first);
  ReturnInput in;
  in.file = &back;
  auto returned = service_->Return(As("zhangsan"), b->id, in);
  ASSERT_TRUE(returned.ok()) << returned.status().ToString();
  EXPECT_EQ(returned->state, "returned_verified");
  EXPECT_EQ(returned->items[0].result, "verified");
  EXPECT_TRUE(lv_->borrows().Incidents(b->id)->empty());
  Status closed;
  CopyOf("zhangsan", b->id, &closed);
  EXPECT_EQ(closed.reason(), "borrow.closed");
  std::vector<std::string> actions;
  const Borrow history = std::move(service_->Get(As("zhangsan"), b->id)).value();
  for (const auto& e : history.events) actions.push_back(e.action);
  EXPECT_EQ(actions, std::vector<std::string>({"request", "approve", "issue", "return"}));
}

TEST_F(BorrowServiceTest, ConfidentialRecordsNeedTheManagerThenLegal) {
  BorrowRequest r;
  r.documents = {nda_};
  r.purpose = "诉讼准备";
  auto b = service_->Request(As("zhangsan"), r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->chain, std::vector<std::string>({"dept_manager", "legal"}));
  EXPECT_EQ(service_->Approve(As("legal1"), b->id, "").status().reason(), "borrow.not_your_step");
  EXPECT_EQ(service_->Approve(As("zhao"), b->id, "").status().reason(), "borrow.not_found");
  EXPECT_EQ(service_->Approve(As("admin1"), b->id, "").status().reason(), "borrow.not_found");
  auto step1 = service_->Approve(As("wang"), b->id, "");
  ASSERT_TRUE(step1.ok());
  EXPECT_EQ(step1->state, "requested") << "still waiting for legal";
  EXPECT_EQ(step1->step, 1);
  EXPECT_EQ(service_->Approve(As("wang2"), b->id, "").status().reason(), "borrow.not_your_step");
  auto step2 = service_->Approve(As("legal1"), b->id, "");
  ASSERT_TRUE(step2.ok());
  EXPECT_EQ(step2->state, "approved");
  // A record above one's clearance cannot even be asked for.
  BorrowRequest hidden = r;
  EXPECT_EQ(service_->Request(As("lisi"), hidden).status().reason(), "document.not_found");
}

TEST_F(BorrowServiceTest, RejectionAtEachStepClosesTheRequest) {
  BorrowRequest r;
  r.documents = {nda_};
  r.purpose = "诉讼准备";
  auto first = service_->Request(As("zhangsan"), r);
  EXPECT_EQ(service_->Reject(As("wang"), first->id, "").status().reason(), "borrow.reason_required");
  auto rejected = service_->Reject(As("wang"), first->id, "理由不充分");
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->state, "rejected");
  EXPECT_EQ(service_->Approve(As("wang"), first->id, "").status().reason(), "borrow.bad_state");

  auto second = service_->Request(As("zhangsan"), r);
  ASSERT_TRUE(second.ok()) << "a rejected request does not block a new one";
  ASSERT_TRUE(service_->Approve(As("wang"), second->id, "").ok());
  auto by_legal = service_->Reject(As("legal1"), second->id, "涉密，不予借阅");
  ASSERT_TRUE(by_legal.ok());
  EXPECT_EQ(by_legal->state, "rejected");
  EXPECT_EQ(NotesFor("zhangsan").back().kind, "rejected");
  EXPECT_EQ(service_->Issue(As("admin1"), second->id, {}).status().reason(), "borrow.bad_state");
}

TEST_F(BorrowServiceTest, OverdueLadderRemindsOnTheRightDaysSuspendsEscalatesAndEndsAccess) {
  const TimePoint t0 = clock_.Now();
  Borrow b = Issued(contract_, "electronic", "P7D");  // rule contract: remind P3D and PT0S, every P1D overdue
  const std::string copy = CopyOf("zhangsan", b.id);
  auto count = [&](const std::string& who, const std::string& kind) {
    int n = 0;
    for (const auto& note : NotesFor(who)) n += note.kind == kind;
    return n;
  };
  ASSERT_EQ(service_->RunSchedule()->notifications, 0);
  clock_.Set(t0 + 4 * kDay - seconds(1));
  EXPECT_EQ(service_->RunSchedule()->notifications, 0) << "no reminder before 3 days ahead";
  clock_.Set(t0 + 4 * kDay);
  EXPECT_EQ(service_->RunSchedule()->notifications, 1);
  EXPECT_EQ(service_->RunSchedule()->notifications, 0) << "never twice";
  clock_.Set(t0 + 6 * kDay);
  EXPECT_EQ(service_->RunSchedule()->notifications, 0);
  EXPECT_EQ(count("zhangsan", "reminder"), 1);
  EXPECT_TRUE(service_->CheckContentAccess("zhangsan", contract_).ok());

  // The due time: access ends at once, before any scheduler pass.
  clock_.Set(t0 + 7 * kDay);
  EXPECT_EQ(service_->CheckContentAccess("zhangsan", contract_).reason(), "borrow.overdue");
  Status st;
  CopyOf("zhangsan", b.id, &st);
  EXPECT_EQ(st.reason(), "borrow.overdue");
  EXPECT_EQ(service_->CheckExportUnder("zhangsan", b.id, contract_).status().reason(), "borrow.overdue");
  EXPECT_TRUE(service_->CheckContentAccess("lisi", contract_).ok()) << "only the borrower is affected";
  auto pass = service_->RunSchedule();
  EXPECT_EQ(pass->overdue, 1);
  EXPECT_EQ(service_->Get(As("admin1"), b.id)->state, "overdue");
  EXPECT_EQ(count("zhangsan", "overdue"), 1);
  EXPECT_EQ(service_->RunSchedule()->overdue, 0);
  clock_.Set(t0 + 8 * kDay - seconds(1));
  ASSERT_TRUE(service_->RunSchedule().ok());
  EXPECT_EQ(count("zhangsan", "overdue"), 1);
  clock_.Set(t0 + 8 * kDay);
  ASSERT_TRUE(service_->RunSchedule().ok());
  EXPECT_EQ(count("zhangsan", "overdue"), 2) << "every day once overdue";

  // Suspension after 7 days overdue: no new loans.
  BorrowRequest another;
  another.documents = {quote_};
  another.purpose = "报价参考";
  clock_.Set(t0 + 14 * kDay - seconds(1));
  ASSERT_TRUE(service_->RunSchedule().ok());
  EXPECT_TRUE(service_->Request(As("zhangsan"), another).ok()) << "not yet suspended";
  clock_.Set(t0 + 14 * kDay);
  EXPECT_EQ(service_->RunSchedule()->suspended, 1);
  EXPECT_EQ(count("zhangsan", "suspended"), 1);
  EXPECT_EQ(service_->Request(As("zhangsan"), another).status().reason(), "borrow.suspended");
  EXPECT_EQ(count("wang", "escalated"), 0);
  clock_.Set(t0 + 21 * kDay);
  EXPECT_EQ(service_->RunSchedule()->escalated, 1);
  EXPECT_EQ(count("wang", "escalated"), 1);
  EXPECT_EQ(count("zhao", "escalated"), 0) << "the borrower's own department";
  EXPECT_EQ(service_->RunSchedule()->escalated, 0);

  // A late return closes the loan and lifts the suspension.
  StringSource back(copy);
  ReturnInput in;
  in.file = &back;
  auto returned = service_->Return(As("zhangsan"), b.id, in);
  ASSERT_TRUE(returned.ok()) << returned.status().ToString();
  EXPECT_EQ(returned->state, "returned_verified");
  EXPECT_TRUE(service_->CheckContentAccess("zhangsan", contract_).ok());
  another.documents = {contract_};
  EXPECT_TRUE(service_->Request(As("zhangsan"), another).ok());
  // Every scheduler transition is in the audit log.
  AuditFilter f;
  f.object = b.id;
  std::vector<std::string> actions;
  const std::vector<AuditEvent> events = std::move(lv_->audit().List(f)).value();
  for (const auto& e : events) actions.push_back(e.record.action);
  EXPECT_EQ(actions, std::vector<std::string>({"borrow.overdue", "borrow.suspend", "borrow.escalate"}));
}

TEST_F(BorrowServiceTest, RenewalsWithinTheLimitsAreApprovedAndBeyondThemRefused) {
  const TimePoint t0 = clock_.Now();
  Borrow b = Issued(contract_, "electronic", "P7D");  // contract: 1 renewal of P14D, not before P3D
  clock_.Set(t0 + kDay);
  EXPECT_EQ(service_->Renew(As("zhangsan"), b.id).status().reason(), "borrow.renewal_too_early");
  EXPECT_EQ(service_->Renew(As("lisi"), b.id).status().reason(), "borrow.not_found");
  clock_.Set(t0 + 5 * kDay);
  EXPECT_EQ(service_->Renew(As("zhangsan"), b.id, std::string(501, 'x')).status().reason(), "borrow.bad_reason");
  auto asked = service_->Renew(As("zhangsan"), b.id, "客户延期验收");
  ASSERT_TRUE(asked.ok()) << asked.status().ToString();
  EXPECT_EQ(asked->state, "renewal_requested");
  EXPECT_NE(asked->events.back().detail.find("reason: 客户延期验收"), std::string::npos) << asked->events.back().detail;
  EXPECT_FALSE(CopyOf("zhangsan", b.id).empty()) << "still on loan while the renewal waits";
  auto refused = service_->Reject(As("wang"), b.id, "请按期归还");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->state, "issued");
  EXPECT_EQ(refused->due_at, b.due_at);
  ASSERT_TRUE(service_->Renew(As("zhangsan"), b.id).ok());
  auto granted = service_->Approve(As("wang"), b.id, "");
  ASSERT_TRUE(granted.ok());
  EXPECT_EQ(granted->state, "issued");
  EXPECT_EQ(granted->due_at, FormatUtc(t0 + 21 * kDay));
  EXPECT_EQ(granted->renewals, 1);
  clock_.Set(t0 + 19 * kDay);
  EXPECT_EQ(service_->Renew(As("zhangsan"), b.id).status().reason(), "borrow.renewal_limit");
  clock_.Set(t0 + 22 * kDay);
  EXPECT_EQ(service_->Renew(As("zhangsan"), b.id).status().reason(), "borrow.overdue")
      << "past due, even before the scheduler has moved it";
  ASSERT_TRUE(service_->RunSchedule().ok());
  EXPECT_EQ(service_->Renew(As("zhangsan"), b.id).status().reason(), "borrow.bad_state") << "overdue";
}

TEST_F(BorrowServiceTest, RecallBringsTheDueTimeForwardAndNotifies) {
  const TimePoint t0 = clock_.Now();
  Borrow b = Issued(contract_, "electronic", "P14D");
  EXPECT_EQ(service_->Recall(As("zhangsan"), b.id, seconds(0)).status().reason(), "access.denied");
  auto recalled = service_->Recall(As("admin1"), b.id, kDay);
  ASSERT_TRUE(recalled.ok());
  EXPECT_EQ(recalled->due_at, FormatUtc(t0 + kDay));
  EXPECT_EQ(NotesFor("zhangsan").back().kind, "recalled");
  // Never later than it was.
  auto again = service_->Recall(As("admin1"), b.id, 30 * kDay);
  EXPECT_EQ(again->due_at, FormatUtc(t0 + kDay));
  clock_.Set(t0 + kDay);
  EXPECT_EQ(service_->CheckContentAccess("zhangsan", contract_).reason(), "borrow.overdue");
}

TEST_F(BorrowServiceTest, RevokeEndsAnyOpenLoanAndWithdrawOnlyBeforeIssue) {
  Borrow b = Issued(contract_);
  EXPECT_EQ(service_->Revoke(As("wang"), b.id, "x").status().reason(), "access.denied");
  EXPECT_EQ(service_->Revoke(As("admin1"), b.id, "").status().reason(), "borrow.reason_required");
  auto revoked = service_->Revoke(As("admin1"), b.id, "调查需要，收回");
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->state, "revoked");
  Status st;
  CopyOf("zhangsan", b.id, &st);
  EXPECT_EQ(st.reason(), "borrow.closed");
  EXPECT_EQ(service_->Revoke(As("admin1"), b.id, "again").status().reason(), "borrow.bad_state");
  EXPECT_EQ(service_->Withdraw(As("zhangsan"), b.id).status().reason(), "borrow.bad_state");

  BorrowRequest r;
  r.documents = {quote_};
  r.purpose = "报价参考";
  auto req = service_->Request(As("zhangsan"), r);
  EXPECT_EQ(service_->Withdraw(As("lisi"), req->id).status().reason(), "borrow.not_found");
  auto withdrawn = service_->Withdraw(As("zhangsan"), req->id);
  ASSERT_TRUE(withdrawn.ok());
  EXPECT_EQ(withdrawn->state, "withdrawn");
  EXPECT_EQ(service_->Approve(As("wang"), req->id, "").status().reason(), "borrow.bad_state");
}

TEST_F(BorrowServiceTest, PaperLoansCountPagesAndAMismatchIsAnIncident) {
  BorrowRequest r;
  r.documents = {contract_};
  r.purpose = "原件核对";
  r.kind = "paper";
  auto b = service_->Request(As("zhangsan"), r);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(service_->Approve(As("wang"), b->id, "").ok());
  EXPECT_EQ(service_->Issue(As("admin1"), b->id, {}).status().reason(), "borrow.pages_required");
  auto issued = service_->Issue(As("admin1"), b->id, {12});
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(issued->items[0].issued_pages, 12);
  EXPECT_TRUE(issued->items[0].export_id.empty()) << "paper: no electronic copy";
  Status st;
  CopyOf("zhangsan", b->id, &st);
  EXPECT_EQ(st.reason(), "borrow.not_electronic");
  ReturnInput in;
  in.kind = ReturnInput::Kind::kPages;
  in.pages = 11;
  auto returned = service_->Return(As("admin1"), b->id, in);  // the admin counts on the borrower's behalf
  ASSERT_TRUE(returned.ok()) << returned.status().ToString();
  EXPECT_EQ(returned->state, "returned_altered");
  auto incidents = lv_->borrows().Incidents(b->id);
  ASSERT_EQ(incidents->size(), 1u);
  EXPECT_EQ(incidents->at(0).kind, "page_count_mismatch");
  EXPECT_THAT(incidents->at(0).detail, HasSubstr("11 pages"));
  EXPECT_EQ(service_->Incidents(As("zhangsan")).status().reason(), "access.denied");
  EXPECT_EQ(service_->Incidents(As("audit1"))->size(), 1u);
  // An original handed over cannot be "declared destroyed" by the borrower.
  Borrow second = Issued(quote_, "paper", "", {3});
  ReturnInput declare;
  declare.kind = ReturnInput::Kind::kDeclared;
  EXPECT_EQ(service_->Return(As("zhangsan"), second.id, declare).status().reason(), "borrow.return_kind");
  EXPECT_EQ(service_->Get(As("zhangsan"), second.id)->state, "issued");
}

TEST_F(BorrowServiceTest, AReturnedDocumentOfALoanStillOutIsNoLongerBlocked) {
  const TimePoint t0 = clock_.Now();
  const std::string second = Ingest("华东补充协议", "contract", "internal", testing::MakePdf({{}}));
  BorrowRequest r;
  r.documents = {contract_, second};
  r.purpose = "合同与补充协议对照";
  r.period = "P7D";
  auto b = service_->Request(As("zhangsan"), r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE(service_->Approve(As("wang"), b->id, "").ok());
  ASSERT_TRUE(service_->Issue(As("admin1"), b->id, {}).ok());
  StringSink copy;
  EXPECT_EQ(service_->Copy(As("zhangsan"), b->id, "", copy).status().reason(), "borrow.document_required");
  ASSERT_TRUE(service_->Copy(As("zhangsan"), b->id, contract_, copy).ok());
  StringSource back(copy.data());
  ReturnInput in;
  in.file = &back;
  in.document = contract_;
  auto partly = service_->Return(As("zhangsan"), b->id, in);
  ASSERT_TRUE(partly.ok()) << partly.status().ToString();
  EXPECT_EQ(partly->state, "issued") << "one document is still out";
  clock_.Set(t0 + 8 * kDay);
  EXPECT_TRUE(service_->CheckContentAccess("zhangsan", contract_).ok()) << "returned: no longer on loan";
  EXPECT_EQ(service_->CheckContentAccess("zhangsan", second).reason(), "borrow.overdue");
}

TEST_F(BorrowServiceTest, AnyChangeToTheReturnedBytesIsAlteredWithEvidenceKept) {
  struct Case {
    std::string name;
    std::function<std::string(const std::string&)> change;
  };
  const std::string other_doc = Ingest("另一份合同", "contract", "internal", testing::MakePdf({{}}));
  std::vector<Case> cases = {
      {"one byte changed", [](const std::string& c) {
         std::string x = c;
         x[x.size() / 2] ^= 1;
         return x;
       }},
      {"re-saved by qpdf", [&](const std::string& c) { return testing::QpdfTransform(c, "--object-streams=generate", dir_.path()); }},
      {"a different document", [&](const std::string&) {
         ExportRequest er;
         er.document = other_doc;
         er.username = "zhangsan";
         return std::move(exporter_->Export(er)).value().pdf;
       }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Borrow b = Issued(contract_);
    const std::string copy = CopyOf("zhangsan", b.id);
    const std::string changed = c.change(copy);
    ASSERT_FALSE(changed.empty());
    ASSERT_NE(changed, copy);
    StringSource back(changed);
    ReturnInput in;
    in.file = &back;
    auto returned = service_->Return(As("zhangsan"), b.id, in);
    ASSERT_TRUE(returned.ok()) << returned.status().ToString();
    EXPECT_EQ(returned->state, "returned_altered");
    EXPECT_EQ(returned->items[0].returned_sha256, Sha256::HexOf(changed));
    auto incidents = lv_->borrows().Incidents(b.id);
    ASSERT_EQ(incidents->size(), 1u);
    EXPECT_EQ(incidents->at(0).kind, "returned_altered");
    // The returned bytes are kept, sealed, and read back exactly.
    auto evidence = lv_->vault().GetArtifact(incidents->at(0).evidence_artifact);
    ASSERT_TRUE(evidence.ok());
    StringSink kept;
    ASSERT_TRUE(lv_->vault().ReadArtifact(*evidence, kept).ok());
    EXPECT_EQ(kept.data(), changed);
    EXPECT_FALSE(NotesFor("admin1").empty()) << "archive admins are told";
  }
  Borrow declared = Issued(quote_);
  ReturnInput in;
  in.kind = ReturnInput::Kind::kDeclared;
  auto gone = service_->Return(As("zhangsan"), declared.id, in);
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->state, "returned_declared");
}

TEST_F(BorrowServiceTest, BadInputGivesClearErrorsAndLeavesTheStateUnchanged) {
  BorrowRequest r;
  r.purpose = "核对";
  r.documents = {"C009_HT_9999"};
  EXPECT_EQ(service_->Request(As("zhangsan"), r).status().reason(), "document.not_found");
  r.documents = {contract_};
  r.period = "P60D";
  EXPECT_EQ(service_->Request(As("zhangsan"), r).status().reason(), "borrow.period_too_long");
  r.period = "P1M";
  EXPECT_EQ(service_->Request(As("zhangsan"), r).status().reason(), "borrow.bad_duration");
  r.period = "";
  r.kind = "email";
  EXPECT_EQ(service_->Request(As("zhangsan"), r).status().reason(), "borrow.bad_kind");
  r.kind = "electronic";
  r.purpose = "";
  EXPECT_EQ(service_->Request(As("zhangsan"), r).status().reason(), "borrow.bad_purpose");
  r.purpose = "核对";
  r.documents = {contract_, nda_};
  EXPECT_EQ(service_->Request(As("zhangsan"), r).status().reason(), "borrow.mixed_rules");
  r.documents = {nda_};
  r.kind = "paper";
  EXPECT_EQ(service_->Request(As("zhangsan"), r).status().reason(), "borrow.kind_not_allowed");
  EXPECT_EQ(service_->Request(As("audit1"), r).status().reason(), "access.denied");
  BorrowFilter all;
  EXPECT_EQ(*lv_->borrows().Count(all), 0) << "nothing was stored by refused requests";

  r.documents = {contract_};
  r.kind = "electronic";
  auto b = service_->Request(As("wang"), r);  // a manager borrowing
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(service_->Approve(As("wang"), b->id, "").status().reason(), "borrow.own_request");
  EXPECT_EQ(service_->Request(As("wang"), r).status().reason(), "borrow.already_open");
  ASSERT_TRUE(service_->Approve(As("wang2"), b->id, "").ok());
  ASSERT_TRUE(service_->Issue(As("admin1"), b->id, {}).ok());
  const std::string copy = CopyOf("wang", b->id);
  StringSource back(copy);
  ReturnInput in;
  in.file = &back;
  EXPECT_EQ(service_->Return(As("lisi"), b->id, in).status().reason(), "borrow.not_yours");

  // A return over the size limit is refused and changes nothing.
  std::string small = kDefaultBorrowingJson;
  small.replace(small.find("268435456"), 9, "1000");
  UsePolicy(small);
  StringSource big(copy);
  in.file = &big;
  EXPECT_EQ(service_->Return(As("wang"), b->id, in).status().reason(), "borrow.return_too_large");
  auto after = service_->Get(As("wang"), b->id);
  EXPECT_EQ(after->state, "issued");
  EXPECT_TRUE(after->items[0].result.empty());
  EXPECT_TRUE(lv_->borrows().Incidents(b->id)->empty());
}

TEST_F(BorrowServiceTest, ConcurrentDecisionsEndInOneConsistentState) {
  for (int round = 0; round < 10; ++round) {
    BorrowRequest r;
    r.documents = {round % 2 ? contract_ : quote_};
    r.purpose = "并发测试";
    auto b = service_->Request(As("zhangsan"), r);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    // Two managers of the same step, and the borrower withdrawing, at once.
    std::atomic<int> ready{0};
    Status s1, s2, s3;
    auto go = [&](auto fn, Status* out) {
      return std::thread([&, fn, out] {
        ++ready;
        while (ready.load() < 3) std::this_thread::yield();
        *out = fn();
      });
    };
    std::thread t1 = go([&] { return service_->Approve(As("wang"), b->id, "").status(); }, &s1);
    std::thread t2 = go([&] { return service_->Approve(As("wang2"), b->id, "").status(); }, &s2);
    std::thread t3 = go([&] { return service_->Withdraw(As("zhangsan"), b->id).status(); }, &s3);
    t1.join();
    t2.join();
    t3.join();
    const int approvals = s1.ok() + s2.ok();
    EXPECT_LE(approvals, 1) << "one step, one approval";
    for (const Status& s : {s1, s2}) {
      if (!s.ok()) {
        EXPECT_EQ(s.reason(), "borrow.bad_state");
      }
    }
    EXPECT_TRUE(s3.ok()) << "withdraw is allowed before and after approval: " << s3.ToString();
    auto final = service_->Get(As("zhangsan"), b->id);
    EXPECT_EQ(final->state, "withdrawn");
    int approve_events = 0;
    for (const auto& e : final->events) approve_events += e.action == "approve";
    EXPECT_EQ(approve_events, approvals) << "the history holds exactly what succeeded";
    EXPECT_EQ(final->events.back().action, "withdraw");
  }
}

TEST_F(BorrowServiceTest, ARestartedSchedulerSendsNothingTwiceAndLosesNoLoan) {
  const TimePoint t0 = clock_.Now();
  Borrow b = Issued(contract_, "electronic", "P7D");
  clock_.Set(t0 + 4 * kDay);
  EXPECT_EQ(service_->RunSchedule()->notifications, 1);
  // A new service over a newly opened vault: as after a restart.
  services_.reset();
  lv_.reset();
  lv_ = std::move(LocalVault::Open(config_)).value();
  UsePolicy(kDefaultBorrowingJson);
  EXPECT_EQ(service_->RunSchedule()->notifications, 0);
  EXPECT_EQ(service_->Get(As("zhangsan"), b.id)->state, "issued");
  clock_.Set(t0 + 10 * kDay);  // down for days: one overdue notice, not a backlog
  auto pass = service_->RunSchedule();
  EXPECT_EQ(pass->overdue, 1);
  EXPECT_EQ(pass->notifications, 1);
}

TEST_F(BorrowServiceTest, IssueLendsTheApprovedVersionAndARecallStopsRenewals) {
  const TimePoint t0 = clock_.Now();
  BorrowRequest r;
  r.documents = {contract_};
  r.purpose = "核对合同条款";
  r.period = "P7D";
  auto b = service_->Request(As("zhangsan"), r);
  ASSERT_TRUE(service_->Approve(As("wang"), b->id, "").ok());
  // A new version arrives between approval and issue: the loan is still of
  // the version that was asked for and approved.
  StringSource v2(testing::MakePdf({{}, {}, {}}));
  ASSERT_TRUE(lv_->vault().AddVersion(contract_, "补充条款", "admin1", "v2.pdf", v2).ok());
  auto issued = service_->Issue(As("admin1"), b->id, {});
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->items[0].version, 1u);
  EXPECT_EQ(issued->items[0].issued_pages, 2) << "version 1 has two pages, version 2 three";
  EXPECT_EQ(lv_->exports().ById(issued->items[0].export_id)->version, 1u);

  // Renewal asked, then recalled: the recall cancels the request and no
  // renewal is possible afterwards.
  clock_.Set(t0 + 5 * kDay);
  ASSERT_TRUE(service_->Renew(As("zhangsan"), b->id).ok());
  auto recalled = service_->Recall(As("admin1"), b->id, kDay);
  ASSERT_TRUE(recalled.ok());
  EXPECT_EQ(recalled->state, "issued");
  EXPECT_EQ(service_->Approve(As("wang"), b->id, "").status().reason(), "borrow.bad_state");
  EXPECT_EQ(service_->Renew(As("zhangsan"), b->id).status().reason(), "borrow.recalled");
  EXPECT_EQ(recalled->due_at, FormatUtc(t0 + 6 * kDay));
}

TEST_F(BorrowServiceTest, ALoweredClearanceEndsAccessToTheCopy) {
  Borrow b = Issued(nda_);  // confidential
  ASSERT_FALSE(CopyOf("zhangsan", b.id).empty());
  UserChanges c;
  c.clearance = "internal";
  ASSERT_TRUE(lv_->identity().UpdateUser("zhangsan", c).ok());
  Status st;
  CopyOf("zhangsan", b.id, &st);
  EXPECT_EQ(st.reason(), "borrow.no_longer_allowed");
  EXPECT_EQ(service_->CheckExportUnder("zhangsan", b.id, nda_).status().reason(), "borrow.no_longer_allowed");
}

}  // namespace
}  // namespace vault
