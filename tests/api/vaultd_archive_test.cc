// The archive admins' routes over real HTTP: the field dictionary for the
// ingest form (GET /api/v1/fields), metadata checked before the file is
// sent (POST /api/v1/documents/validation), per-field errors of an upload
// and of a new version, the loans board's filters on GET /api/v1/borrows
// (due_within, suspended) and the register as JSON; each with the refusal
// of a role that may not use it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/pdf_fixtures.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::Reply;

// The "fields" of a field.invalid answer as "field=reason" strings.
std::vector<std::string> FieldErrors(const Reply& r) {
  std::vector<std::string> out;
  auto fields = r.json()->getObject("error")->getArray("fields");
  for (size_t i = 0; fields && i < fields->size(); ++i) {
    auto f = fields->getObject(static_cast<unsigned>(i));
    out.push_back(f->getValue<std::string>("field") + "=" + f->getValue<std::string>("reason"));
  }
  return out;
}

class VaultdArchiveTest : public testing::VaultdUploadTest {};

TEST_F(VaultdArchiveTest, TheFieldDictionaryIsForThoseWhoCreateOrReadRecords) {
  Reply r = Call("GET", "/api/v1/fields", Login("archivist"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = r.json();
  EXPECT_EQ(o->getArray("document_types")->getObject(0)->getValue<std::string>("code"), "HT");
  EXPECT_EQ(o->getArray("classifications")->size(), 3u);
  EXPECT_EQ(o->getArray("retention_classes")->size(), 5u);
  EXPECT_EQ(o->getObject("limits")->getValue<int>("title_max_chars"), 200);
  EXPECT_THAT(r.body, HasSubstr(R"({"kind":"phone","label":"联系电话","name":"contact_phone"})"));
  EXPECT_THAT(r.body, HasSubstr("联系电话"));
  EXPECT_FALSE(o->has("description"));
  EXPECT_EQ(Call("GET", "/api/v1/fields", Login("staff_s")).status, 200);  // document.metadata
  Reply admin = Call("GET", "/api/v1/fields", Login("admin1"));
  EXPECT_EQ(admin.status, 403);
  EXPECT_EQ(admin.error_code(), "access.denied");
  EXPECT_EQ(Call("GET", "/api/v1/fields").status, 401);
}

TEST_F(VaultdArchiveTest, ValidationAnswersEveryBadFieldWithAStableReasonAndStoresNothing) {
  const std::string archivist = Login("archivist");
  Reply bad = Call("POST", "/api/v1/documents/validation", archivist,
                   R"({"customer":"C_1","type":"poem","title":"","classification":"secret","retention":"7y",)"
                   R"("fields":{"contact_phone":"86013388","contract_date":"2026-02-30","amount":"12,000","x":"1"}})");
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.error_code(), "field.invalid");
  EXPECT_THAT(FieldErrors(bad),
              ::testing::UnorderedElementsAre("customer=bad_customer_number", "type=unknown_type", "title=required",
                                              "classification=unknown_classification", "retention=unknown_retention",
                                              "fields.contact_phone=phone", "fields.contract_date=date",
                                              "fields.amount=decimal", "fields.x=unknown_field"));
  Reply longer = Call("POST", "/api/v1/documents/validation", archivist,
                      R"({"customer":"C1","type":"HT","title":")" + std::string(201, 'x') + "\"}");
  ASSERT_EQ(longer.status, 400);
  auto f = longer.json()->getObject("error")->getArray("fields")->getObject(0);
  EXPECT_EQ(f->getValue<std::string>("reason"), "too_long");
  EXPECT_EQ(f->getValue<int>("max"), 200);

  Reply good = Call("POST", "/api/v1/documents/validation", archivist, kMeta);
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_TRUE(good.json()->getValue<bool>("valid"));
  EXPECT_EQ(good.json()->getValue<std::string>("type"), "contract");
  EXPECT_EQ(Call("POST", "/api/v1/documents/validation", archivist, "[1]").error_code(), "request.bad_json");
  EXPECT_EQ(Call("POST", "/api/v1/documents/validation", archivist, R"({"colour":"red"})").error_code(),
            "request.unknown_field");
  for (const char* user : {"staff_s", "manager_s", "legal1", "auditor1", "admin1"}) {
    Reply r = Call("POST", "/api/v1/documents/validation", Login(user), kMeta);
    EXPECT_EQ(r.status, 403) << user;
  }
  ExpectNothingNewStored();
}

TEST_F(VaultdArchiveTest, AnUploadWithBadFieldsAnswersThemFieldByField) {
  Reply r = Upload(Login("archivist"),
                   testing::Multipart(R"({"customer":"C002","type":"HT","title":"t","fields":{"contact_phone":"12"}})",
                                      "content", "a.pdf"));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.error_code(), "field.invalid");
  EXPECT_THAT(FieldErrors(r), ::testing::ElementsAre("fields.contact_phone=phone"));
  ExpectNothingNewStored();
}

TEST_F(VaultdArchiveTest, ANewVersionNeedsAReasonNamedAsAField) {
  const std::string path = "/api/v1/documents/" + south_.id + "/versions";
  const std::string b = "vaultBoundary7MA4YWxkTrZu0gW";
  const std::string no_reason = "--" + b + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}\r\n--" + b +
                                "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"v.pdf\"\r\n\r\nv2\r\n--" +
                                b + "--\r\n";
  Reply r = Upload(Login("archivist"), no_reason, path);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(FieldErrors(r), ::testing::ElementsAre("reason=required"));
  EXPECT_EQ(lv_->vault().Versions(south_.id)->size(), 1u);
}

class VaultdBoardTest : public testing::VaultdTest {
 protected:
  void ConfigureVault(LocalVaultConfig& config) override { config.clock = &clock_; }
  void Configure(vaultd::ServerOptions& opts) override {
    opts.clock = &clock_;
    opts.borrow_schedule_seconds = 0;
  }

  // A loan of `doc` by staff_s for `period`, approved by the manager and
  // issued by the archivist; its id.
  std::string Issued(const DocumentRecord& doc, const std::string& period) {
    Reply req = Call("POST", "/api/v1/borrows", Login("staff_s"),
                     R"({"documents":[")" + doc.id + R"("],"purpose":"看板","period":")" + period +
                         R"(","kind":"electronic"})");
    EXPECT_EQ(req.status, 201) << req.body;
    const std::string id = req.json()->getValue<std::string>("id");
    EXPECT_EQ(Call("POST", "/api/v1/borrows/" + id + "/approve", Login("manager_s"), "{}").status, 200);
    EXPECT_EQ(Call("POST", "/api/v1/borrows/" + id + "/issue", Login("archivist")).status, 200);
    return id;
  }

  DocumentRecord Pdf(const std::string& title) {
    IngestRequest r;
    r.meta.customer_number = "C007";
    r.meta.doc_type = "quotation";  // the default rule: suspended 14 days overdue
    r.meta.title = title;
    r.meta.department = "华南销售部";
    r.meta.classification = "internal";
    StringSource src(testing::MakePdf({{}}));
    return std::move(lv_->vault().Ingest(r, src)).value();
  }

  std::vector<std::string> Ids(const std::string& query, const std::string& token) {
    Reply r = Call("GET", "/api/v1/borrows?" + query, token);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    std::vector<std::string> out;
    if (r.status != 200) return out;
    auto items = r.json()->getArray("items");
    for (size_t i = 0; i < items->size(); ++i) out.push_back(items->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"));
    return out;
  }

  FakeClock clock_{std::chrono::system_clock::now()};
};

TEST_F(VaultdBoardTest, DueWithinAndSuspendedFilterEveryonesLoans) {
  ASSERT_TRUE(lv_->identity().AssignCustomer("staff_s", "C007").ok());
  const std::string soon = Issued(Pdf("两天后到期"), "P2D");
  const std::string later = Issued(Pdf("十天后到期"), "P10D");
  const std::string archivist = Login("archivist");
  EXPECT_THAT(Ids("all=1&due_within=P3D", archivist), ::testing::ElementsAre(soon));
  EXPECT_THAT(Ids("all=1&due_within=P30D", archivist), ::testing::UnorderedElementsAre(soon, later));
  EXPECT_THAT(Ids("all=1&state=issued&due_within=PT1H", archivist), ::testing::IsEmpty());
  EXPECT_THAT(Ids("all=1&suspended=1", archivist), ::testing::IsEmpty());
  EXPECT_EQ(Call("GET", "/api/v1/borrows?all=1&due_within=3days", archivist).error_code(), "request.bad_parameter");
  EXPECT_EQ(Call("GET", "/api/v1/borrows?all=1&due_within=PT0S", archivist).error_code(), "request.bad_parameter");

  // Fifteen days on, the first loan is 13 days overdue and the second 5:
  // neither has suspended its borrower yet; two days more and the first has.
  clock_.Advance(std::chrono::hours(24 * 15));
  ASSERT_TRUE(server_->borrows()->RunSchedule().ok());
  clock_.Advance(std::chrono::hours(24 * 2));
  ASSERT_TRUE(server_->borrows()->RunSchedule().ok());
  const std::string fresh = Login("archivist");
  EXPECT_THAT(Ids("all=1&suspended=1", fresh), ::testing::ElementsAre(soon));
  EXPECT_THAT(Ids("all=1&state=overdue&due_within=P1D", fresh), ::testing::UnorderedElementsAre(soon, later));
  // The filters do not widen what a role sees: staff get their own loans
  // only, and everyone's is refused to them.
  const std::string staff = Login("staff_s");
  EXPECT_THAT(Ids("suspended=1", staff), ::testing::ElementsAre(soon));
  EXPECT_EQ(Call("GET", "/api/v1/borrows?all=1&suspended=1", staff).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/borrows?all=1&due_within=P3D", Login("manager_s")).status, 403);
}

TEST_F(VaultdBoardTest, TheRegisterAsJsonHasItsTwelveColumnsAndCodes) {
  ASSERT_TRUE(lv_->identity().AssignCustomer("staff_s", "C007").ok());
  const std::string id = Issued(Pdf("登记簿合同"), "P7D");
  for (const char* user : {"archivist", "auditor1"}) {
    Reply r = Call("GET", "/api/v1/borrows/register?format=json", Login(user));
    ASSERT_EQ(r.status, 200) << r.body;
    auto items = r.json()->getArray("items");
    ASSERT_EQ(items->size(), 1u);
    auto row = items->getObject(0);
    for (const char* column : {"borrower", "department", "title", "archive_number", "classification", "purpose",
                               "approvers", "borrowed_at", "due_at", "returned_at", "state", "note"}) {
      EXPECT_TRUE(row->has(column)) << column;
    }
    EXPECT_EQ(row->getValue<std::string>("title"), "登记簿合同");
    EXPECT_EQ(row->getValue<std::string>("classification"), "内部");
    EXPECT_EQ(row->getValue<std::string>("classification_code"), "internal");
    EXPECT_EQ(row->getValue<std::string>("state_code"), "issued");
    EXPECT_EQ(row->getValue<std::string>("borrow_id"), id);
    EXPECT_EQ(row->getValue<std::string>("approvers"), "manager_s");
  }
  for (const char* user : {"staff_s", "manager_s", "legal1", "admin1"}) {
    EXPECT_EQ(Call("GET", "/api/v1/borrows/register?format=json", Login(user)).status, 403) << user;
  }
  EXPECT_EQ(Call("GET", "/api/v1/borrows/register?format=xml", Login("archivist")).status, 400);
}

}  // namespace
}  // namespace vault
