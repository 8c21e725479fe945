// Retention decisions: the shipped retention.json, retention classes, rule periods and expiry.
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

using retention_test::Mutated;
using retention_test::Rule;

// ---------------------------------------------------------------------------
// The shipped policy.

std::string ReadPolicyFile(const std::string& name) {
  std::ifstream in(std::string(VAULT_POLICIES_DIR) + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<RetentionPolicy> Shipped() {
  auto p = RetentionPolicy::FromJson(ReadPolicyFile("retention.json"));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return nullptr;
  return std::move(p).value();
}

DocumentRecord Record(const std::string& type, const std::string& created_at,
                      std::map<std::string, std::string> fields = {},
                      const std::string& retention_class = "") {
  DocumentRecord r;
  r.id = "0123456789abcdef0123456789abcdef";
  r.meta.customer_number = "C1001";
  r.meta.customer_name = "华东精密机械有限公司";
  r.meta.doc_type = type;
  r.meta.title = "测试文档";
  r.meta.department = "sales";
  r.meta.classification = "internal";
  r.meta.retention_class = retention_class;
  r.meta.fields = std::move(fields);
  r.archive_number = "C1001_XX_0001";
  r.sequence = 1;
  r.current_version = 1;
  r.created_at = r.updated_at = created_at;
  r.created_by = "clerk1";
  return r;
}

TimePoint At(const std::string& rfc3339) {
  TimePoint t;
  EXPECT_TRUE(ParseUtc(rfc3339, &t)) << rfc3339;
  return t;
}

const std::map<std::string, std::string> kNoEvents;

TEST(ShippedRetentionTest, Loads) { ASSERT_NE(Shipped(), nullptr); }

// retention.json and fields.json must agree: a rule per document type, the
// same retention classes, and every metadata anchor a date field.
TEST(ShippedRetentionTest, AgreesWithTheFieldDictionary) {
  auto policy = Shipped();
  ASSERT_NE(policy, nullptr);
  Poco::JSON::Parser parser;
  auto fields = parser.parse(ReadPolicyFile("fields.json")).extract<Poco::JSON::Object::Ptr>();
  std::set<std::string> types, classes, date_fields;
  auto t = fields->getArray("document_types");
  for (unsigned i = 0; i < t->size(); ++i)
    types.insert(t->getObject(i)->getValue<std::string>("key"));
  auto c = fields->getArray("retention_classes");
  for (unsigned i = 0; i < c->size(); ++i)
    classes.insert(c->getObject(i)->getValue<std::string>("key"));
  auto f = fields->getArray("fields");
  for (unsigned i = 0; i < f->size(); ++i) {
    if (f->getObject(i)->getValue<std::string>("kind") == "date")
      date_fields.insert(f->getObject(i)->getValue<std::string>("name"));
  }
  ASSERT_EQ(types.size(), 7u);

  for (const auto& type : types) EXPECT_TRUE(policy->rules().count(type)) << type;
  for (const auto& [key, rule] : policy->rules()) {
    EXPECT_TRUE(key == "default" || types.count(key)) << key << " is not a document type";
    std::vector<std::string> anchors = {rule.anchor};
    anchors.insert(anchors.end(), rule.fallback_anchors.begin(), rule.fallback_anchors.end());
    for (const auto& a : anchors) {
      EXPECT_TRUE(a == "ingest" || a == "event" || date_fields.count(a))
          << key << ": anchor " << a << " is not a date field of fields.json";
    }
  }
  std::set<std::string> policy_classes;
  for (const auto& [key, period] : policy->classes()) policy_classes.insert(key);
  EXPECT_EQ(policy_classes, classes);
}

TEST(ShippedRetentionTest, ContractRunsTenYearsFromItsEnd) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(Record("contract", "2019-07-02T03:04:05Z",
                            {{"contract_date", "2019-07-01"},
                             {"contract_end_date", "2020-06-30"},
                             {"amount", "125000.00"}}),
                     kNoEvents);
  EXPECT_FALSE(d.permanent);
  EXPECT_FALSE(d.event_pending);
  EXPECT_EQ(d.rule, "contract");
  EXPECT_EQ(d.anchor, "contract_end_date");
  EXPECT_EQ(d.anchor_date, "2020-06-30T00:00:00Z");
  EXPECT_EQ(d.period, "P10Y");
  EXPECT_EQ(d.due_at, "2030-06-30T00:00:00Z");
  EXPECT_EQ(d.reason, "合同: 10 years from contract_end_date 2020-06-30");
}

TEST(ShippedRetentionTest, ContractWithoutEndDateRunsFromSigning) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(Record("contract", "2021-03-02T00:00:00Z", {{"contract_date", "2021-02-28"}}),
                     kNoEvents);
  EXPECT_EQ(d.anchor, "contract_date");
  EXPECT_EQ(d.anchor_date, "2021-02-28T00:00:00Z");
  EXPECT_EQ(d.due_at, "2031-02-28T00:00:00Z");
  EXPECT_EQ(d.reason,
            "合同: 10 years from contract_date 2021-02-28 (contract_end_date not recorded)");
}

TEST(ShippedRetentionTest, ContractWithoutDatesIsNeverDue) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d =
      p->Decide(Record("contract", "2001-01-01T00:00:00Z", {{"contract_end_date", ""}}), kNoEvents);
  EXPECT_FALSE(d.permanent);
  EXPECT_TRUE(d.due_at.empty());
  EXPECT_TRUE(d.anchor_date.empty());
  EXPECT_EQ(d.anchor, "contract_end_date");
  EXPECT_THAT(d.reason, HasSubstr("contract_end_date and contract_date, none recorded"));
  EXPECT_FALSE(p->Expired(d, At("2200-01-01T00:00:00Z")));
}

TEST(ShippedRetentionTest, MalformedAnchorDateIsNeverDue) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  // Not possible through FieldDictionary::Validate, but records may predate it.
  auto d = p->Decide(
      Record("contract", "2001-01-01T00:00:00Z", {{"contract_end_date", "2020/06/30"}}), kNoEvents);
  EXPECT_TRUE(d.due_at.empty());
  EXPECT_FALSE(d.event_pending);
  EXPECT_THAT(d.reason, HasSubstr("\"2020/06/30\" is not a date"));
  EXPECT_FALSE(p->Expired(d, At("2200-01-01T00:00:00Z")));

  d = p->Decide(Record("contract", "2001-01-01T00:00:00Z", {{"contract_end_date", "2023-02-29"}}),
                kNoEvents);
  EXPECT_TRUE(d.due_at.empty());
}

TEST(ShippedRetentionTest, QuotationRunsThreeYearsFromIngest) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d =
      p->Decide(Record("quotation", "2024-03-15T09:30:00Z", {{"amount", "9800.00"}}), kNoEvents);
  EXPECT_EQ(d.rule, "quotation");
  EXPECT_EQ(d.anchor, "ingest");
  EXPECT_EQ(d.anchor_date, "2024-03-15T09:30:00Z");
  EXPECT_EQ(d.period, "P3Y");
  EXPECT_EQ(d.due_at, "2027-03-15T09:30:00Z");
  EXPECT_EQ(d.reason, "报价单: 3 years from ingest 2024-03-15T09:30:00Z");
}

TEST(ShippedRetentionTest, OrderRunsThirtyYearsFromTheEndOfItsFiscalYear) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(Record("order", "2024-05-10T08:00:00Z", {{"contract_date", "2024-05-08"}}),
                     kNoEvents);
  EXPECT_EQ(d.rule, "order");
  EXPECT_EQ(d.anchor, "ingest");
  EXPECT_EQ(d.anchor_date, "2024-05-10T08:00:00Z");
  EXPECT_EQ(d.period, "P30Y");
  EXPECT_EQ(d.due_at, "2055-01-01T00:00:00Z");
  EXPECT_EQ(d.reason,
            "订单: 30 years from ingest 2024-05-10T08:00:00Z, counted from 2025-01-01 (after the "
            "year ends)");
}

TEST(ShippedRetentionTest, InvoiceCountsFromTheNextFirstOfJanuary) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto last_second =
      p->Decide(Record("invoice", "2024-12-31T23:59:59Z", {{"amount", "113000.00"}}), kNoEvents);
  EXPECT_EQ(last_second.rule, "invoice");
  EXPECT_EQ(last_second.due_at, "2055-01-01T00:00:00Z");
  auto first_second = p->Decide(Record("invoice", "2025-01-01T00:00:00Z"), kNoEvents);
  EXPECT_EQ(first_second.due_at, "2056-01-01T00:00:00Z");
  EXPECT_THAT(first_second.reason, HasSubstr("发票: 30 years from ingest"));
}

TEST(ShippedRetentionTest, DeliveryNoteRunsTenYearsFromIngest) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(Record("delivery_note", "2024-02-29T10:00:00Z"), kNoEvents);
  EXPECT_EQ(d.rule, "delivery_note");
  EXPECT_EQ(d.due_at, "2034-02-28T10:00:00Z");
  EXPECT_EQ(d.reason, "交付凭证: 10 years from ingest 2024-02-29T10:00:00Z");
}

TEST(ShippedRetentionTest, ScanRunsTenYearsFromIngest) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(Record("scan", "2023-11-20T06:00:00Z"), kNoEvents);
  EXPECT_EQ(d.rule, "scan");
  EXPECT_EQ(d.due_at, "2033-11-20T06:00:00Z");
}

TEST(ShippedRetentionTest, NdaIsPendingUntilBusinessEnds) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  DocumentRecord nda = Record("nda", "2018-04-01T00:00:00Z", {{"contract_date", "2018-03-30"}});
  for (const auto& events : {kNoEvents, std::map<std::string, std::string>{{"other", "2019-01-01"}},
                             std::map<std::string, std::string>{{"business_ended", ""}}}) {
    auto d = p->Decide(nda, events);
    EXPECT_TRUE(d.event_pending);
    EXPECT_FALSE(d.permanent);
    EXPECT_EQ(d.rule, "nda");
    EXPECT_EQ(d.anchor, "event:business_ended");
    EXPECT_EQ(d.period, "P10Y");
    EXPECT_TRUE(d.anchor_date.empty());
    EXPECT_TRUE(d.due_at.empty());
    EXPECT_EQ(
        d.reason,
        "保密协议: 10 years from event business_ended, not yet recorded; not due until it is");
    EXPECT_FALSE(p->Expired(d, At("2200-01-01T00:00:00Z")));
  }
}

TEST(ShippedRetentionTest, NdaRunsFromTheRecordedEvent) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  DocumentRecord nda = Record("nda", "2018-04-01T00:00:00Z");
  auto d = p->Decide(nda, {{"business_ended", "2025-01-01T00:00:00Z"}});
  EXPECT_FALSE(d.event_pending);
  EXPECT_EQ(d.anchor_date, "2025-01-01T00:00:00Z");
  EXPECT_EQ(d.due_at, "2035-01-01T00:00:00Z");
  EXPECT_EQ(d.reason, "保密协议: 10 years from event business_ended 2025-01-01T00:00:00Z");
  EXPECT_FALSE(p->Expired(d, At("2034-12-31T23:59:59Z")));
  EXPECT_TRUE(p->Expired(d, At("2035-01-01T00:00:00Z")));

  // A date without a time, as the field dictionary writes dates.
  d = p->Decide(nda, {{"business_ended", "2024-02-29"}});
  EXPECT_EQ(d.due_at, "2034-02-28T00:00:00Z");
}

TEST(ShippedRetentionTest, NdaWithMalformedEventDateStaysPending) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(Record("nda", "2018-04-01T00:00:00Z"), {{"business_ended", "last spring"}});
  EXPECT_TRUE(d.event_pending);
  EXPECT_TRUE(d.due_at.empty());
  EXPECT_THAT(d.reason, HasSubstr("event business_ended \"last spring\" is not a date"));
}

TEST(ShippedRetentionTest, OtherTypesUseTheDefault) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  for (const char* type : {"brochure", "", "合同", "HT"}) {
    auto d = p->Decide(Record(type, "2022-08-31T12:00:00Z"), kNoEvents);
    EXPECT_EQ(d.rule, "default") << type;
    EXPECT_EQ(d.due_at, "2032-08-31T12:00:00Z") << type;
    EXPECT_EQ(d.reason, "其他: 10 years from ingest 2022-08-31T12:00:00Z") << type;
  }
}

// ---------------------------------------------------------------------------
// retention_class overrides the rule's period, keeping its anchor.

TEST(RetentionClassTest, LongerClassKeepsTheRuleAnchor) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(
      Record("contract", "2019-07-02T00:00:00Z", {{"contract_end_date", "2020-06-30"}}, "30y"),
      kNoEvents);
  EXPECT_EQ(d.rule, "contract");
  EXPECT_EQ(d.period, "P30Y");
  EXPECT_EQ(d.anchor, "contract_end_date");
  EXPECT_EQ(d.due_at, "2050-06-30T00:00:00Z");
  EXPECT_EQ(d.reason, "合同: retention_class 30y: 30 years from contract_end_date 2020-06-30");
}

TEST(RetentionClassTest, ShorterClassKeepsTheYearEndCount) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(Record("invoice", "2024-05-10T08:00:00Z", {}, "3y"), kNoEvents);
  EXPECT_EQ(d.period, "P3Y");
  EXPECT_EQ(d.due_at, "2028-01-01T00:00:00Z");
}

TEST(RetentionClassTest, PermanentClassIsNeverDue) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(Record("quotation", "2000-01-01T00:00:00Z", {}, "permanent"), kNoEvents);
  EXPECT_TRUE(d.permanent);
  EXPECT_FALSE(d.event_pending);
  EXPECT_TRUE(d.period.empty());
  EXPECT_TRUE(d.due_at.empty());
  EXPECT_EQ(d.rule, "quotation");
  EXPECT_EQ(d.reason, "报价单: retention_class permanent: kept permanently");
  EXPECT_FALSE(p->Expired(d, At("2200-01-01T00:00:00Z")));
}

TEST(RetentionClassTest, PermanentClassNeedsNoEvent) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(Record("nda", "2018-04-01T00:00:00Z", {}, "permanent"), kNoEvents);
  EXPECT_TRUE(d.permanent);
  EXPECT_FALSE(d.event_pending);
}

TEST(RetentionClassTest, ClassOnEventRuleStillWaitsForTheEvent) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  DocumentRecord nda = Record("nda", "2018-04-01T00:00:00Z", {}, "5y");
  auto before = p->Decide(nda, kNoEvents);
  EXPECT_TRUE(before.event_pending);
  EXPECT_EQ(before.period, "P5Y");
  auto after = p->Decide(nda, {{"business_ended", "2025-01-01T00:00:00Z"}});
  EXPECT_EQ(after.due_at, "2030-01-01T00:00:00Z");
}

TEST(RetentionClassTest, UnknownClassIsNeverDue) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(Record("quotation", "2000-01-01T00:00:00Z", {}, "forever"), kNoEvents);
  EXPECT_FALSE(d.permanent);
  EXPECT_TRUE(d.due_at.empty());
  EXPECT_EQ(d.reason,
            "报价单: retention_class \"forever\" is not defined in retention.json; not due until "
            "corrected");
  EXPECT_FALSE(p->Expired(d, At("2200-01-01T00:00:00Z")));
}

TEST(RetentionRuleTest, PermanentRuleIsNeverDue) {
  auto p = RetentionPolicy::FromJson(
      Mutated([](auto& r) { Rule(r, "contract").set("period", "permanent"); }));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto d = (*p)->Decide(
      Record("contract", "2000-01-01T00:00:00Z", {{"contract_end_date", "2001-01-01"}}), kNoEvents);
  EXPECT_TRUE(d.permanent);
  EXPECT_EQ(d.reason, "合同: kept permanently");
  EXPECT_FALSE((*p)->Expired(d, At("2200-01-01T00:00:00Z")));
  // A class overrides a permanent rule too.
  d = (*p)->Decide(
      Record("contract", "2000-01-01T00:00:00Z", {{"contract_end_date", "2001-01-01"}}, "5y"),
      kNoEvents);
  EXPECT_FALSE(d.permanent);
  EXPECT_EQ(d.due_at, "2006-01-01T00:00:00Z");
}

TEST(RetentionRuleTest, DueAfterYear9999IsNeverDue) {
  auto p = RetentionPolicy::FromJson(
      Mutated([](auto& r) { Rule(r, "default").set("period", "P9999Y"); }));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto d = (*p)->Decide(Record("scan", "2024-01-01T00:00:00Z"), kNoEvents);
  EXPECT_TRUE(d.due_at.empty());
  EXPECT_THAT(d.reason, HasSubstr("after year 9999"));
}

// ---------------------------------------------------------------------------
// Expired

TEST(ExpiredTest, DueAtTheBoundarySecond) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  auto d = p->Decide(
      Record("contract", "2019-07-02T00:00:00Z", {{"contract_end_date", "2020-06-30"}}), kNoEvents);
  ASSERT_EQ(d.due_at, "2030-06-30T00:00:00Z");
  TimePoint due = At("2030-06-30T00:00:00Z");
  EXPECT_FALSE(p->Expired(d, due - std::chrono::seconds(1)));
  EXPECT_FALSE(p->Expired(d, due - std::chrono::milliseconds(1)));
  EXPECT_TRUE(p->Expired(d, due));
  EXPECT_TRUE(p->Expired(d, due + std::chrono::milliseconds(1)));
  EXPECT_TRUE(p->Expired(d, At("2031-01-01T00:00:00Z")));
}

TEST(ExpiredTest, NeverForPermanentPendingOrUndatedDecisions) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  TimePoint late = At("2200-01-01T00:00:00Z");
  RetentionDecision d;
  d.due_at = "2000-01-01T00:00:00Z";
  EXPECT_TRUE(p->Expired(d, late));
  d.permanent = true;
  EXPECT_FALSE(p->Expired(d, late));
  d.permanent = false;
  d.event_pending = true;
  EXPECT_FALSE(p->Expired(d, late));
  d.event_pending = false;
  d.due_at.clear();
  EXPECT_FALSE(p->Expired(d, late));
  d.due_at = "not a time";
  EXPECT_FALSE(p->Expired(d, late));
}

TEST(ExpiredTest, FarFutureDueDateIsNotExpired) {
  auto p = Shipped();
  ASSERT_NE(p, nullptr);
  RetentionDecision d;
  d.due_at = "9999-12-31T23:59:59Z";  // beyond system_clock's range
  EXPECT_FALSE(p->Expired(d, At("2200-01-01T00:00:00Z")));
}

}  // namespace
}  // namespace vault
