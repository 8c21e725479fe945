#include "vault/documents/field_dictionary.h"
#include "tests/support/status_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vault {
namespace {

using testing::StatusIs;

using ::testing::HasSubstr;

DocumentMetadata Good() {
  DocumentMetadata m;
  m.customer_number = "C-0001";
  m.doc_type = "合同";
  m.title = "2026 年度框架合同";
  m.fields["contact_phone"] = "0755-86013388";
  m.fields["contract_date"] = "2026-02-28";
  return m;
}

Status Check(DocumentMetadata m) { return FieldDictionary::Default().Validate(m); }

TEST(FieldDictionaryTest, AcceptsGoodMetadataAndNormalizesType) {
  DocumentMetadata m = Good();
  ASSERT_TRUE(FieldDictionary::Default().Validate(m).ok());
  EXPECT_EQ(m.doc_type, "contract");
  EXPECT_EQ(m.classification, "internal");
  for (const char* t : {"HT", "contract", "合同"}) {
    EXPECT_EQ(FieldDictionary::Default().FindType(t)->code, "HT");
  }
}

TEST(FieldDictionaryTest, ErrorsNameTheField) {
  struct Case {
    const char* field;
    std::function<void(DocumentMetadata&)> spoil;
  };
  std::vector<Case> cases = {
      {"doc_type", [](DocumentMetadata& m) { m.doc_type = "poem"; }},
      {"customer_number", [](DocumentMetadata& m) { m.customer_number.clear(); }},
      {"customer_number", [](DocumentMetadata& m) { m.customer_number = "C_01"; }},
      {"title", [](DocumentMetadata& m) { m.title = std::string(201, 'x'); }},
      {"title", [](DocumentMetadata& m) { m.title = "bad \xff\xfe utf8"; }},
      {"title", [](DocumentMetadata& m) { m.title = "line\nbreak"; }},
      {"customer_name", [](DocumentMetadata& m) { m.customer_name = "\xc0\xaf"; }},  // overlong
      {"contact_phone", [](DocumentMetadata& m) { m.fields["contact_phone"] = "86013388"; }},
      {"contact_phone", [](DocumentMetadata& m) { m.fields["contact_phone"] = "(0755)8601-3388"; }},
      {"contract_date", [](DocumentMetadata& m) { m.fields["contract_date"] = "2026-02-30"; }},
      {"contract_date", [](DocumentMetadata& m) { m.fields["contract_date"] = "2026/02/01"; }},
      {"classification", [](DocumentMetadata& m) { m.classification = "secret"; }},
      {"id_card", [](DocumentMetadata& m) { m.fields["id_card"] = "1"; }},
      {"amount", [](DocumentMetadata& m) { m.fields["amount"] = "12,000"; }},
      {"contact_email", [](DocumentMetadata& m) { m.fields["contact_email"] = "a@b.c\x1b[2J"; }},
      {"contact_email", [](DocumentMetadata& m) { m.fields["contact_email"] = "a@b.c\xff"; }},
  };
  for (const auto& c : cases) {
    DocumentMetadata m = Good();
    c.spoil(m);
    Status s = Check(m);
    EXPECT_THAT(s, StatusIs(StatusCode::kInvalidArgument, "field.invalid")) << c.field;
    EXPECT_THAT(s.message(), HasSubstr(std::string(c.field) + ":")) << s.message();
  }
}

TEST(FieldDictionaryTest, ReportsEveryBadFieldAtOnce) {
  DocumentMetadata m = Good();
  m.doc_type = "poem";
  m.title.clear();
  Status s = Check(m);
  EXPECT_THAT(s.message(), HasSubstr("doc_type:"));
  EXPECT_THAT(s.message(), HasSubstr("title:"));
}

TEST(FieldDictionaryTest, TitleLimitCountsCharactersNotBytes) {
  DocumentMetadata m = Good();
  m.title.clear();
  for (int i = 0; i < 200; ++i) m.title += "合";
  EXPECT_TRUE(Check(m).ok());
  m.title += "同";
  EXPECT_FALSE(Check(m).ok());
}

TEST(FieldDictionaryTest, PhoneFormats) {
  for (const char* ok : {"0755-86013388", "010-12345678", "+86-755-86013388", "13800138000"}) {
    EXPECT_TRUE(FieldDictionary::IsValidPhone(ok)) << ok;
  }
  for (const char* bad : {"", "12345", "0755 86013388", "075586013388", "+86 755 8601", "0755-8601338a",
                          "12800138000"}) {
    EXPECT_FALSE(FieldDictionary::IsValidPhone(bad)) << bad;
  }
}

TEST(FieldDictionaryTest, Dates) {
  EXPECT_TRUE(FieldDictionary::IsValidDate("2024-02-29"));
  EXPECT_FALSE(FieldDictionary::IsValidDate("2023-02-29"));
  EXPECT_FALSE(FieldDictionary::IsValidDate("2023-13-01"));
  EXPECT_FALSE(FieldDictionary::IsValidDate("23-01-01"));
}

TEST(FieldDictionaryTest, RejectsBrokenPolicy) {
  EXPECT_THAT(FieldDictionary::FromJson("{"), StatusIs(StatusCode::kInvalidArgument, "policy.invalid"));
  EXPECT_THAT(FieldDictionary::FromJson("{}"), StatusIs(StatusCode::kInvalidArgument, "policy.invalid"));
}

TEST(FieldDictionaryTest, CheckGivesEachFieldAStableReason) {
  DocumentMetadata m = Good();
  m.customer_number = "C_01";
  m.title = std::string(201, 'x');
  m.business_stage = "maybe";
  m.fields["contact_phone"] = "86013388";
  m.fields["contact_email"] = "nobody";
  m.fields["id_card"] = "1";
  std::vector<std::string> got;
  for (const FieldError& e : FieldDictionary::Default().Check(m)) {
    got.push_back(e.field + "=" + e.reason + (e.free ? " free" : "") + (e.max ? " " + std::to_string(e.max) : ""));
  }
  EXPECT_THAT(got, ::testing::UnorderedElementsAre("customer_number=bad_customer_number", "title=too_long 200",
                                                   "business_stage=unknown_stage", "contact_phone=phone free",
                                                   "contact_email=email free", "id_card=unknown_field free"));
  DocumentMetadata good = Good();
  EXPECT_TRUE(FieldDictionary::Default().Check(good).empty());
  EXPECT_EQ(good.doc_type, "contract");
}

}  // namespace
}  // namespace vault
