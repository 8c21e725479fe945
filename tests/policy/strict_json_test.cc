// Every policy loader reads through the strict reader: a key it does not
// know, or a key written twice, refuses the file with the loader's reason
// code and a message naming the file and the key's path.
#include "vault/policy/strict_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vault/borrow/borrow_policy.h"
#include "vault/borrow/default_borrowing.h"
#include "vault/destruction/default_destruction.h"
#include "vault/destruction/destruction_policy.h"
#include "vault/documents/default_fields.h"
#include "vault/documents/field_dictionary.h"
#include "vault/export/default_watermark.h"
#include "vault/export/watermark_policy.h"
#include "vault/policy/default_roles.h"
#include "vault/policy/policy_engine.h"
#include "vault/retention/default_retention.h"
#include "vault/retention/retention_policy.h"

namespace vault {
namespace {

using ::testing::HasSubstr;

// `json` with `text` inserted before the first occurrence of `before`.
std::string Inserted(const std::string& json, const std::string& before, const std::string& text) {
  size_t at = json.find(before);
  EXPECT_NE(at, std::string::npos) << "the built-in policy no longer contains " << before;
  if (at == std::string::npos) return json;
  return json.substr(0, at) + text + json.substr(at);
}

void ExpectRefused(const Status& s, const std::string& reason, const std::string& message) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.reason(), reason);
  EXPECT_THAT(s.message(), HasSubstr(message));
}

// The built-in copies are what every edit below starts from.
TEST(StrictPolicyFilesTest, BuiltInPoliciesLoad) {
  EXPECT_TRUE(PolicyEngine::FromJson(kDefaultRolesJson).ok());
  EXPECT_TRUE(WatermarkPolicy::FromJson(kDefaultWatermarkJson).ok());
  EXPECT_TRUE(BorrowPolicy::FromJson(kDefaultBorrowingJson).ok());
  EXPECT_TRUE(RetentionPolicy::FromJson(kDefaultRetentionJson).ok());
  EXPECT_TRUE(DestructionPassesFromJson(kDefaultDestructionJson).ok());
  EXPECT_TRUE(FieldDictionary::FromJson(kDefaultFieldsJson).ok());
}

TEST(StrictPolicyFilesTest, RolesRefusesUnknownKey) {
  auto p = PolicyEngine::FromJson(Inserted(kDefaultRolesJson, "\"actions\": [\"user.manage\"", "\"scop\": \"all\", "));
  ExpectRefused(p.status(), "policy.invalid", "roles.json: roles.admin.grants[0].scop: unknown field");
}

TEST(StrictPolicyFilesTest, RolesRefusesRepeatedKey) {
  auto p = PolicyEngine::FromJson(
      Inserted(kDefaultRolesJson, "\"actions\": [\"user.manage\"", "\"scope\": \"department\", "));
  ExpectRefused(p.status(), "policy.invalid", "roles.json: roles.admin.grants[0].scope: field given twice");
}

TEST(StrictPolicyFilesTest, WatermarkRefusesUnknownKey) {
  auto p = WatermarkPolicy::FromJson(Inserted(kDefaultWatermarkJson, "\"opacity\"", "\"opacty\": 0.5, "));
  ExpectRefused(p.status(), "watermark.invalid", "watermark.json: layout.opacty: unknown field");
}

TEST(StrictPolicyFilesTest, WatermarkRefusesRepeatedKey) {
  auto p = WatermarkPolicy::FromJson(Inserted(kDefaultWatermarkJson, "\"opacity\"", "\"opacity\": 1, "));
  ExpectRefused(p.status(), "watermark.invalid", "watermark.json: layout.opacity: field given twice");
}

TEST(StrictPolicyFilesTest, BorrowingRefusesUnknownKey) {
  auto p = BorrowPolicy::FromJson(Inserted(kDefaultBorrowingJson, "\"max_period\"", "\"max_peroid\": \"P1D\", "));
  ExpectRefused(p.status(), "borrow.policy_invalid", "borrowing.json: rules[0].max_peroid: unknown field");
}

TEST(StrictPolicyFilesTest, BorrowingRefusesRepeatedKey) {
  auto p = BorrowPolicy::FromJson(Inserted(kDefaultBorrowingJson, "\"max_period\"", "\"max_period\": \"P99D\", "));
  ExpectRefused(p.status(), "borrow.policy_invalid", "borrowing.json: rules[0].max_period: field given twice");
}

TEST(StrictPolicyFilesTest, RetentionRefusesUnknownKey) {
  auto p = RetentionPolicy::FromJson(Inserted(kDefaultRetentionJson, "\"period\": \"P10Y\"", "\"years\": 10, "));
  ExpectRefused(p.status(), "retention.policy_invalid", "retention.json: rules.contract.years: unknown field");
}

TEST(StrictPolicyFilesTest, RetentionRefusesRepeatedKey) {
  auto p = RetentionPolicy::FromJson(
      Inserted(kDefaultRetentionJson, "\"period\": \"P10Y\"", "\"period\": \"P1Y\", "));
  ExpectRefused(p.status(), "retention.policy_invalid", "retention.json: rules.contract.period: field given twice");
}

TEST(StrictPolicyFilesTest, DestructionRefusesUnknownKey) {
  auto p = DestructionPassesFromJson(Inserted(kDefaultDestructionJson, "\"passes\"", "\"pases\": [], "));
  ExpectRefused(p.status(), "destruction.policy_invalid", "destruction.json: pases: unknown field");
}

TEST(StrictPolicyFilesTest, DestructionRefusesRepeatedKey) {
  auto p = DestructionPassesFromJson(Inserted(kDefaultDestructionJson, "\"passes\"", "\"passes\": [\"zeros\"], "));
  ExpectRefused(p.status(), "destruction.policy_invalid", "destruction.json: passes: field given twice");
}

TEST(StrictPolicyFilesTest, FieldsRefusesUnknownKey) {
  auto d = FieldDictionary::FromJson(Inserted(kDefaultFieldsJson, "\"kind\": \"phone\"", "\"lable\": \"x\", "));
  ExpectRefused(d.status(), "policy.invalid", "fields.json: fields[1].lable: unknown field");
}

TEST(StrictPolicyFilesTest, FieldsRefusesRepeatedKey) {
  auto d = FieldDictionary::FromJson(Inserted(kDefaultFieldsJson, "\"kind\": \"phone\"", "\"kind\": \"text\", "));
  ExpectRefused(d.status(), "policy.invalid", "fields.json: fields[1].kind: field given twice");
}

// The reader itself, on a small shape.
const PolicyFileSpec& TestFile() {
  using S = JsonShape;
  static const PolicyFileSpec spec{
      "test.json", "test.invalid",
      S::Object({{"version", S::Version1()},
                 {"items", S::List(S::Object({{"name", S::String()}, {"weight", S::Number()}}))},
                 {"flags", S::Map(S::Boolean())},
                 {"labels", S::List(S::Either(S::String(), S::Object({{"key", S::String()}})))}})};
  return spec;
}

TEST(StrictJsonTest, AcceptsWhatTheShapeAllows) {
  auto o = ReadStrictJson(
      R"({"version": 1, "items": [{"name": "a", "weight": 2.5}, {"weight": 3}], "flags": {"x": true},
          "labels": ["a", {"key": "b"}]})",
      TestFile());
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ((*o)->getArray("items")->size(), 2u);
}

TEST(StrictJsonTest, RefusesInvalidJsonNamingTheFile) {
  ExpectRefused(ReadStrictJson("{\"version\": 1,", TestFile()).status(), "test.invalid", "test.json: not valid JSON");
}

TEST(StrictJsonTest, RefusesTopLevelOtherThanObject) {
  ExpectRefused(ReadStrictJson("[]", TestFile()).status(), "test.invalid",
                "test.json: the top level must be a JSON object");
  // Poco's parser refuses a bare scalar itself.
  for (const char* text : {"1", "\"x\"", "null"}) {
    ExpectRefused(ReadStrictJson(text, TestFile()).status(), "test.invalid", "test.json: ");
  }
}

TEST(StrictJsonTest, RefusesRepeatedKeyInsideListNamingItsPath) {
  ExpectRefused(ReadStrictJson(R"({"items": [{"name": "a"}, {"name": "b", "name": "c"}]})", TestFile()).status(),
                "test.invalid", "test.json: items[1].name: field given twice");
}

TEST(StrictJsonTest, RefusesRepeatedKeyAfterNestedValues) {
  ExpectRefused(
      ReadStrictJson(R"({"items": [{"name": "a"}], "flags": {"x": true}, "items": []})", TestFile()).status(),
      "test.invalid", "test.json: items: field given twice");
}

TEST(StrictJsonTest, RefusesRepeatedKeyWrittenWithAnEscape) {
  ExpectRefused(ReadStrictJson(R"({"flags": {"x": true, "\u0078": false}})", TestFile()).status(), "test.invalid",
                "test.json: flags.x: field given twice");
}

TEST(StrictJsonTest, RefusesWrongTypes) {
  ExpectRefused(ReadStrictJson(R"({"version": "1"})", TestFile()).status(), "test.invalid",
                "test.json: version: must be 1");
  ExpectRefused(ReadStrictJson(R"({"version": true})", TestFile()).status(), "test.invalid",
                "test.json: version: must be 1");
  ExpectRefused(ReadStrictJson(R"({"items": {}})", TestFile()).status(), "test.invalid",
                "test.json: items: must be a list");
  ExpectRefused(ReadStrictJson(R"({"items": [{"name": 3}]})", TestFile()).status(), "test.invalid",
                "test.json: items[0].name: must be a string");
  ExpectRefused(ReadStrictJson(R"({"items": [{"weight": true}]})", TestFile()).status(), "test.invalid",
                "test.json: items[0].weight: must be a number");
  ExpectRefused(ReadStrictJson(R"({"flags": {"x": 1}})", TestFile()).status(), "test.invalid",
                "test.json: flags.x: must be true or false");
  ExpectRefused(ReadStrictJson(R"({"labels": [1]})", TestFile()).status(), "test.invalid",
                "test.json: labels[0]: must be an object");
}

TEST(StrictJsonTest, RefusesUnknownKeyInsideEitherBranch) {
  ExpectRefused(ReadStrictJson(R"({"labels": [{"key": "a", "nme": "b"}]})", TestFile()).status(), "test.invalid",
                "test.json: labels[0].nme: unknown field");
}

}  // namespace
}  // namespace vault
