// Each anomaly rule of policies/alerts.json, triggered and missed by a hair,
// over a real vault (SQLite, the real audit log) with a fake clock. Events
// are appended as vaultd's handlers append them; the scan reads them back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/alerts/alert_test_fixture.h"

namespace vault {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using testing::AlertFixture;

class AlertRulesTest : public AlertFixture {};

// --- bursts -------------------------------------------------------------

TEST_F(AlertRulesTest, FourExportsInTheWindowDoNotRaise) {
  At(7, 10, 0);
  for (int i = 0; i < 4; ++i) {
    Event("zhang", "staff", "document.export", internal_);
    clock_.Advance(std::chrono::minutes(2));
  }
  EXPECT_EQ(Pass().raised, 0);
  EXPECT_TRUE(Alerts().empty());
}

TEST_F(AlertRulesTest, FiveExportsInTheWindowRaiseOneAlertWithTheirEvents) {
  At(7, 10, 0);
  std::vector<int64_t> seqs;
  for (int i = 0; i < 5; ++i) {
    seqs.push_back(Event("zhang", "staff", i % 2 ? "borrow.copy" : "document.export", internal_));
    clock_.Advance(std::chrono::minutes(2));  // the last is 8 minutes after the first
  }
  Event("wang", "dept_manager", "document.export", internal_);  // someone else's does not count
  AlertPassReport r = Pass();
  EXPECT_EQ(r.raised, 1);
  auto alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule, "export_burst");
  EXPECT_EQ(alerts[0].subject, "zhang");
  EXPECT_EQ(alerts[0].state, "open");
  EXPECT_THAT(alerts[0].evidence, ElementsAreArray(seqs));
  EXPECT_EQ(alerts[0].window_start, "2026-12-07T02:00:00Z");
  EXPECT_EQ(alerts[0].window_end, "2026-12-07T02:08:00Z");
}

TEST_F(AlertRulesTest, FiveExportsSpreadWiderThanTheWindowDoNotRaise) {
  At(7, 10, 0);
  for (int i = 0; i < 5; ++i) {
    Event("zhang", "staff", "document.export", internal_);
    clock_.Advance(std::chrono::seconds(150));  // first to last: exactly 10 minutes
  }
  EXPECT_EQ(Pass().raised, 0);
}

TEST_F(AlertRulesTest, ViewBurstCountsMetadataAndContentViews) {
  At(7, 10, 0);
  for (int i = 0; i < 5; ++i) Event("archivist", "archive_admin", i % 2 ? "document.metadata" : "document.read_content", internal_);
  Event("archivist", "archive_admin", "document.metadata", internal_, "denied");  // refused: not a view
  EXPECT_EQ(Pass().raised, 0);
  Event("archivist", "archive_admin", "document.metadata", internal_);
  EXPECT_EQ(Pass().raised, 1);
  EXPECT_EQ(Alerts("view_burst").size(), 1u);
}

TEST_F(AlertRulesTest, AContinuingBurstJoinsItsAlertInsteadOfRaisingAnother) {
  At(7, 10, 0);
  for (int i = 0; i < 5; ++i) Event("zhang", "staff", "document.export", internal_);
  EXPECT_EQ(Pass().raised, 1);
  // Five more in the same window, evaluated by a later pass: one alert.
  for (int i = 0; i < 5; ++i) Event("zhang", "staff", "document.export", internal_);
  AlertPassReport again = Pass();
  EXPECT_EQ(again.raised, 0);
  EXPECT_EQ(again.extended, 5);
  auto alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].events, 10);
  EXPECT_EQ(alerts[0].evidence.size(), 10u);
  // A pass with nothing new changes nothing.
  EXPECT_EQ(Pass().events, 0);
  EXPECT_EQ(Alerts().size(), 1u);
}

TEST_F(AlertRulesTest, AfterAcknowledgingOnlyNewEventsCountTowardsTheNextAlert) {
  At(7, 10, 0);
  for (int i = 0; i < 5; ++i) Event("zhang", "staff", "document.export", internal_);
  Pass();
  ASSERT_TRUE(lv_->alerts().Acknowledge(Alerts()[0].id, "archivist", "checked", "2026-12-07T02:01:00Z").ok());
  for (int i = 0; i < 4; ++i) Event("zhang", "staff", "document.export", internal_);
  EXPECT_EQ(Pass().raised, 0) << "the acknowledged alert's five do not count again";
  Event("zhang", "staff", "document.export", internal_);
  EXPECT_EQ(Pass().raised, 1);
  EXPECT_EQ(Alerts().size(), 2u);
}

// --- denials (probing) ----------------------------------------------------

TEST_F(AlertRulesTest, ThreeDenialsDoNotRaiseFourDo) {
  At(7, 10, 0);
  for (int i = 0; i < 3; ++i) {
    Event("zhang", "staff", "export.trace", "CODE" + std::to_string(i), "denied");
    clock_.Advance(std::chrono::minutes(1));
  }
  Event("zhang", "staff", "document.export", internal_);  // an allowed request between them
  EXPECT_EQ(Pass().raised, 0);
  Event("zhang", "staff", "audit.read", "audit", "denied");
  EXPECT_EQ(Pass().raised, 1);
  auto alerts = Alerts("probing");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].subject, "zhang");
  EXPECT_EQ(alerts[0].evidence.size(), 4u);
}

TEST_F(AlertRulesTest, DenialsWithoutAUserCountPerClientAddress) {
  At(7, 10, 0);
  // A browser asking for its session before logging in is not probing.
  for (int i = 0; i < 6; ++i) Event("-", "-", "session.read", "current", "denied", "192.0.2.8", "auth.missing_token");
  for (int i = 0; i < 3; ++i) Event("-", "-", "document.list", "*", "denied", "192.0.2.7");
  for (int i = 0; i < 3; ++i) Event("-", "-", "document.list", "*", "denied", "192.0.2.8");
  EXPECT_EQ(Pass().raised, 0) << "three from each of two addresses";
  Event("-", "-", "document.list", "*", "denied", "192.0.2.8");
  EXPECT_EQ(Pass().raised, 1);
  ASSERT_EQ(Alerts("probing").size(), 1u);
  EXPECT_EQ(Alerts("probing")[0].subject, "client 192.0.2.8");
}

// --- views of confidential records outside working hours -----------------

TEST_F(AlertRulesTest, AViewAt1759IsWithinWorkingHours) {
  At(7, 17, 59, 59);
  Event("archivist", "archive_admin", "document.export", secret_);
  At(7, 8, 0);
  Event("archivist", "archive_admin", "document.read_content", secret_);
  EXPECT_EQ(Pass().raised, 0);
}

TEST_F(AlertRulesTest, AViewAt1801IsAfterHours) {
  At(7, 18, 1);
  const int64_t seq = Event("archivist", "archive_admin", "document.export", secret_);
  EXPECT_EQ(Pass().raised, 1);
  auto alerts = Alerts("after_hours_view");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].subject, "archivist");
  EXPECT_THAT(alerts[0].evidence, ElementsAreArray({seq}));
  EXPECT_THAT(alerts[0].summary, HasSubstr(secret_));
}

TEST_F(AlertRulesTest, AfterHoursNeedsAConfidentialRecordAndAView) {
  At(7, 22, 0);
  Event("archivist", "archive_admin", "document.export", internal_);   // not confidential
  Event("archivist", "archive_admin", "document.metadata", secret_);   // not a view of content
  Event("archivist", "archive_admin", "document.export", secret_, "denied");
  EXPECT_EQ(Pass().raised, 0);
}

TEST_F(AlertRulesTest, SaturdayNoonIsOutsideWorkingDays) {
  At(12, 12, 0);  // 2026-12-12 is a Saturday
  Event("archivist", "archive_admin", "document.read_content", secret_);
  EXPECT_EQ(Pass().raised, 1);
  // More views that night join the same alert.
  clock_.Advance(std::chrono::minutes(30));
  Event("archivist", "archive_admin", "document.read_content", secret_);
  EXPECT_EQ(Pass().extended, 1);
  EXPECT_EQ(Alerts("after_hours_view").size(), 1u);
}

// --- access without a loan where one is needed ----------------------------

TEST_F(AlertRulesTest, StaffExportingAConfidentialRecordWithoutALoanRaises) {
  At(7, 10, 0);
  Event("zhang", "staff", "document.export", secret_, "ok", "10.0.0.1", "export ABC, version 1, 1 pages, sha256 x");
  EXPECT_EQ(Pass().raised, 1);
  auto alerts = Alerts("access_without_loan");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].subject, "zhang");
}

TEST_F(AlertRulesTest, AnExportUnderALoanOrByAnArchiveAdminOrOfAnInternalRecordDoesNot) {
  At(7, 10, 0);
  Event("zhang", "staff", "document.export", secret_, "ok", "10.0.0.1",
        "export ABC, version 1, 1 pages, sha256 x, loan B-2026-0001");
  Event("archivist", "archive_admin", "document.export", secret_);
  Event("zhang", "staff", "document.export", internal_);
  EXPECT_EQ(Pass().raised, 0);
}

// --- logins from a new client address -------------------------------------

TEST_F(AlertRulesTest, LoginsFromTheKnownAddressDoNotRaise) {
  At(7, 9, 0);
  Event("zhang", "staff", "session.create", "zhang", "ok", "10.0.0.1");  // the first sets the baseline
  Event("zhang", "staff", "session.create", "zhang", "ok", "10.0.0.1");
  Event("zhang", "staff", "session.create", "zhang", "denied", "10.9.9.9");  // a failed login is not one
  EXPECT_EQ(Pass().raised, 0);
}

TEST_F(AlertRulesTest, ALoginFromANewAddressRaisesOnce) {
  At(7, 9, 0);
  Event("zhang", "staff", "session.create", "zhang", "ok", "10.0.0.1");
  EXPECT_EQ(Pass().raised, 0);
  const int64_t seq = Event("zhang", "staff", "session.create", "zhang", "ok", "10.0.0.2");
  Event("zhang", "staff", "session.create", "zhang", "ok", "10.0.0.2");  // known from now on
  EXPECT_EQ(Pass().raised, 1);
  auto alerts = Alerts("new_client_address");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_THAT(alerts[0].evidence, ElementsAreArray({seq}));
  EXPECT_THAT(alerts[0].summary, HasSubstr("10.0.0.2"));
}

// --- notifications, several scanners, defaults ----------------------------

TEST_F(AlertRulesTest, ArchiveAdminsAndAuditorsAreNotifiedOnce) {
  At(7, 18, 30);
  Event("archivist", "archive_admin", "document.export", secret_);
  AlertPassReport r = Pass();
  EXPECT_EQ(r.notifications, 2);  // archivist and auditor1
  EXPECT_EQ(Pass().notifications, 0);
  auto to = [&](const std::string& who) { return std::move(lv_->borrows().Notifications(who, 0, 100)).value(); };
  ASSERT_EQ(to("archivist").size(), 1u);
  EXPECT_EQ(to("archivist")[0].kind, "alert");
  EXPECT_EQ(to("auditor1").size(), 1u);
  EXPECT_TRUE(to("zhang").empty());
  EXPECT_TRUE(to("wang").empty());
  // The raise is in the audit chain too.
  AuditFilter f;
  f.action = "alert.raise";
  auto raised = lv_->audit().List(f);
  ASSERT_TRUE(raised.ok());
  EXPECT_EQ(raised->size(), 1u);
}

TEST_F(AlertRulesTest, TwoScannersOverOneDatabaseJudgeEachEventOnce) {
  // A second node's scanner over the same database (as after a leader
  // change): the cursor is shared, so no window is judged twice.
  auto other = LocalVault::Open(config_);
  ASSERT_TRUE(other.ok());
  ServicesOptions o;
  o.vault = other->get();
  o.policy_texts.alerts = testing::kTestAlertsJson;
  o.clock = &clock_;
  auto node2 = std::move(Services::Open(std::move(o))).value();
  At(7, 10, 0);
  for (int i = 0; i < 5; ++i) Event("zhang", "staff", "document.export", internal_);
  EXPECT_EQ(Pass().raised, 1);
  auto second = node2->alerts().RunPass();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->events, 0);
  EXPECT_EQ(second->raised, 0);
  EXPECT_EQ(Alerts().size(), 1u);
}

TEST_F(AlertRulesTest, DefaultRulesStayQuietOnAWebTestLikeDay) {
  Open("");  // policies/alerts.json as shipped
  At(7, 9, 0);
  // What the web journeys do per locale, twice: logins from one address,
  // 23 refused trace look-ups, a handful of stamped copies and views.
  for (int round = 0; round < 2; ++round) {
    for (const char* u : {"zhang", "wang", "archivist", "auditor1"}) Event(u, "-", "session.create", u, "ok", "127.0.0.1");
    for (int i = 0; i < 23; ++i) Event("zhang", "staff", "export.trace", "AUD-" + std::to_string(i), "denied", "127.0.0.1");
    for (int i = 0; i < 10; ++i) Event("zhang", "staff", "document.export", internal_, "ok", "127.0.0.1");
    for (int i = 0; i < 40; ++i) Event("archivist", "archive_admin", "document.metadata", secret_, "ok", "127.0.0.1");
    Event("archivist", "archive_admin", "document.export", secret_, "ok", "127.0.0.1");
  }
  EXPECT_EQ(Pass().raised, 0);
}

TEST(AlertPolicyTest, RefusesABadWindowADuplicateIdAndUnknownFields) {
  std::string good = testing::kTestAlertsJson;
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return AlertPolicy::FromJson(s).status();
  };
  EXPECT_TRUE(AlertPolicy::FromJson(good).ok());
  EXPECT_EQ(with("\"PT5M\"", "\"5 minutes\"").reason(), "alerts.policy_invalid");
  EXPECT_THAT(with("\"PT5M\"", "\"5 minutes\"").message(), HasSubstr("denials.window"));
  EXPECT_THAT(with("\"probing\"", "\"export_burst\"").message(), HasSubstr("used twice"));
  EXPECT_THAT(with("\"threshold\": 4", "\"treshold\": 4").message(), HasSubstr("unknown field"));
  EXPECT_THAT(with("\"18:00\"", "\"07:00\"").message(), HasSubstr("day_end"));
  EXPECT_THAT(with("\"+08:00\"", "\"CST\"").message(), HasSubstr("utc_offset"));
}

}  // namespace
}  // namespace vault
