// The destruction register as CSV (byte-exact) and as PDF, read back with
// pdftotext/pdfinfo: header on every page, every archive number once.
#include "vault/destruction/destruction_register.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/support/pdf_fixtures.h"
#include "tests/support/temp_dir.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::RunTool;

const char kFont[] = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";
const char kBom[] = "\xEF\xBB\xBF";
const char kHeader[] = "序号,档号,题名,数量,销毁原因,销毁时间,批准人,档管员,监销人\r\n";

std::string ArchiveNumber(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "HT-2016-%06d", i);
  return buf;
}

DestructionRegisterRow Row(int i) {
  DestructionRegisterRow r;
  r.seq = std::to_string(i);
  r.archive_number = ArchiveNumber(i);
  r.title = "年度框架合同（第" + std::to_string(i) + "号）及补充协议、对账单";
  r.quantity = std::to_string(1 + i % 3) + " 个版本";
  r.reason = i % 2 ? "保管期限届满" : "客户要求删除（依合同第 12 条）";
  r.destroyed_at = "2026-12-01T10:14:59+08:00";
  r.approvers = "李经理、王总监";
  r.archivist = "陈档案";
  r.witness = "赵监督";
  return r;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

::testing::AssertionResult Has(const std::string& text, const std::string& needle) {
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << needle << "\" not in the extracted text (" << text.size()
         << " bytes, starting \"" << text.substr(0, 400) << "\")";
}

TEST(DestructionRegisterCsvTest, HeaderIsTheNineColumnNamesAfterBom) {
  EXPECT_EQ(DestructionRegisterCsv({}), std::string(kBom) + kHeader);
  const std::vector<std::string> expected = {"序号",     "档号",   "题名",   "数量",  "销毁原因",
                                             "销毁时间", "批准人", "档管员", "监销人"};
  EXPECT_EQ(DestructionRegisterColumns(), expected);
}

TEST(DestructionRegisterCsvTest, PlainRowKeepsTimesAsRecorded) {
  EXPECT_EQ(DestructionRegisterCsv({Row(1)}),
            std::string(kBom) + kHeader +
                "1,HT-2016-000001,年度框架合同（第1号）及补充协议、对账单,2 个版本,保管期限届满,"
                "2026-12-01T10:14:59+08:00,李经理、王总监,陈档案,赵监督\r\n");
}

TEST(DestructionRegisterCsvTest, QuotesAndFormulaPrefix) {
  DestructionRegisterRow r;
  r.seq = "=1+1";
  r.archive_number = "HT,1";
  r.title = "say \"hi\"";
  r.quantity = "-3";
  r.reason = "line one\r\nline two";
  r.approvers = "@SUM(A1)";
  r.archivist = "+x,y";
  r.witness = "\tcmd";
  EXPECT_EQ(DestructionRegisterCsv({r}),
            std::string(kBom) + kHeader +
                "'=1+1,\"HT,1\",\"say \"\"hi\"\"\",'-3,\"line one\r\nline two\",,'@SUM(A1),"
                "\"'+x,y\",'\tcmd\r\n");
}

class DestructionRegisterPdfTest : public ::testing::Test {
 protected:
  std::string Text(const std::string& pdf) {
    return RunTool("pdftotext -layout {} -", pdf, dir_.path());
  }
  int Pages(const std::string& pdf) {
    std::string info = RunTool("pdfinfo {}", pdf, dir_.path());
    size_t at = info.find("Pages:");
    return at == std::string::npos ? -1 : std::stoi(info.substr(at + 6));
  }
  testing::TempDir dir_;
};

TEST_F(DestructionRegisterPdfTest, HundredFiftyRowsOverSeveralPages) {
  std::vector<DestructionRegisterRow> rows;
  for (int i = 1; i <= 150; ++i) rows.push_back(Row(i));
  auto pdf =
      DestructionRegisterPdf(rows, "销毁清册（XH-2026-012）", "2026-12-01T11:00:00+08:00", kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_THAT(RunTool("pdfinfo {}", *pdf, dir_.path()), HasSubstr("842 x 595"));
  const int pages = Pages(*pdf);
  EXPECT_GE(pages, 3);
  const std::string text = Text(*pdf);
  EXPECT_TRUE(Has(text, "销毁清册（XH-2026-012）"));
  EXPECT_TRUE(Has(text, "生成时间：2026-12-01 11:00"));
  EXPECT_TRUE(Has(text, "共 150 条"));
  for (const std::string& name : DestructionRegisterColumns()) {
    EXPECT_EQ(Count(text, name), static_cast<size_t>(pages)) << name;  // header on every page
  }
  for (int i = 1; i <= 150; ++i) {
    EXPECT_EQ(Count(text, ArchiveNumber(i)), 1u) << ArchiveNumber(i);
  }
  EXPECT_LT(text.find(ArchiveNumber(1)), text.find(ArchiveNumber(150)));
  for (const char* s : {"保管期限届满", "客户要求删除", "李经理、王总监", "陈档案", "赵监督"}) {
    EXPECT_TRUE(Has(text, s)) << s;
  }
  EXPECT_TRUE(Has(text, "2026-12-01"));
  EXPECT_FALSE(Has(text, "+08:00"));
  for (int p = 1; p <= pages; ++p) {
    EXPECT_TRUE(Has(text, "第 " + std::to_string(p) + " / " + std::to_string(pages) + " 页"));
  }
}

TEST_F(DestructionRegisterPdfTest, EmptyRegisterIsOnePageWithTheHeader) {
  auto pdf = DestructionRegisterPdf({}, "销毁清册", "2026-12-01T11:00:00Z", kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(Pages(*pdf), 1);
  const std::string text = Text(*pdf);
  for (const std::string& name : DestructionRegisterColumns()) EXPECT_EQ(Count(text, name), 1u);
  EXPECT_TRUE(Has(text, "共 0 条"));
  EXPECT_TRUE(Has(text, "第 1 / 1 页"));
}

TEST_F(DestructionRegisterPdfTest, MalformedTextStillRenders) {
  DestructionRegisterRow r = Row(1);
  r.title = std::string("合\xE4\xB8") + "同";
  r.reason = "\xFF\xFE到期";
  r.witness = "emoji \xF0\x9F\x98\x80\x01";
  r.destroyed_at = "昨天";
  auto pdf = DestructionRegisterPdf({r}, "销毁\n清册", "unknown", kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string text = Text(*pdf);
  EXPECT_TRUE(Has(text, "到期"));
  EXPECT_TRUE(Has(text, "昨天"));
  EXPECT_TRUE(Has(text, "销毁 清册"));
  EXPECT_TRUE(Has(text, "生成时间：unknown"));
  EXPECT_EQ(Count(text, ArchiveNumber(1)), 1u);
}

TEST_F(DestructionRegisterPdfTest, MissingFontIsFontMissing) {
  auto pdf = DestructionRegisterPdf({Row(1)}, "销毁清册", "2026-12-01T11:00:00Z",
                                    dir_.Join("no-such-font.ttc"));
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(pdf.status().reason(), "stamp.font_missing");
}

}  // namespace
}  // namespace vault
