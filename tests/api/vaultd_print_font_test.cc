// vaultd prints registers and certificates in the font its configuration
// names (the watermark policy's font_file), not in a path written into a
// handler: with that font missing, a PDF is refused with stamp.font_missing
// while the CSV of the same register is still served.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/api/vaultd_fixture.h"
#include "vault/export/default_watermark.h"

namespace vault {
namespace {

using testing::Reply;

class VaultdPrintFontTest : public testing::VaultdTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    const std::string installed = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";
    std::string json = kDefaultWatermarkJson;
    const size_t at = json.find(installed);
    ASSERT_NE(at, std::string::npos);
    json.replace(at, installed.size(), dir_.Join("missing-font.ttc"));
    opts.watermark_json = json;
  }
};

TEST_F(VaultdPrintFontTest, RegistersArePrintedInTheConfiguredFont) {
  const std::string archivist = Login("archivist");
  for (const std::string path : {"/api/v1/borrows/register", "/api/v1/destructions/register"}) {
    Reply csv = Call("GET", path + "?format=csv", archivist);
    EXPECT_EQ(csv.status, 200) << path << ": " << csv.body;
    Reply pdf = Call("GET", path + "?format=pdf", archivist);
    EXPECT_EQ(pdf.status, 409) << path << ": " << pdf.body;
    EXPECT_EQ(pdf.error_code(), "stamp.font_missing") << path;
  }
}

}  // namespace
}  // namespace vault
