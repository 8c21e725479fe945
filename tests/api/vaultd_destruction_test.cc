// Destruction end to end through vaultd: a customer's erasure request,
// approved by legal (a second person) with a witness, executed; the
// certificate files fetched over HTTP verify with openssl and minisign
// against the keys the server publishes, and fail after one changed byte;
// the blob is gone and the content routes answer 410 with the certificate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Zip/ZipArchive.h>

#include <boost/filesystem.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/test_database.h"
#include "tests/support/pdf_fixtures.h"
#include "vault/base/hex.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::Reply;

class VaultdDestructionTest : public testing::VaultdTest {};

TEST_F(VaultdDestructionTest, AnErasureRequestDestroysTheRecordWithAVerifiableCertificate) {
  const std::string archivist = Login("archivist"), lawyer = Login("legal1");
  const std::string marker = "E2E-PLAINTEXT-MARKER-53c1d9";
  IngestRequest r;
  r.meta.customer_number = "C001";
  r.meta.doc_type = "contract";
  r.meta.title = "marked contract";
  r.meta.department = "华南销售部";
  r.meta.classification = "internal";
  StringSource src("contract body " + marker);
  const DocumentRecord marked = std::move(lv_->vault().Ingest(r, src)).value();
  const std::string blob = lv_->blobs().PathOf(lv_->vault().Versions(south_.id)->at(0).blob_name);
  auto wrapped = lv_->metadata().GetWrappedKey(marked.id, 1);
  ASSERT_TRUE(wrapped.ok());
  const std::string wrapped_hex = vault::HexEncode(wrapped->bytes.data(), wrapped->bytes.size());
  ASSERT_TRUE(boost::filesystem::exists(blob));
  // Under retention, an ordinary request is refused; a customer request goes on.
  Reply early = Call("POST", "/api/v1/destructions", archivist,
                     R"({"documents":[")" + south_.id + R"("],"reason":"retention_expired","reference":"纪要"})");
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.error_code(), "destruction.protected");
  Reply req = Call("POST", "/api/v1/destructions", archivist,
                   R"({"documents":[")" + south_.id + R"(",")" + marked.id +
                       R"("],"reason":"customer_request","reference":"客户来函"})");
  ASSERT_EQ(req.status, 201) << req.body;
  const std::string id = req.json()->getValue<std::string>("id");
  EXPECT_EQ(req.json()->getValue<std::string>("state"), "requested");
  EXPECT_EQ(Call("POST", "/api/v1/destructions/" + id + "/approve", archivist, R"({"witness":"王监销"})").status, 403)
      << "not the requester";
  Reply approved = Call("POST", "/api/v1/destructions/" + id + "/approve", lawyer, R"({"witness":"王监销"})");
  ASSERT_EQ(approved.status, 200) << approved.body;
  Reply done = Call("POST", "/api/v1/destructions/" + id + "/execute", archivist);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()->getValue<std::string>("state"), "completed");
  const std::string cert = done.json()->getValue<std::string>("certificate");
  ASSERT_EQ(cert.rfind("CERT-", 0), 0u);
  EXPECT_FALSE(boost::filesystem::exists(blob));
  // Neither the content nor the data key is left in any file of the data
  // directory (the fixture's content is this plain text).
  for (auto& e : boost::filesystem::recursive_directory_iterator(config_.data_dir)) {
    if (!boost::filesystem::is_regular_file(e.path())) continue;
    const std::string bytes = testing::ReadFile(e.path().string());
    EXPECT_EQ(bytes.find(marker), std::string::npos) << e.path();
    EXPECT_EQ(bytes.find(wrapped_hex), std::string::npos) << e.path();
  }
  // The content routes answer 410 Gone, naming the certificate.
  Reply gone = Call("GET", "/api/v1/documents/" + south_.id + "/content", archivist);
  EXPECT_EQ(gone.status, 410);
  EXPECT_EQ(gone.error_code(), "document.destroyed");
  EXPECT_THAT(gone.body, HasSubstr(cert));
  EXPECT_EQ(Call("POST", "/api/v1/documents/" + south_.id + "/exports", archivist).status, 410);
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id, archivist).status, 200) << "the ghost stays listed";
  // Stock tools verify what the API serves, with the published keys.
  const std::string auditor = Login("auditor1");
  const std::string d = dir_.path();
  auto fetch = [&](const std::string& path, const std::string& file) {
    Reply r = Call("GET", path, auditor);
    EXPECT_EQ(r.status, 200) << path << " " << r.body.substr(0, 300);
    std::ofstream out(d + "/" + file, std::ios::binary);
    out << r.body;
    return r.body;
  };
  const std::string json = fetch("/api/v1/certificates/" + cert + ".json", "cert.json");
  fetch("/api/v1/certificates/" + cert + ".sig", "cert.json.sig");
  fetch("/api/v1/certificates/" + cert + ".minisig", "cert.json.minisig");
  fetch("/api/v1/keys/signing.pem", "signing.pem");
  fetch("/api/v1/keys/signing.pub", "vault.pub");
  const std::string pdf = fetch("/api/v1/certificates/" + cert + ".pdf", "cert.pdf");
  EXPECT_THAT(json, HasSubstr(south_.archive_number));
  EXPECT_THAT(json, HasSubstr("王监销"));
  const std::string openssl = "openssl pkeyutl -verify -pubin -inkey " + d + "/signing.pem -rawin -in " + d +
                              "/cert.json -sigfile " + d + "/cert.json.sig >/dev/null 2>&1";
  const std::string minisign = "minisign -Vm " + d + "/cert.json -p " + d + "/vault.pub >/dev/null 2>&1";
  EXPECT_EQ(std::system(openssl.c_str()), 0);
  EXPECT_EQ(std::system(minisign.c_str()), 0);
  std::string changed = json;
  changed[changed.size() / 3] ^= 1;
  {
    std::ofstream out(d + "/cert.json", std::ios::binary);
    out << changed;
  }
  EXPECT_NE(std::system(openssl.c_str()), 0);
  EXPECT_NE(std::system(minisign.c_str()), 0);
  std::string text = testing::RunTool("pdftotext -raw {} -", pdf, d);
  text.erase(std::remove_if(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }), text.end());
  EXPECT_THAT(text, HasSubstr(cert));
  EXPECT_THAT(text, HasSubstr(south_.archive_number));
  Reply list = Call("GET", "/api/v1/certificates", auditor);
  ASSERT_EQ(list.status, 200);
  EXPECT_THAT(list.body, HasSubstr(cert));
  // The verify route: the genuine file and signature, then a changed byte.
  const std::string sig_hex = [&] {
    std::string raw = Call("GET", "/api/v1/certificates/" + cert + ".sig", auditor).body;
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : raw) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    return out;
  }();
  auto verify_body = [&](const std::string& file) {
    Poco::JSON::Object o;
    o.set("certificate", file);
    o.set("signature", sig_hex);
    std::ostringstream out;
    o.stringify(out);
    return out.str();
  };
  Reply ok = Call("POST", "/api/v1/certificates/verify", auditor, verify_body(json));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(ok.json()->getValue<bool>("signature_valid"));
  EXPECT_TRUE(ok.json()->getValue<bool>("known"));
  EXPECT_TRUE(ok.json()->getValue<bool>("chain_intact"));
  Reply bad = Call("POST", "/api/v1/certificates/verify", auditor, verify_body(changed));
  ASSERT_EQ(bad.status, 200);
  EXPECT_FALSE(bad.json()->getValue<bool>("signature_valid"));
  EXPECT_FALSE(bad.json()->getValue<bool>("known"));
  // The destruction register (销毁清册).
  Reply reg = Call("GET", "/api/v1/destructions/register?format=csv", auditor);
  ASSERT_EQ(reg.status, 200);
  EXPECT_THAT(reg.body, HasSubstr("监销人"));
  EXPECT_THAT(reg.body, HasSubstr(south_.archive_number));
  EXPECT_THAT(reg.body, HasSubstr("王监销"));
}

TEST_F(VaultdDestructionTest, AnErasurePreviewShowsWhatIsProtectedAndOnlyTheRestIsDestroyed) {
  const std::string archivist = Login("archivist"), lawyer = Login("legal1");
  // A hold on one of the customer's records.
  Reply hold = Call("POST", "/api/v1/holds", lawyer,
                    R"({"scope":"document","target":")" + south_.id + R"(","reason":"证据保全"})");
  ASSERT_EQ(hold.status, 201) << hold.body;
  Reply preview = Call("GET", "/api/v1/customers/C001/erasure", archivist);
  ASSERT_EQ(preview.status, 200) << preview.body;
  auto records = preview.json()->getArray("records");
  ASSERT_EQ(records->size(), 3u);
  int erasable = 0;
  for (size_t i = 0; i < records->size(); ++i) {
    auto r = records->getObject(static_cast<unsigned>(i));
    if (r->getValue<bool>("erasable")) {
      ++erasable;
    } else {
      EXPECT_EQ(r->getValue<std::string>("document"), south_.id);
      EXPECT_THAT(r->getArray("protected_by")->getElement<std::string>(0), HasSubstr("证据保全"));
    }
  }
  EXPECT_EQ(erasable, 2);
  Reply req = Call("POST", "/api/v1/customers/C001/erasure", archivist, R"({"reference":"客户删除申请 2026-11"})");
  ASSERT_EQ(req.status, 201) << req.body;
  const std::string id = req.json()->getValue<std::string>("id");
  EXPECT_EQ(req.json()->getArray("items")->size(), 2u);
  ASSERT_EQ(Call("POST", "/api/v1/destructions/" + id + "/approve", lawyer, R"({"witness":"监销人甲"})").status, 200);
  Reply done = Call("POST", "/api/v1/destructions/" + id + "/execute", archivist);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + east_.id + "/content", archivist).status, 410);
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + secret_.id + "/content", archivist).status, 410);
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id + "/content", archivist).status, 200) << "the held one stays";
}

TEST_F(VaultdDestructionTest, HoldsAreForLegalAndBlockDestruction) {
  const std::string archivist = Login("archivist"), lawyer = Login("legal1");
  EXPECT_EQ(Call("POST", "/api/v1/holds", archivist, R"({"scope":"customer","target":"C001","reason":"诉讼"})").status,
            403);
  Reply hold = Call("POST", "/api/v1/holds", lawyer, R"({"scope":"customer","target":"C001","reason":"2026民初123号"})");
  ASSERT_EQ(hold.status, 201) << hold.body;
  Reply req = Call("POST", "/api/v1/destructions", archivist,
                   R"({"documents":[")" + east_.id + R"("],"reason":"customer_request","reference":"客户来函"})");
  EXPECT_EQ(req.status, 409);
  EXPECT_THAT(req.body, HasSubstr("legal hold"));
  const std::string hold_id = std::to_string(hold.json()->getValue<int64_t>("id"));
  EXPECT_EQ(Call("POST", "/api/v1/holds/" + hold_id + "/release", lawyer).status, 204);
  EXPECT_EQ(Call("POST", "/api/v1/destructions", archivist,
                 R"({"documents":[")" + east_.id + R"("],"reason":"customer_request","reference":"客户来函"})")
                .status,
            201);
}

TEST_F(VaultdDestructionTest, ACustomersRecordsExportAsAZipOfMetadataAndStampedCopies) {
  const std::string lawyer = Login("legal1");
  IngestRequest r;
  r.meta.customer_number = "C001";
  r.meta.doc_type = "contract";
  r.meta.title = "客户合同 PDF";
  r.meta.department = "华南销售部";
  r.meta.classification = "internal";
  StringSource src(testing::MakePdf({{}}));
  ASSERT_TRUE(lv_->vault().Ingest(r, src).ok());
  Reply zip = Call("GET", "/api/v1/customers/C001/export", lawyer);
  ASSERT_EQ(zip.status, 200) << zip.body.substr(0, 200);
  std::istringstream in(zip.body);
  Poco::Zip::ZipArchive archive(in);
  std::vector<std::string> names;
  for (auto it = archive.headerBegin(); it != archive.headerEnd(); ++it) names.push_back(it->first);
  ASSERT_NE(std::find(names.begin(), names.end(), "metadata.json"), names.end());
  int copies = 0;
  for (const auto& n : names) copies += n.rfind("copies/", 0) == 0;
  EXPECT_EQ(copies, 1) << "the PDF gets a stamped copy; the plain-text fixtures cannot be exported";
  EXPECT_EQ(lv_->exports().CountSince("legal1", "2000-01-01T00:00:00Z").value(), 1) << "the copy is in the ledger";
  EXPECT_EQ(Call("GET", "/api/v1/customers/C404/export", lawyer).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/customers/C001/export", Login("staff_s")).status, 403);
}

// A contract whose retention (10 years after contract_end_date) ran out.
DocumentRecord PutExpired(LocalVault& lv, const std::string& title) {
  IngestRequest r;
  r.meta.customer_number = "C002";
  r.meta.doc_type = "contract";
  r.meta.title = title;
  r.meta.department = "华南销售部";
  r.meta.classification = "internal";
  r.meta.fields["contract_end_date"] = "2012-06-30";
  StringSource src(title);
  return std::move(lv.vault().Ingest(r, src)).value();
}

TEST_F(VaultdDestructionTest, RetentionDueNamesTheRuleAndOnRequestTheProtectedOnesWithTheirHolds) {
  const std::string archivist = Login("archivist"), lawyer = Login("legal1");
  const DocumentRecord free = PutExpired(*lv_, "expired free"), held = PutExpired(*lv_, "expired held");
  ASSERT_EQ(Call("POST", "/api/v1/holds", lawyer,
                 R"({"scope":"document","target":")" + held.id + R"(","reason":"证据保全 2026-7"})")
                .status,
            201);
  Reply due = Call("GET", "/api/v1/retention/due", archivist);
  ASSERT_EQ(due.status, 200) << due.body;
  auto items = due.json()->getArray("items");
  ASSERT_EQ(items->size(), 1u) << due.body << " (the fixture's contracts have no end date: never due)";
  auto one = items->getObject(0);
  EXPECT_EQ(one->getValue<std::string>("document"), free.id);
  EXPECT_EQ(one->getValue<std::string>("title"), "expired free");
  auto rule = one->getObject("retention");
  EXPECT_EQ(rule->getValue<std::string>("rule"), "contract");
  EXPECT_EQ(rule->getValue<std::string>("label"), "合同");
  EXPECT_EQ(rule->getValue<std::string>("period"), "P10Y");
  EXPECT_EQ(rule->getValue<std::string>("anchor"), "contract_end_date");
  EXPECT_EQ(rule->getValue<std::string>("due_at").substr(0, 10), "2022-06-30");
  Reply all = Call("GET", "/api/v1/retention/due?protected=include", archivist);
  ASSERT_EQ(all.status, 200) << all.body;
  items = all.json()->getArray("items");
  ASSERT_EQ(items->size(), 2u) << all.body;
  bool saw_hold = false;
  for (size_t i = 0; i < items->size(); ++i) {
    auto o = items->getObject(static_cast<unsigned>(i));
    if (o->getValue<std::string>("document") != held.id) continue;
    saw_hold = true;
    EXPECT_FALSE(o->getValue<bool>("erasable"));
    EXPECT_EQ(o->getArray("kinds")->getElement<std::string>(0), "hold");
    EXPECT_THAT(o->getArray("protected_by")->getElement<std::string>(0), HasSubstr("证据保全 2026-7"));
  }
  EXPECT_TRUE(saw_hold);
  // A destroyed record is not listed any more, protected=include or not.
  Reply req = Call("POST", "/api/v1/destructions", archivist,
                   R"({"documents":[")" + free.id + R"("],"reason":"retention_expired","reference":"纪要"})");
  ASSERT_EQ(req.status, 201) << req.body;
  const std::string id = req.json()->getValue<std::string>("id");
  ASSERT_EQ(Call("POST", "/api/v1/destructions/" + id + "/approve", lawyer, R"({"witness":"监销人"})").status, 200);
  ASSERT_EQ(Call("POST", "/api/v1/destructions/" + id + "/execute", archivist).status, 200);
  Reply after = Call("GET", "/api/v1/retention/due?protected=include", archivist);
  ASSERT_EQ(after.status, 200);
  ASSERT_EQ(after.json()->getArray("items")->size(), 1u) << after.body;
  EXPECT_EQ(after.json()->getArray("items")->getObject(0)->getValue<std::string>("document"), held.id);
  EXPECT_EQ(Call("GET", "/api/v1/retention/due?protected=maybe", archivist).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/retention/due?protected=include", lawyer).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/retention/due?protected=include", Login("auditor1")).status, 403);
}

TEST_F(VaultdDestructionTest, PreconditionsShowWhatARequestWouldMeetAndChangeNothing) {
  const std::string archivist = Login("archivist"), lawyer = Login("legal1");
  const DocumentRecord expired = PutExpired(*lv_, "expired");
  ASSERT_EQ(Call("POST", "/api/v1/holds", lawyer,
                 R"({"scope":"document","target":")" + south_.id + R"(","reason":"诉讼保全"})")
                .status,
            201);
  const std::string path = "/api/v1/destructions/preconditions?documents=" + south_.id + "," + expired.id + "," +
                           east_.id + "&reason=retention_expired";
  Reply pre = Call("GET", path, archivist);
  ASSERT_EQ(pre.status, 200) << pre.body;
  auto items = pre.json()->getArray("items");
  ASSERT_EQ(items->size(), 3u);
  auto kinds = [&](unsigned i) {
    std::string out;
    auto a = items->getObject(i)->getArray("kinds");
    for (size_t k = 0; k < a->size(); ++k) out += a->getElement<std::string>(static_cast<unsigned>(k)) + " ";
    return out;
  };
  EXPECT_EQ(kinds(0), "hold retention ");
  EXPECT_EQ(kinds(1), "") << "retention expired, nothing protects it";
  EXPECT_TRUE(items->getObject(1)->getValue<bool>("erasable"));
  EXPECT_EQ(kinds(2), "retention ");
  // The same as a request meets: the request is refused, naming the hold.
  Reply refused = Call("POST", "/api/v1/destructions", archivist,
                       R"({"documents":[")" + south_.id + R"("],"reason":"retention_expired","reference":"纪要"})");
  EXPECT_EQ(refused.status, 409);
  EXPECT_THAT(refused.body, HasSubstr("诉讼保全"));
  // A request in progress shows on the other records' preconditions.
  ASSERT_EQ(Call("POST", "/api/v1/destructions", archivist,
                 R"({"documents":[")" + expired.id + R"("],"reason":"retention_expired","reference":"纪要"})")
                .status,
            201);
  Reply again = Call("GET", "/api/v1/destructions/preconditions?documents=" + expired.id + "&reason=retention_expired",
                     archivist);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.json()->getArray("items")->getObject(0)->getArray("kinds")->getElement<std::string>(0),
            "in_destruction");
  // Refusals: other roles, a bad reason, no documents, an unknown one.
  EXPECT_EQ(Call("GET", path, lawyer).status, 403);
  EXPECT_EQ(Call("GET", path, Login("auditor1")).status, 403);
  EXPECT_EQ(Call("GET", path, Login("staff_s")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/destructions/preconditions?documents=" + south_.id + "&reason=whim", archivist)
                .error_code(),
            "destruction.bad_reason");
  EXPECT_EQ(Call("GET", "/api/v1/destructions/preconditions?reason=retention_expired", archivist).error_code(),
            "destruction.no_documents");
  EXPECT_EQ(Call("GET", "/api/v1/destructions/preconditions?documents=" + south_.id + ",,x&reason=retention_expired",
                 archivist)
                .status,
            400);
  EXPECT_EQ(Call("GET", "/api/v1/destructions/preconditions?documents=NOPE&reason=retention_expired", archivist)
                .status,
            404);
}

TEST_F(VaultdDestructionTest, TheListOfDestructionsIsTheApproversInbox) {
  const std::string archivist = Login("archivist"), lawyer = Login("legal1");
  Reply req = Call("POST", "/api/v1/destructions", archivist,
                   R"({"documents":[")" + east_.id + R"("],"reason":"customer_request","reference":"客户来函"})");
  ASSERT_EQ(req.status, 201) << req.body;
  const std::string id = req.json()->getValue<std::string>("id");
  for (const std::string& who : {lawyer, archivist, Login("auditor1")}) {
    Reply list = Call("GET", "/api/v1/destructions?state=requested", who);
    ASSERT_EQ(list.status, 200) << list.body;
    auto items = list.json()->getArray("items");
    ASSERT_EQ(items->size(), 1u);
    EXPECT_EQ(items->getObject(0)->getValue<std::string>("id"), id);
    EXPECT_EQ(items->getObject(0)->getArray("items")->getObject(0)->getValue<std::string>("customer"), "C001");
  }
  EXPECT_EQ(Call("GET", "/api/v1/destructions?state=approved", lawyer).json()->getArray("items")->size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/destructions?state=gone", lawyer).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/destructions?limit=0", lawyer).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/destructions", Login("staff_s")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/destructions", Login("admin1")).status, 403);
}

TEST_F(VaultdDestructionTest, TheChainViewMarksAnAlteredAndAMissingCertificate) {
  const std::string archivist = Login("archivist"), lawyer = Login("legal1"), auditor = Login("auditor1");
  std::vector<std::string> certs;
  for (const DocumentRecord* doc : {&east_, &secret_}) {
    Reply req = Call("POST", "/api/v1/destructions", archivist,
                     R"({"documents":[")" + doc->id + R"("],"reason":"customer_request","reference":"客户来函"})");
    ASSERT_EQ(req.status, 201) << req.body;
    const std::string id = req.json()->getValue<std::string>("id");
    ASSERT_EQ(Call("POST", "/api/v1/destructions/" + id + "/approve", lawyer, R"({"witness":"监销人"})").status, 200);
    Reply done = Call("POST", "/api/v1/destructions/" + id + "/execute", archivist);
    ASSERT_EQ(done.status, 200) << done.body;
    certs.push_back(done.json()->getValue<std::string>("certificate"));
  }
  Reply chain = Call("GET", "/api/v1/certificates/chain", auditor);
  ASSERT_EQ(chain.status, 200) << chain.body;
  EXPECT_TRUE(chain.json()->getValue<bool>("intact"));
  ASSERT_EQ(chain.json()->getArray("links")->size(), 2u);
  EXPECT_EQ(chain.json()->getArray("links")->getObject(1)->getArray("problems")->size(), 0u);
  const std::string db = testing::DatabaseOf(config_);
  testing::ExecSql(db, "UPDATE certificates SET json = replace(json, '监销人', '监销入') WHERE seq = 1");
  chain = Call("GET", "/api/v1/certificates/chain", auditor);
  ASSERT_EQ(chain.status, 200);
  EXPECT_FALSE(chain.json()->getValue<bool>("intact"));
  auto first = chain.json()->getArray("links")->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("id"), certs[0]);
  EXPECT_EQ(first->getArray("problems")->getObject(0)->getValue<std::string>("kind"), "altered");
  testing::ExecSql(db, "DELETE FROM certificates WHERE seq = 1");
  chain = Call("GET", "/api/v1/certificates/chain", auditor);
  EXPECT_FALSE(chain.json()->getValue<bool>("intact"));
  auto links = chain.json()->getArray("links");
  ASSERT_EQ(links->size(), 1u);
  EXPECT_EQ(links->getObject(0)->getArray("problems")->getObject(0)->getValue<std::string>("kind"), "missing");
  auto missing = chain.json()->getArray("missing");
  ASSERT_EQ(missing->size(), 1u);
  EXPECT_EQ(missing->getObject(0)->getValue<std::string>("certificate"), certs[0]);
  EXPECT_EQ(Call("GET", "/api/v1/certificates/chain", Login("staff_s")).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/certificates/chain", Login("admin1")).status, 403);
}

}  // namespace
}  // namespace vault
