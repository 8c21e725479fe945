#include "vault/retention/retention_policy.h"
#include "tests/support/status_matchers.h"
#include "tests/retention/retention_test_base.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#ifndef VAULT_POLICIES_DIR
#error "VAULT_POLICIES_DIR must point at policies/"
#endif

namespace vault {
namespace {

using testing::StatusIs;

using ::testing::HasSubstr;

using retention_test::kBase;
using retention_test::Mutated;
using retention_test::Rule;

// ---------------------------------------------------------------------------
// AddCalendarPeriod

void ExpectAdd(const std::string& from, const std::string& period, const std::string& want) {
  auto got = AddCalendarPeriod(from, period);
  ASSERT_TRUE(got.ok()) << from << " + " << period << ": " << got.status().ToString();
  EXPECT_EQ(*got, want) << from << " + " << period;
}

void ExpectBadPeriod(const std::string& period) {
  auto got = AddCalendarPeriod("2024-01-15T00:00:00Z", period);
  ASSERT_FALSE(got.ok()) << "accepted \"" << period << "\" giving " << *got;
  EXPECT_THAT(got, StatusIs(StatusCode::kInvalidArgument, "retention.bad_period")) << period;
}

void ExpectBadDate(const std::string& from) {
  auto got = AddCalendarPeriod(from, "P1Y");
  ASSERT_FALSE(got.ok()) << "accepted \"" << from << "\" giving " << *got;
  EXPECT_THAT(got, StatusIs(StatusCode::kInvalidArgument, "retention.bad_date")) << from;
}

TEST(AddCalendarPeriodTest, AddsYearsMonthsAndDays) {
  ExpectAdd("2020-06-30T00:00:00Z", "P10Y", "2030-06-30T00:00:00Z");
  ExpectAdd("2020-06-30T00:00:00Z", "P6M", "2020-12-30T00:00:00Z");
  ExpectAdd("2020-06-30T00:00:00Z", "P1Y6M", "2021-12-30T00:00:00Z");
  ExpectAdd("2020-06-30T00:00:00Z", "P90D", "2020-09-28T00:00:00Z");
  ExpectAdd("2020-06-30T00:00:00Z", "P1Y1M1D", "2021-07-31T00:00:00Z");
  ExpectAdd("2020-06-30T00:00:00Z", "P18M", "2021-12-30T00:00:00Z");
  ExpectAdd("2020-06-30T00:00:00Z", "P010Y", "2030-06-30T00:00:00Z");
}

TEST(AddCalendarPeriodTest, LeapDayPlusYearsClampsToFebruary28) {
  ExpectAdd("2024-02-29T00:00:00Z", "P1Y", "2025-02-28T00:00:00Z");
  ExpectAdd("2024-02-29T00:00:00Z", "P12M", "2025-02-28T00:00:00Z");
  ExpectAdd("2024-02-29T00:00:00Z", "P4Y", "2028-02-29T00:00:00Z");
  ExpectAdd("2096-02-29T00:00:00Z", "P4Y", "2100-02-28T00:00:00Z");  // 2100 is not leap
  ExpectAdd("2000-02-29T00:00:00Z", "P400Y", "2400-02-29T00:00:00Z");
}

TEST(AddCalendarPeriodTest, MonthEndsClampToTheShorterMonth) {
  ExpectAdd("2024-01-31T00:00:00Z", "P1M", "2024-02-29T00:00:00Z");
  ExpectAdd("2023-01-31T00:00:00Z", "P1M", "2023-02-28T00:00:00Z");
  ExpectAdd("2024-03-31T00:00:00Z", "P1M", "2024-04-30T00:00:00Z");
  ExpectAdd("2024-08-31T00:00:00Z", "P6M", "2025-02-28T00:00:00Z");
  ExpectAdd("2024-12-31T00:00:00Z", "P2M", "2025-02-28T00:00:00Z");
  ExpectAdd("2024-11-30T00:00:00Z", "P1M", "2024-12-30T00:00:00Z");
}

TEST(AddCalendarPeriodTest, DaysAreAddedAfterYearsAndMonths) {
  // Clamp to 2024-02-29 first, then one day.
  ExpectAdd("2024-01-31T00:00:00Z", "P1M1D", "2024-03-01T00:00:00Z");
  ExpectAdd("2024-12-31T00:00:00Z", "P1D", "2025-01-01T00:00:00Z");
  ExpectAdd("2024-01-01T00:00:00Z", "P366D", "2025-01-01T00:00:00Z");
  ExpectAdd("2023-02-28T00:00:00Z", "P1D", "2023-03-01T00:00:00Z");
  ExpectAdd("2024-02-28T00:00:00Z", "P1D", "2024-02-29T00:00:00Z");
}

TEST(AddCalendarPeriodTest, KeepsTheTimeOfDay) {
  ExpectAdd("2024-02-29T23:59:59Z", "P1Y", "2025-02-28T23:59:59Z");
  ExpectAdd("2024-05-10T08:30:15Z", "P3Y", "2027-05-10T08:30:15Z");
}

TEST(AddCalendarPeriodTest, ZeroPeriodIsTheIdentity) {
  // Allowed here (arithmetic); the policy loader refuses zero periods.
  ExpectAdd("2024-02-29T12:00:00Z", "P0D", "2024-02-29T12:00:00Z");
  ExpectAdd("2024-02-29T12:00:00Z", "P0Y", "2024-02-29T12:00:00Z");
  ExpectAdd("2024-02-29T12:00:00Z", "P0Y0M0D", "2024-02-29T12:00:00Z");
}

TEST(AddCalendarPeriodTest, FarFutureDoesNotOverflow) {
  ExpectAdd("2200-01-01T00:00:00Z", "P100Y", "2300-01-01T00:00:00Z");
  ExpectAdd("9998-12-31T00:00:00Z", "P1Y", "9999-12-31T00:00:00Z");
  ExpectAdd("2024-01-01T00:00:00Z", "P9999M", "2857-04-01T00:00:00Z");
}

TEST(AddCalendarPeriodTest, RefusesResultAfterYear9999) {
  auto got = AddCalendarPeriod("9999-06-01T00:00:00Z", "P1Y");
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got, StatusIs(StatusCode::kInvalidArgument, "retention.bad_period"));
  EXPECT_THAT(got.status().message(), HasSubstr("9999"));
  ExpectBadPeriod("P10000Y");
}

TEST(AddCalendarPeriodTest, RefusesMalformedPeriods) {
  for (const char* p : {"",       "P",     "10Y",   "p10y",  "P10y",  "P-1Y",  "P+1Y",
                        "P1",     "P1.5Y", "P1,5Y", "P1D1M", "P1M1Y", "P1Y1Y", "PT1H",
                        "P1DT1H", "P2W",   "P1Y ",  " P1Y",  "P1YX",  "PY",    "P99999Y"}) {
    ExpectBadPeriod(p);
  }
}

TEST(AddCalendarPeriodTest, RefusesMalformedTimes) {
  for (const char* t : {"", "2024-02-29", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
                        "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z", "2024-04-31T00:00:00Z",
                        "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z",
                        "2024-01-01T00:00:00+08:00", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00z",
                        "0000-01-01T00:00:00Z", "２０２４-01-01T00:00:00Z"}) {
    ExpectBadDate(t);
  }
}

// ---------------------------------------------------------------------------
// Loading: one test per refusal, each asserting the field it names.

void ExpectRefused(const std::string& json, const std::string& field, const std::string& what) {
  auto p = RetentionPolicy::FromJson(json);
  ASSERT_FALSE(p.ok()) << "accepted: " << json;
  EXPECT_THAT(p, StatusIs(StatusCode::kInvalidArgument, "retention.policy_invalid"));
  EXPECT_THAT(p.status().message(), HasSubstr("retention.json: " + field + ": "));
  EXPECT_THAT(p.status().message(), HasSubstr(what));
}

TEST(RetentionPolicyLoadTest, AcceptsTheTestBase) {
  auto p = RetentionPolicy::FromJson(kBase);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->rules().size(), 4u);
  EXPECT_EQ((*p)->classes().size(), 5u);
  const RetentionRule& c = (*p)->rules().at("contract");
  EXPECT_EQ(c.anchor, "contract_end_date");
  EXPECT_EQ(c.fallback_anchors, std::vector<std::string>{"contract_date"});
  EXPECT_EQ(c.period.years, 10);
  EXPECT_TRUE((*p)->rules().at("invoice").after_year_end);
  EXPECT_TRUE((*p)->classes().at("permanent").permanent);
}

TEST(RetentionPolicyLoadTest, RefusesInvalidJson) {
  auto p = RetentionPolicy::FromJson("{\"version\": 1,");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p, StatusIs(StatusCode::kInvalidArgument, "retention.policy_invalid"));
  EXPECT_THAT(p.status().message(), HasSubstr("not valid JSON"));
}

TEST(RetentionPolicyLoadTest, RefusesTopLevelArray) {
  auto p = RetentionPolicy::FromJson("[]");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p, StatusIs(StatusCode::kInvalidArgument, "retention.policy_invalid"));
  EXPECT_THAT(p.status().message(), HasSubstr("top level must be a JSON object"));
}

TEST(RetentionPolicyLoadTest, RefusesFieldGivenTwice) {
  std::string json = kBase;
  json.replace(json.find("\"period\": \"P10Y\", \"basis\""), 0, "\"period\": \"P3Y\", ");
  ExpectRefused(json, "rules.contract.period", "field given twice");
}

TEST(RetentionPolicyLoadTest, RefusesUnknownTopLevelField) {
  ExpectRefused(Mutated([](auto& r) { r.set("periods", 1); }), "periods", "unknown field");
}

TEST(RetentionPolicyLoadTest, RefusesMissingVersion) {
  ExpectRefused(Mutated([](auto& r) { r.remove("version"); }), "version", "missing");
}

TEST(RetentionPolicyLoadTest, RefusesOtherVersion) {
  ExpectRefused(Mutated([](auto& r) { r.set("version", 2); }), "version", "must be 1");
  ExpectRefused(Mutated([](auto& r) { r.set("version", "1"); }), "version", "must be 1");
  ExpectRefused(Mutated([](auto& r) { r.set("version", true); }), "version", "must be 1");
}

TEST(RetentionPolicyLoadTest, RefusesDescriptionNotString) {
  ExpectRefused(Mutated([](auto& r) { r.set("description", 3); }), "description",
                "must be a string");
}

TEST(RetentionPolicyLoadTest, RefusesMissingRetentionClasses) {
  ExpectRefused(Mutated([](auto& r) { r.remove("retention_classes"); }), "retention_classes",
                "missing");
}

TEST(RetentionPolicyLoadTest, RefusesRetentionClassesNotObject) {
  ExpectRefused(Mutated([](auto& r) {
                  r.set("retention_classes", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
                }),
                "retention_classes", "must be an object");
}

TEST(RetentionPolicyLoadTest, RefusesMalformedClassPeriod) {
  ExpectRefused(Mutated([](auto& r) { r.getObject("retention_classes")->set("10y", "10 years"); }),
                "retention_classes.10y", "must start with P");
  ExpectRefused(Mutated([](auto& r) { r.getObject("retention_classes")->set("10y", 10); }),
                "retention_classes.10y", "must be a string");
}

TEST(RetentionPolicyLoadTest, RefusesZeroClassPeriod) {
  ExpectRefused(Mutated([](auto& r) { r.getObject("retention_classes")->set("3y", "P0Y"); }),
                "retention_classes.3y", "longer than zero");
}

TEST(RetentionPolicyLoadTest, RefusesClassKeyNotAName) {
  ExpectRefused(Mutated([](auto& r) { r.getObject("retention_classes")->set("10 Y", "P10Y"); }),
                "retention_classes.10 Y", "lower-case");
}

TEST(RetentionPolicyLoadTest, RefusesMissingRules) {
  ExpectRefused(Mutated([](auto& r) { r.remove("rules"); }), "rules", "missing");
}

TEST(RetentionPolicyLoadTest, RefusesRulesAsList) {
  ExpectRefused(
      Mutated([](auto& r) { r.set("rules", Poco::JSON::Array::Ptr(new Poco::JSON::Array)); }),
      "rules", "must be an object");
}

TEST(RetentionPolicyLoadTest, RefusesMissingDefaultRule) {
  ExpectRefused(Mutated([](auto& r) { r.getObject("rules")->remove("default"); }), "rules.default",
                "missing");
}

TEST(RetentionPolicyLoadTest, RefusesRuleNotObject) {
  ExpectRefused(Mutated([](auto& r) { r.getObject("rules")->set("quotation", "P3Y"); }),
                "rules.quotation", "must be an object");
}

TEST(RetentionPolicyLoadTest, RefusesRuleKeyNotATypeKey) {
  ExpectRefused(Mutated([](auto& r) {
                  r.getObject("rules")->set("合同", r.getObject("rules")->getObject("contract"));
                }),
                "rules.合同", "document type key");
}

TEST(RetentionPolicyLoadTest, RefusesUnknownRuleField) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "contract").set("years", 10); }),
                "rules.contract.years", "unknown field");
}

TEST(RetentionPolicyLoadTest, RefusesMissingLabel) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "contract").remove("label"); }),
                "rules.contract.label", "missing");
}

TEST(RetentionPolicyLoadTest, RefusesEmptyLabel) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "contract").set("label", ""); }),
                "rules.contract.label", "empty");
}

TEST(RetentionPolicyLoadTest, RefusesMissingAnchor) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "default").remove("anchor"); }),
                "rules.default.anchor", "missing");
}

TEST(RetentionPolicyLoadTest, RefusesAnchorNotAName) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "contract").set("anchor", "Contract End"); }),
                "rules.contract.anchor", "must be \"ingest\", \"event\" or a date field name");
}

TEST(RetentionPolicyLoadTest, RefusesEventAnchorWithoutEvent) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "nda").remove("event"); }), "rules.nda.event",
                "missing");
}

TEST(RetentionPolicyLoadTest, RefusesEventNotAName) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "nda").set("event", "business ended"); }),
                "rules.nda.event", "must be a name");
}

TEST(RetentionPolicyLoadTest, RefusesEventWithoutEventAnchor) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "default").set("event", "business_ended"); }),
                "rules.default.event", "only allowed with anchor \"event\"");
}

TEST(RetentionPolicyLoadTest, RefusesFallbackWithEventAnchor) {
  ExpectRefused(Mutated([](auto& r) {
                  Poco::JSON::Array::Ptr a(new Poco::JSON::Array);
                  a->add("ingest");
                  Rule(r, "nda").set("fallback_anchors", a);
                }),
                "rules.nda.fallback_anchors", "not allowed with anchor \"event\"");
}

TEST(RetentionPolicyLoadTest, RefusesFallbackNotList) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "contract").set("fallback_anchors", "ingest"); }),
                "rules.contract.fallback_anchors", "must be a list");
}

TEST(RetentionPolicyLoadTest, RefusesEmptyFallbackList) {
  ExpectRefused(
      Mutated([](auto& r) {
        Rule(r, "contract").set("fallback_anchors", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
      }),
      "rules.contract.fallback_anchors", "empty");
}

TEST(RetentionPolicyLoadTest, RefusesFallbackEntryNotString) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "contract").getArray("fallback_anchors")->add(3); }),
                "rules.contract.fallback_anchors[1]", "must be a string");
}

TEST(RetentionPolicyLoadTest, RefusesEventAsFallback) {
  ExpectRefused(
      Mutated([](auto& r) { Rule(r, "contract").getArray("fallback_anchors")->add("event"); }),
      "rules.contract.fallback_anchors[1]", "must be \"ingest\" or a date field name");
}

TEST(RetentionPolicyLoadTest, RefusesFallbackRepeatingTheAnchor) {
  ExpectRefused(Mutated([](auto& r) {
                  Rule(r, "contract").getArray("fallback_anchors")->add("contract_end_date");
                }),
                "rules.contract.fallback_anchors[1]", "named twice");
  ExpectRefused(Mutated([](auto& r) {
                  Rule(r, "contract").getArray("fallback_anchors")->add("contract_date");
                }),
                "rules.contract.fallback_anchors[1]", "named twice");
}

TEST(RetentionPolicyLoadTest, RefusesMissingPeriod) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "contract").remove("period"); }),
                "rules.contract.period", "missing");
}

TEST(RetentionPolicyLoadTest, RefusesPeriodNotString) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "contract").set("period", 10); }),
                "rules.contract.period", "must be a string");
}

TEST(RetentionPolicyLoadTest, RefusesMalformedPeriod) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "contract").set("period", "P520W"); }),
                "rules.contract.period", "only years, months and days");
  ExpectRefused(Mutated([](auto& r) { Rule(r, "contract").set("period", "forever"); }),
                "rules.contract.period", "must start with P");
}

TEST(RetentionPolicyLoadTest, RefusesZeroPeriod) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "default").set("period", "P0D"); }),
                "rules.default.period", "longer than zero");
}

TEST(RetentionPolicyLoadTest, RefusesAfterYearEndNotBoolean) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "invoice").set("after_year_end", "yes"); }),
                "rules.invoice.after_year_end", "must be true or false");
  ExpectRefused(Mutated([](auto& r) { Rule(r, "invoice").set("after_year_end", 1); }),
                "rules.invoice.after_year_end", "must be true or false");
}

TEST(RetentionPolicyLoadTest, RefusesBasisNotString) {
  ExpectRefused(Mutated([](auto& r) { Rule(r, "contract").set("basis", 1); }),
                "rules.contract.basis", "must be a string");
}

}  // namespace
}  // namespace vault
