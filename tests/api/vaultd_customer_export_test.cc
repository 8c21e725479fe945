// A data subject's ZIP export (GET /api/v1/customers/{customer}/export)
// goes through the same decision and export path as a single export: an
// overdue loan of the caller refuses the copy, every copy is audited as an
// export, and every page of the customer's records is read.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/StreamCopier.h>
#include <Poco/Zip/ZipArchive.h>
#include <Poco/Zip/ZipStream.h>

#include <sstream>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/pdf_fixtures.h"

namespace vault {
namespace {

using testing::Reply;

class CustomerExportTest : public testing::VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.customer_export_page_size = 2; }

  std::string PutPdf(const std::string& customer, const std::string& title) {
    IngestRequest r;
    r.meta.customer_number = customer;
    r.meta.doc_type = "contract";
    r.meta.title = title;
    r.meta.department = "华南销售部";
    r.meta.classification = "internal";
    StringSource src(testing::MakePdf({{}}));
    return std::move(lv_->vault().Ingest(r, src)).value().id;
  }

  // The records of metadata.json, by document id, and the number of copies.
  static std::map<std::string, Poco::JSON::Object::Ptr> Records(const std::string& zip, int* copies) {
    std::istringstream in(zip);
    Poco::Zip::ZipArchive archive(in);
    *copies = 0;
    for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) {
      *copies += it->first.rfind("copies/", 0) == 0;
    }
    auto header = archive.findHeader("metadata.json");
    EXPECT_NE(header, archive.headerEnd());
    std::map<std::string, Poco::JSON::Object::Ptr> out;
    if (header == archive.headerEnd()) return out;
    in.clear();
    Poco::Zip::ZipInputStream zin(in, header->second);
    std::string json;
    Poco::StreamCopier::copyToString(zin, json);
    Poco::JSON::Parser parser;
    auto records = parser.parse(json).extract<Poco::JSON::Object::Ptr>()->getArray("records");
    for (size_t i = 0; records && i < records->size(); ++i) {
      auto r = records->getObject(static_cast<unsigned>(i));
      out[r->getValue<std::string>("id")] = r;
    }
    return out;
  }
};

TEST_F(CustomerExportTest, CustomerExportReadsEveryPageOfRecords) {
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.insert(PutPdf("C777", "合同 " + std::to_string(i)));
  Reply zip = Call("GET", "/api/v1/customers/C777/export", Login("legal1"));
  ASSERT_EQ(zip.status, 200) << zip.body.substr(0, 200);
  int copies = 0;
  auto records = Records(zip.body, &copies);
  EXPECT_EQ(records.size(), 5u) << "three pages of two";
  EXPECT_EQ(copies, 5);
  for (const auto& id : ids) EXPECT_EQ(records.count(id), 1u) << id;
}

TEST_F(CustomerExportTest, CustomerExportAuditsEveryCopyAsAnExport) {
  for (int i = 0; i < 3; ++i) PutPdf("C778", "合同 " + std::to_string(i));
  Reply zip = Call("GET", "/api/v1/customers/C778/export", Login("legal1"));
  ASSERT_EQ(zip.status, 200) << zip.body.substr(0, 200);
  AuditFilter f;
  f.actor = "legal1";
  f.action = "document.export";
  f.limit = 100;
  int ok = 0;
  const std::vector<AuditEvent> events = std::move(lv_->audit().List(f)).value();
  for (const auto& e : events) ok += e.record.outcome == "ok";
  EXPECT_EQ(ok, 3) << "one export event per copy";
  EXPECT_EQ(lv_->exports().CountSince("legal1", "2000-01-01T00:00:00Z").value(), 3);
}

TEST_F(CustomerExportTest, CustomerExportRefusesTheCopyOfARecordUnderAnOverdueLoan) {
  const std::string late = PutPdf("C779", "逾期借阅的合同");
  const std::string fine = PutPdf("C779", "另一份合同");
  Borrow b;
  b.id = "JYOVERDUELOAN01";
  b.borrower = "legal1";
  b.borrower_department = "法务部";
  b.purpose = "诉讼";
  b.kind = "electronic";
  b.rule = "default";
  b.state = "overdue";
  b.requested_at = b.issued_at = "2026-01-01T00:00:00Z";
  b.due_at = "2026-01-15T00:00:00Z";
  BorrowItem item;
  item.document_id = late;
  item.archive_number = "x";
  b.items.push_back(item);
  ASSERT_TRUE(lv_->borrows().Insert(b).ok());
  EXPECT_EQ(Call("POST", "/api/v1/documents/" + late + "/exports", Login("legal1")).status, 403)
      << "a single export is refused";
  Reply zip = Call("GET", "/api/v1/customers/C779/export", Login("legal1"));
  ASSERT_EQ(zip.status, 200) << zip.body.substr(0, 200);
  int copies = 0;
  auto records = Records(zip.body, &copies);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(copies, 1);
  EXPECT_EQ(records.at(late)->getValue<std::string>("copy"), "");
  EXPECT_EQ(records.at(late)->getValue<std::string>("not_exported"), "borrow.overdue");
  EXPECT_NE(records.at(fine)->getValue<std::string>("copy"), "");
}

TEST_F(CustomerExportTest, CustomerExportIsDecidedByThePolicyEngine) {
  PutPdf("C780", "合同");
  EXPECT_EQ(Call("GET", "/api/v1/customers/C780/export", Login("staff_s")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/customers/C780/export", Login("manager_s")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/customers/C780/export", Login("archivist")).status, 200);
}

}  // namespace
}  // namespace vault
