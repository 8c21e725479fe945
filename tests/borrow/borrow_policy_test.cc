#include "vault/borrow/borrow_policy.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <sstream>

#ifndef VAULT_POLICIES_DIR
#error "VAULT_POLICIES_DIR must point at policies/"
#endif

namespace vault {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kHundredYears = 36525 * kDay;

// ---------------------------------------------------------------------------
// The shipped policies/borrowing.json

std::unique_ptr<BorrowPolicy> LoadShipped() {
  std::ifstream in(std::string(VAULT_POLICIES_DIR) + "/borrowing.json");
  EXPECT_TRUE(in.good()) << "cannot open " << VAULT_POLICIES_DIR << "/borrowing.json";
  std::stringstream ss;
  ss << in.rdbuf();
  auto p = BorrowPolicy::FromJson(ss.str());
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return nullptr;
  return std::move(p).value();
}

const std::vector<std::string> kLevels = {"public", "internal", "confidential"};

TEST(ShippedBorrowingPolicyTest, LoadsWithTopLevelLimits) {
  auto p = LoadShipped();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->max_documents(), 10);
  EXPECT_EQ(p->recall_period(), Seconds(3 * kDay));
  EXPECT_EQ(p->max_return_bytes(), int64_t{256} << 20);
  ASSERT_EQ(p->rules().size(), 3u);
  EXPECT_EQ(p->rules().back().name, "default");
}

TEST(ShippedBorrowingPolicyTest, ConfidentialGoesThroughManagerThenLegal) {
  auto p = LoadShipped();
  ASSERT_NE(p, nullptr);
  // Whatever the type and department, including contracts.
  for (const std::string type : {"合同", "contract", "发票", ""}) {
    for (const std::string dept : {"华南销售部", "法务部", ""}) {
      const LoanRule& r = p->RuleFor("confidential", type, dept);
      SCOPED_TRACE(type + " / " + dept);
      EXPECT_EQ(r.name, "confidential");
      EXPECT_EQ(r.approval_chain, (std::vector<std::string>{"dept_manager", "legal"}));
      EXPECT_EQ(r.default_period, Seconds(7 * kDay));
      EXPECT_EQ(r.max_period, Seconds(14 * kDay));
      EXPECT_EQ(r.renewals_allowed, 1);
      EXPECT_EQ(r.renewal_period, Seconds(7 * kDay));
      EXPECT_EQ(r.renew_not_before, Seconds(3 * kDay));
      EXPECT_EQ(r.remind_before, (std::vector<Seconds>{Seconds(2 * kDay), Seconds(0)}));
      EXPECT_EQ(r.overdue_every, Seconds(kDay));
      EXPECT_EQ(r.suspend_after, Seconds(3 * kDay));
      EXPECT_EQ(r.escalate_after, Seconds(7 * kDay));
      EXPECT_EQ(r.kinds, (std::vector<std::string>{"reading_room", "electronic"}));
    }
  }
}

TEST(ShippedBorrowingPolicyTest, InternalContractsUseContractRule) {
  auto p = LoadShipped();
  ASSERT_NE(p, nullptr);
  for (const std::string type : {"合同", "contract"}) {
    const LoanRule& r = p->RuleFor("internal", type, "华东销售部");
    EXPECT_EQ(r.name, "contract") << type;
    EXPECT_EQ(r.default_period, Seconds(14 * kDay));
    EXPECT_EQ(r.max_period, Seconds(30 * kDay));
    EXPECT_EQ(r.approval_chain, (std::vector<std::string>{"dept_manager"}));
    EXPECT_NE(std::find(r.kinds.begin(), r.kinds.end(), "paper"), r.kinds.end());
  }
  // Matching is exact: neither other spellings nor public contracts.
  EXPECT_EQ(p->RuleFor("internal", "Contract", "华东销售部").name, "default");
  EXPECT_EQ(p->RuleFor("internal", "合同书", "华东销售部").name, "default");
  EXPECT_EQ(p->RuleFor("public", "合同", "华东销售部").name, "default");
}

TEST(ShippedBorrowingPolicyTest, EverythingElseUsesDefaultWithPaperAllowed) {
  auto p = LoadShipped();
  ASSERT_NE(p, nullptr);
  for (const std::string cls : {"public", "internal"}) {
    for (const std::string type : {"发票", "报价单", "invoice", ""}) {
      const LoanRule& r = p->RuleFor(cls, type, "华南销售部");
      EXPECT_EQ(r.name, "default") << cls << " " << type;
      EXPECT_EQ(r.approval_chain, (std::vector<std::string>{"dept_manager"}));
      EXPECT_NE(std::find(r.kinds.begin(), r.kinds.end(), "paper"), r.kinds.end());
    }
  }
  EXPECT_EQ(&p->RuleFor("public", "发票", ""), &p->rules().back());
}

TEST(ShippedBorrowingPolicyTest, PaperOriginalsOnlyForPublicAndInternal) {
  auto p = LoadShipped();
  ASSERT_NE(p, nullptr);
  for (const auto& cls : kLevels) {
    for (const std::string type : {"合同", "contract", "发票", ""}) {
      const LoanRule& r = p->RuleFor(cls, type, "华南销售部");
      bool paper = std::find(r.kinds.begin(), r.kinds.end(), "paper") != r.kinds.end();
      EXPECT_EQ(paper, cls != "confidential") << cls << " " << type << " -> " << r.name;
    }
  }
}

// ---------------------------------------------------------------------------
// Loading and validation

// A small valid policy the refusal tests edit one field at a time.
const char kValidPolicy[] = R"({
  "version": 1,
  "description": "test",
  "max_documents_per_request": 5,
  "recall_period": "PT12H",
  "max_return_bytes": 1048576,
  "rules": [
    {"name": "secret_sales", "classifications": ["confidential"], "doc_types": ["contract"],
     "departments": ["sales"],
     "default_period": "PT2S", "max_period": "PT10S", "renewals": 1, "renewal_period": "PT5S",
     "renew_not_before": "PT1S", "remind_before": ["PT1S", "PT0S"], "overdue_every": "PT1S",
     "suspend_after": "PT3S", "escalate_after": "PT6S",
     "kinds": ["electronic"], "approval_chain": ["dept_manager", "legal", "archive_admin"]},
    {"name": "confidential", "classifications": ["confidential"],
     "default_period": "P7D", "max_period": "P14D", "renewals": 0, "renewal_period": "PT0S",
     "renew_not_before": "PT0S", "remind_before": [], "overdue_every": "PT0S",
     "suspend_after": "P3D", "escalate_after": "P7D",
     "kinds": ["reading_room"], "approval_chain": ["legal"]},
    {"name": "default", "classifications": [],
     "default_period": "P14D", "max_period": "P30D", "renewals": 2,
     "renewal_period": "P14D", "renew_not_before": "P3D", "remind_before": ["P3D", "PT0S"],
     "overdue_every": "P1D", "suspend_after": "P7D", "escalate_after": "P14D",
     "kinds": ["electronic", "paper", "reading_room"], "approval_chain": []}
  ]
})";

Poco::JSON::Object::Ptr ValidTree() {
  Poco::JSON::Parser parser;
  return parser.parse(kValidPolicy).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object::Ptr RuleOf(const Poco::JSON::Object::Ptr& top, unsigned i) {
  return top->getArray("rules")->getObject(i);
}

Poco::JSON::Array::Ptr List(std::initializer_list<std::string> items) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array();
  for (const auto& s : items) a->add(s);
  return a;
}

std::string Text(const Poco::JSON::Object::Ptr& top) {
  std::ostringstream out;
  top->stringify(out);
  return out.str();
}

// The valid policy after `edit`, loaded.
StatusOr<std::unique_ptr<BorrowPolicy>> LoadEdited(
    const std::function<void(Poco::JSON::Object::Ptr)>& edit) {
  auto top = ValidTree();
  edit(top);
  return BorrowPolicy::FromJson(Text(top));
}

// Refused as an invalid policy, the message naming `field`.
void ExpectRefused(const StatusOr<std::unique_ptr<BorrowPolicy>>& p, const std::string& field) {
  ASSERT_FALSE(p.ok()) << "accepted; expected a refusal naming " << field;
  EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(p.status().reason(), "borrow.policy_invalid");
  EXPECT_NE(p.status().message().find("borrowing.json: " + field + ":"), std::string::npos)
      << "message does not name " << field << ": " << p.status().message();
}

void ExpectRuleFieldRefused(unsigned rule, const std::string& key, const Poco::Dynamic::Var& value,
                            const std::string& field) {
  SCOPED_TRACE(key + " = " + value.toString());
  ExpectRefused(
      LoadEdited([&](Poco::JSON::Object::Ptr top) { RuleOf(top, rule)->set(key, value); }), field);
}

TEST(BorrowPolicyTest, LoadsEveryField) {
  auto loaded = BorrowPolicy::FromJson(kValidPolicy);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const BorrowPolicy& p = **loaded;
  EXPECT_EQ(p.max_documents(), 5);
  EXPECT_EQ(p.recall_period(), Seconds(12 * 3600));
  EXPECT_EQ(p.max_return_bytes(), 1048576);
  ASSERT_EQ(p.rules().size(), 3u);
  const LoanRule& r = p.rules()[0];
  EXPECT_EQ(r.name, "secret_sales");
  EXPECT_EQ(r.classifications, std::vector<std::string>{"confidential"});
  EXPECT_EQ(r.doc_types, std::vector<std::string>{"contract"});
  EXPECT_EQ(r.departments, std::vector<std::string>{"sales"});
  EXPECT_EQ(r.default_period, Seconds(2));
  EXPECT_EQ(r.max_period, Seconds(10));
  EXPECT_EQ(r.renewals_allowed, 1);
  EXPECT_EQ(r.renewal_period, Seconds(5));
  EXPECT_EQ(r.renew_not_before, Seconds(1));
  EXPECT_EQ(r.remind_before, (std::vector<Seconds>{Seconds(1), Seconds(0)}));
  EXPECT_EQ(r.overdue_every, Seconds(1));
  EXPECT_EQ(r.suspend_after, Seconds(3));
  EXPECT_EQ(r.escalate_after, Seconds(6));
  EXPECT_EQ(r.kinds, std::vector<std::string>{"electronic"});
  EXPECT_EQ(r.approval_chain, (std::vector<std::string>{"dept_manager", "legal", "archive_admin"}));
  EXPECT_TRUE(p.rules()[1].remind_before.empty());
  EXPECT_TRUE(p.rules()[2].approval_chain.empty());
  EXPECT_TRUE(p.rules()[2].classifications.empty());
}

TEST(BorrowPolicyTest, RuleForTakesFirstRuleWhoseListsAllMatch) {
  auto loaded = BorrowPolicy::FromJson(kValidPolicy);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const BorrowPolicy& p = **loaded;
  EXPECT_EQ(p.RuleFor("confidential", "contract", "sales").name, "secret_sales");
  // One list not matching is enough to fall through to the next rule.
  EXPECT_EQ(p.RuleFor("confidential", "contract", "finance").name, "confidential");
  EXPECT_EQ(p.RuleFor("confidential", "invoice", "sales").name, "confidential");
  EXPECT_EQ(p.RuleFor("internal", "contract", "sales").name, "default");
  EXPECT_EQ(p.RuleFor("", "", "").name, "default");
  EXPECT_EQ(p.RuleFor("CONFIDENTIAL", "contract", "sales").name, "default");
}

TEST(BorrowPolicyTest, MissingOptionalListsMatchAnything) {
  auto p = LoadEdited([](Poco::JSON::Object::Ptr top) {
    RuleOf(top, 2)->remove("classifications");
    RuleOf(top, 0)->remove("doc_types");
    RuleOf(top, 0)->remove("classifications");
    top->remove("description");
  });
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)->RuleFor("public", "anything", "sales").name, "secret_sales");
  EXPECT_EQ((*p)->RuleFor("public", "anything", "finance").name, "default");
}

TEST(BorrowPolicyTest, RefusesMalformedJson) {
  for (const char* json :
       {"", "{", "not json", "{\"version\": 1,}", "[1, 2]", "\"text\"", "42", "null"}) {
    auto p = BorrowPolicy::FromJson(json);
    ASSERT_FALSE(p.ok()) << json;
    EXPECT_EQ(p.status().reason(), "borrow.policy_invalid") << json;
    EXPECT_EQ(p.status().message().rfind("borrowing.json: ", 0), 0u) << p.status().message();
  }
}

TEST(BorrowPolicyTest, RefusesFieldGivenTwice) {
  std::string json = kValidPolicy;
  json.replace(json.find("\"max_period\": \"PT10S\""), 0, "\"max_period\": \"P100D\", ");
  ExpectRefused(BorrowPolicy::FromJson(json), "rules[0].max_period");
  std::string top = kValidPolicy;
  top.replace(top.find("\"max_documents_per_request\""), 0, "\"max_documents_per_request\": 100, ");
  ExpectRefused(BorrowPolicy::FromJson(top), "max_documents_per_request");
}

TEST(BorrowPolicyTest, RefusesWrongOrMissingVersion) {
  ExpectRefused(LoadEdited([](Poco::JSON::Object::Ptr t) { t->set("version", 2); }), "version");
  ExpectRefused(LoadEdited([](Poco::JSON::Object::Ptr t) { t->set("version", "1"); }), "version");
  ExpectRefused(LoadEdited([](Poco::JSON::Object::Ptr t) { t->remove("version"); }), "version");
}

TEST(BorrowPolicyTest, RefusesNonStringDescription) {
  ExpectRefused(LoadEdited([](Poco::JSON::Object::Ptr t) { t->set("description", 3); }),
                "description");
}

TEST(BorrowPolicyTest, RefusesUnknownTopLevelField) {
  ExpectRefused(
      LoadEdited([](Poco::JSON::Object::Ptr t) { t->set("max_document_per_request", 100); }),
      "max_document_per_request");
}

TEST(BorrowPolicyTest, RefusesUnknownRuleField) {
  ExpectRuleFieldRefused(1, "max_peroid", "P365D", "rules[1].max_peroid");
  ExpectRuleFieldRefused(2, "approval", List({"legal"}), "rules[2].approval");
}

TEST(BorrowPolicyTest, RefusesMissingTopLevelField) {
  for (const std::string key :
       {"max_documents_per_request", "recall_period", "max_return_bytes", "rules"}) {
    SCOPED_TRACE(key);
    ExpectRefused(LoadEdited([&](Poco::JSON::Object::Ptr t) { t->remove(key); }), key);
  }
}

TEST(BorrowPolicyTest, RefusesMissingRequiredRuleField) {
  for (const std::string key :
       {"name", "default_period", "max_period", "renewals", "renewal_period", "renew_not_before",
        "remind_before", "overdue_every", "suspend_after", "escalate_after", "kinds",
        "approval_chain"}) {
    SCOPED_TRACE(key);
    ExpectRefused(LoadEdited([&](Poco::JSON::Object::Ptr t) { RuleOf(t, 1)->remove(key); }),
                  "rules[1]." + key);
  }
}

TEST(BorrowPolicyTest, RefusesMaxDocumentsOutOfRange) {
  for (int n : {0, -1, 101, 100000}) {
    ExpectRefused(
        LoadEdited([&](Poco::JSON::Object::Ptr t) { t->set("max_documents_per_request", n); }),
        "max_documents_per_request");
  }
  ExpectRefused(
      LoadEdited([](Poco::JSON::Object::Ptr t) { t->set("max_documents_per_request", 2.5); }),
      "max_documents_per_request");
  ExpectRefused(
      LoadEdited([](Poco::JSON::Object::Ptr t) { t->set("max_documents_per_request", "10"); }),
      "max_documents_per_request");
  for (int n : {1, 100}) {
    auto p = LoadEdited([&](Poco::JSON::Object::Ptr t) { t->set("max_documents_per_request", n); });
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_EQ((*p)->max_documents(), n);
  }
}

TEST(BorrowPolicyTest, RefusesNonPositiveMaxReturnBytes) {
  for (int64_t n : {int64_t{0}, int64_t{-1}, INT64_MIN}) {
    ExpectRefused(LoadEdited([&](Poco::JSON::Object::Ptr t) { t->set("max_return_bytes", n); }),
                  "max_return_bytes");
  }
  ExpectRefused(LoadEdited([](Poco::JSON::Object::Ptr t) { t->set("max_return_bytes", true); }),
                "max_return_bytes");
}

TEST(BorrowPolicyTest, RefusesMaxReturnBytesBeyondSixtyFourBits) {
  std::string json = kValidPolicy;
  json.replace(json.find("1048576"), 7, "18446744073709551615");
  ExpectRefused(BorrowPolicy::FromJson(json), "max_return_bytes");
  // Beyond 64 bits Poco's parser itself refuses the number, which it names.
  json = kValidPolicy;
  json.replace(json.find("1048576"), 7, "99999999999999999999999");
  auto p = BorrowPolicy::FromJson(json);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().reason(), "borrow.policy_invalid");
  EXPECT_NE(p.status().message().find("99999999999999999999999"), std::string::npos)
      << p.status().message();
}

TEST(BorrowPolicyTest, RefusesBadRecallPeriod) {
  ExpectRefused(LoadEdited([](Poco::JSON::Object::Ptr t) { t->set("recall_period", "P1M"); }),
                "recall_period");
  ExpectRefused(LoadEdited([](Poco::JSON::Object::Ptr t) { t->set("recall_period", 3); }),
                "recall_period");
}

TEST(BorrowPolicyTest, RefusesNoRules) {
  ExpectRefused(LoadEdited([](Poco::JSON::Object::Ptr t) {
                  t->set("rules", Poco::JSON::Array::Ptr(new Poco::JSON::Array()));
                }),
                "rules");
  ExpectRefused(LoadEdited([](Poco::JSON::Object::Ptr t) { t->set("rules", "default"); }), "rules");
}

TEST(BorrowPolicyTest, RefusesRuleThatIsNotAnObject) {
  ExpectRefused(
      LoadEdited([](Poco::JSON::Object::Ptr t) { t->getArray("rules")->set(1, "confidential"); }),
      "rules[1]");
}

TEST(BorrowPolicyTest, RefusesLastRuleWithMatchingList) {
  for (const std::string key : {"classifications", "doc_types", "departments"}) {
    SCOPED_TRACE(key);
    ExpectRuleFieldRefused(2, key, List({key == "classifications" ? "public" : "x"}), "rules[2]");
  }
}

TEST(BorrowPolicyTest, RefusesCatchAllRuleBeforeTheLast) {
  ExpectRefused(LoadEdited([](Poco::JSON::Object::Ptr t) {
                  auto r = RuleOf(t, 1);
                  r->remove("classifications");
                }),
                "rules[1]");
}

TEST(BorrowPolicyTest, RefusesEmptyName) {
  ExpectRuleFieldRefused(1, "name", "", "rules[1].name");
  ExpectRuleFieldRefused(1, "name", 7, "rules[1].name");
}

TEST(BorrowPolicyTest, RefusesDuplicateName) {
  ExpectRuleFieldRefused(2, "name", "confidential", "rules[2].name");
}

TEST(BorrowPolicyTest, RefusesDefaultPeriodLongerThanMax) {
  ExpectRuleFieldRefused(1, "default_period", "P15D", "rules[1].default_period");
  ExpectRuleFieldRefused(1, "max_period", "P6D", "rules[1].default_period");
  // Equal is allowed.
  auto p =
      LoadEdited([](Poco::JSON::Object::Ptr t) { RuleOf(t, 1)->set("default_period", "P2W"); });
  EXPECT_TRUE(p.ok()) << p.status().ToString();
}

TEST(BorrowPolicyTest, RefusesZeroDefaultPeriod) {
  ExpectRuleFieldRefused(1, "default_period", "PT0S", "rules[1].default_period");
  ExpectRuleFieldRefused(1, "default_period", "P0D", "rules[1].default_period");
}

TEST(BorrowPolicyTest, RefusesBadDurationInRuleNamingField) {
  for (const std::string key :
       {"default_period", "max_period", "renewal_period", "renew_not_before", "overdue_every",
        "suspend_after", "escalate_after"}) {
    for (const char* bad : {"P1M", "7D", "P1.5D", "P36526D"})
      ExpectRuleFieldRefused(1, key, bad, "rules[1]." + key);
    ExpectRuleFieldRefused(1, key, 7, "rules[1]." + key);
  }
  // The duration's own complaint is passed on.
  auto p = LoadEdited([](Poco::JSON::Object::Ptr t) { RuleOf(t, 0)->set("max_period", "P1Y"); });
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("P1Y"), std::string::npos) << p.status().message();
}

TEST(BorrowPolicyTest, RefusesBadReminder) {
  ExpectRuleFieldRefused(2, "remind_before", List({"P3D", "P1Y"}), "rules[2].remind_before[1]");
  ExpectRuleFieldRefused(2, "remind_before", List({"P3D", "PT72H"}), "rules[2].remind_before[1]");
  ExpectRuleFieldRefused(2, "remind_before", "P3D", "rules[2].remind_before");
}

TEST(BorrowPolicyTest, RefusesNegativeRenewals) {
  ExpectRuleFieldRefused(1, "renewals", -1, "rules[1].renewals");
}

TEST(BorrowPolicyTest, RefusesNonIntegerRenewals) {
  ExpectRuleFieldRefused(1, "renewals", 1.5, "rules[1].renewals");
  ExpectRuleFieldRefused(1, "renewals", "1", "rules[1].renewals");
  ExpectRuleFieldRefused(1, "renewals", true, "rules[1].renewals");
  ExpectRuleFieldRefused(1, "renewals", int64_t{1} << 40, "rules[1].renewals");
}

TEST(BorrowPolicyTest, RefusesRenewalsWithoutRenewalPeriod) {
  ExpectRefused(LoadEdited([](Poco::JSON::Object::Ptr t) { RuleOf(t, 1)->set("renewals", 1); }),
                "rules[1].renewal_period");
}

TEST(BorrowPolicyTest, RefusesEmptyKinds) {
  ExpectRuleFieldRefused(1, "kinds", Poco::JSON::Array::Ptr(new Poco::JSON::Array()),
                         "rules[1].kinds");
}

TEST(BorrowPolicyTest, RefusesUnknownKind) {
  ExpectRuleFieldRefused(1, "kinds", List({"reading_room", "email"}), "rules[1].kinds[1]");
  ExpectRuleFieldRefused(1, "kinds", List({"Paper"}), "rules[1].kinds[0]");
  ExpectRuleFieldRefused(1, "kinds", List({"paper", "paper"}), "rules[1].kinds[1]");
  ExpectRuleFieldRefused(1, "kinds", "paper", "rules[1].kinds");
}

TEST(BorrowPolicyTest, RefusesUnknownApprovalStep) {
  ExpectRuleFieldRefused(1, "approval_chain", List({"admin"}), "rules[1].approval_chain[0]");
  ExpectRuleFieldRefused(1, "approval_chain", List({"legal", "ceo"}), "rules[1].approval_chain[1]");
}

TEST(BorrowPolicyTest, RefusesDuplicateApprovalStep) {
  ExpectRuleFieldRefused(1, "approval_chain", List({"legal", "dept_manager", "legal"}),
                         "rules[1].approval_chain[2]");
}

TEST(BorrowPolicyTest, RefusesUnknownClassification) {
  ExpectRuleFieldRefused(1, "classifications", List({"secret"}), "rules[1].classifications[0]");
  ExpectRuleFieldRefused(1, "classifications", List({"internal", "Confidential"}),
                         "rules[1].classifications[1]");
}

TEST(BorrowPolicyTest, RefusesEmptyOrNonStringMatchEntry) {
  ExpectRuleFieldRefused(0, "doc_types", List({"contract", ""}), "rules[0].doc_types[1]");
  ExpectRuleFieldRefused(0, "departments", List({""}), "rules[0].departments[0]");
  auto numbers = Poco::JSON::Array::Ptr(new Poco::JSON::Array());
  numbers->add(3);
  ExpectRuleFieldRefused(0, "departments", numbers, "rules[0].departments[0]");
}

}  // namespace
}  // namespace vault