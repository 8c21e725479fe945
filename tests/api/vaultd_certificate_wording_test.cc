// The organisation and the performer title on destruction certificates come
// from configuration (vaultd.certificate.*): a destruction executed through
// the real server issues a certificate whose signed JSON and PDF carry the
// configured words; wording that would break a certificate line is refused
// before anything starts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/pdf_fixtures.h"
#include "vault/destruction/certificate_wording.h"
#include "vault/services/services.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::Reply;

constexpr char kOrganisation[] = "华南贸易有限公司 South Trading Co.";
constexpr char kTitle[] = "档案室主任 / head of records";

class VaultdCertificateWordingTest : public testing::VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    opts.certificate_wording.organisation = kOrganisation;
    opts.certificate_wording.performer_title = kTitle;
  }
};

TEST_F(VaultdCertificateWordingTest, TheCertificateCarriesTheConfiguredOrganisationAndTitle) {
  const std::string archivist = Login("archivist"), lawyer = Login("legal1");
  Reply req = Call("POST", "/api/v1/destructions", archivist,
                   R"({"documents":[")" + south_.id +
                       R"("],"reason":"customer_request","reference":"客户来函"})");
  ASSERT_EQ(req.status, 201) << req.body;
  const std::string id = req.json()->getValue<std::string>("id");
  ASSERT_EQ(
      Call("POST", "/api/v1/destructions/" + id + "/approve", lawyer, R"({"witness":"王监销"})")
          .status,
      200);
  Reply done = Call("POST", "/api/v1/destructions/" + id + "/execute", archivist);
  ASSERT_EQ(done.status, 200) << done.body;
  const std::string cert = done.json()->getValue<std::string>("certificate");

  const std::string auditor = Login("auditor1");
  Reply json = Call("GET", "/api/v1/certificates/" + cert + ".json", auditor);
  ASSERT_EQ(json.status, 200);
  auto performer = json.json()->getObject("performer");
  EXPECT_EQ(performer->getValue<std::string>("organisation"), kOrganisation);
  EXPECT_EQ(performer->getValue<std::string>("title"), kTitle);
  EXPECT_THAT(json.body, Not(HasSubstr("sales-vault\"")));

  Reply pdf = Call("GET", "/api/v1/certificates/" + cert + ".pdf", auditor);
  ASSERT_EQ(pdf.status, 200);
  std::string text = testing::RunTool("pdftotext -raw {} -", pdf.body, dir_.path());
  text.erase(
      std::remove_if(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }),
      text.end());
  EXPECT_THAT(text, HasSubstr("华南贸易有限公司SouthTradingCo."));
  EXPECT_THAT(text, HasSubstr("档案室主任/headofrecords"));
}

TEST(CertificateWordingTest, WordingThatWouldBreakACertificateLineIsRefused) {
  CertificateWording w;
  EXPECT_TRUE(w.Validate().ok()) << "the defaults";
  w.organisation = "";
  EXPECT_EQ(w.Validate().reason(), "certificate.bad_wording");
  w.organisation = "a\nforged line";
  EXPECT_EQ(w.Validate().reason(), "certificate.bad_wording");
  w.organisation = std::string(CertificateWording::kMaxBytes + 1, 'a');
  EXPECT_EQ(w.Validate().reason(), "certificate.bad_wording");
  w.organisation = "ok";
  w.performer_title = "\x1b[2Jtitle";
  EXPECT_EQ(w.Validate().reason(), "certificate.bad_wording");
  EXPECT_THAT(w.Validate().message(), HasSubstr("performer_title"));
}

TEST(CertificateWordingTest, ServicesRefuseToOpenWithBadWording) {
  testing::TempDir dir;
  ServicesOptions o;
  o.config = testing::InitTestVault(dir);
  o.certificate_wording.organisation = "";
  auto s = Services::Open(std::move(o));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().reason(), "certificate.bad_wording");
}

}  // namespace
}  // namespace vault
