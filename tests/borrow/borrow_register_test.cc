// The borrow register as CSV (byte-exact: BOM, CRLF, RFC 4180 quoting,
// formula prefix) and as PDF, read back with poppler's pdftotext/pdfinfo:
// pages, repeated header, page numbers, wrapped Chinese text.
#include "vault/borrow/borrow_register.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
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
const char kHeader[] =
    "借阅人,部门,档案名称,档案编号,密级,借阅目的,审批人,借阅日期,应还日期,实际归还日期,状态,"
    "备注\r\n";

std::string ArchiveNumber(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "HT-2026-%04d", i);
  return buf;
}

RegisterRow Row(int i) {
  static const char* const kNames[] = {"张三 (zhangsan)", "李四 (lisi)", "王五 (wangwu)",
                                       "赵六 (zhaoliu)"};
  RegisterRow r;
  r.borrower = kNames[i % 4];
  r.department = i % 2 ? "华南销售部" : "华东销售部";
  r.title = "年度框架合同（第" + std::to_string(i) + "号）";
  r.archive_number = ArchiveNumber(i);
  r.classification = "内部";
  r.purpose =
      "核对客户年度框架合同的付款条款与交付节点，准备季度对账与续签谈判材料，"
      "并与财务部确认回款计划 (quarterly reconciliation with finance)";
  r.approvers = "李经理、王总监";
  r.borrowed_at = "2026-11-22T10:00:00+08:00";
  r.due_at = "2026-11-29T18:00:00+08:00";
  r.returned_at = i % 3 ? "" : "2026-11-25T09:30:00Z";
  r.state = i % 3 ? "借出" : "已归还（核验一致）";
  r.note = i % 5 ? "" : "原件，需当面交还";
  return r;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// HasSubstr for extracted pages, without printing every page on failure.
::testing::AssertionResult Has(const std::string& text, const std::string& needle) {
  if (text.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "\"" << needle << "\" not in the extracted text (" << text.size()
         << " bytes, starting \"" << text.substr(0, 400) << "\")";
}

// ---------------------------------------------------------------- CSV

TEST(RegisterCsvTest, HeaderIsTheTwelveColumnNamesAfterBom) {
  EXPECT_EQ(RegisterCsv({}), std::string(kBom) + kHeader);
  ASSERT_EQ(RegisterColumns().size(), 12u);
  EXPECT_EQ(RegisterColumns().front(), "借阅人");
  EXPECT_EQ(RegisterColumns().back(), "备注");
}

TEST(RegisterCsvTest, PlainFieldsAreNotQuoted) {
  RegisterRow r;
  r.borrower = "张三 (zhangsan)";
  r.archive_number = "HT-2026-0001";
  r.state = "借出";
  EXPECT_EQ(RegisterCsv({r}),
            std::string(kBom) + kHeader + "张三 (zhangsan),,,HT-2026-0001,,,,,,,借出,\r\n");
}

TEST(RegisterCsvTest, QuotesCommasQuotesAndNewlines) {
  RegisterRow r;
  r.borrower = "Zhang, San";
  r.department = "say \"hi\"";
  r.title = "line one\nline two";
  r.archive_number = "a\r\nb";
  r.purpose = "carriage\rreturn";
  r.note = "\"";
  EXPECT_EQ(RegisterCsv({r}),
            std::string(kBom) + kHeader +
                "\"Zhang, San\",\"say \"\"hi\"\"\",\"line one\nline two\",\"a\r\nb\",,"
                "\"carriage\rreturn\",,,,,,\"\"\"\"\r\n");
}

TEST(RegisterCsvTest, FormulaStartsArePrefixedWithAQuote) {
  RegisterRow r;
  r.borrower = "=HYPERLINK(\"http://x\")";
  r.department = "+1";
  r.title = "-2";
  r.archive_number = "@SUM(A1)";
  r.purpose = "\tcmd";
  r.note = "a=b+c-d@e";  // only the first character matters
  EXPECT_EQ(RegisterCsv({r}),
            std::string(kBom) + kHeader +
                "\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),,'\tcmd,,,,,,a=b+c-d@e\r\n");
}

TEST(RegisterCsvTest, FormulaPrefixComesBeforeQuoting) {
  RegisterRow r;
  r.borrower = "=1,2";
  EXPECT_EQ(RegisterCsv({r}), std::string(kBom) + kHeader + "\"'=1,2\",,,,,,,,,,,\r\n");
}

TEST(RegisterCsvTest, ManyRowsOneLineEach) {
  std::vector<RegisterRow> rows;
  for (int i = 1; i <= 1000; ++i) rows.push_back(Row(i));
  const std::string csv = RegisterCsv(rows);
  EXPECT_EQ(Count(csv, "\r\n"), 1001u);
  EXPECT_EQ(Count(csv, "\n"), 1001u);  // no bare LF anywhere
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
  for (int i = 1; i <= 1000; ++i) ASSERT_EQ(Count(csv, ArchiveNumber(i) + ","), 1u) << i;
  // Row order is kept.
  EXPECT_LT(csv.find(ArchiveNumber(1)), csv.find(ArchiveNumber(2)));
  EXPECT_LT(csv.find(ArchiveNumber(999)), csv.find(ArchiveNumber(1000)));
  // Times are kept as recorded: the CSV is the lossless copy.
  EXPECT_THAT(csv, HasSubstr(",2026-11-22T10:00:00+08:00,2026-11-29T18:00:00+08:00,"));
}

// ---------------------------------------------------------------- PDF

class RegisterPdfTest : public ::testing::Test {
 protected:
  std::string Text(const std::string& pdf) {
    return RunTool("pdftotext -layout {} -", pdf, dir_.path());
  }

  int Pages(const std::string& pdf) {
    std::string info = RunTool("pdfinfo {}", pdf, dir_.path());
    size_t at = info.find("Pages:");
    return at == std::string::npos ? -1 : std::stoi(info.substr(at + 6));
  }

  std::string Info(const std::string& pdf) { return RunTool("pdfinfo {}", pdf, dir_.path()); }

  testing::TempDir dir_;
};

TEST_F(RegisterPdfTest, ManyRowsSpanPagesAndExtract) {
  std::vector<RegisterRow> rows;
  for (int i = 1; i <= 120; ++i) rows.push_back(Row(i));
  auto pdf = RegisterPdf(rows, "借阅登记簿（华南销售部）", "2026-11-30T08:15:00+08:00", kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);

  const int pages = Pages(*pdf);
  EXPECT_GT(pages, 1);
  EXPECT_THAT(Info(*pdf), HasSubstr("842 x 595"));
  const std::string text = Text(*pdf);
  EXPECT_TRUE(Has(text, "借阅登记簿（华南销售部）"));
  EXPECT_TRUE(Has(text, "2026-11-30 08:15"));
  EXPECT_TRUE(Has(text, "共 120 条"));
  // The header row repeats on every page.
  for (const std::string& name : RegisterColumns()) {
    EXPECT_EQ(Count(text, name), static_cast<size_t>(pages)) << name;
  }
  for (int i = 1; i <= 120; ++i) EXPECT_EQ(Count(text, ArchiveNumber(i)), 1u) << ArchiveNumber(i);
  for (const char* s :
       {"张三", "李四", "王五", "赵六", "华南销售部", "年度框架合同", "李经理、王总监", "已归还"}) {
    EXPECT_TRUE(Has(text, s));
  }
  // Dates are shown to the minute, without the RFC 3339 'T' and offset.
  EXPECT_TRUE(Has(text, "2026-11-22"));
  EXPECT_TRUE(Has(text, "10:00"));
  EXPECT_FALSE(Has(text, "T10:00"));
  EXPECT_FALSE(Has(text, "+08:00"));
  for (int p = 1; p <= pages; ++p) {
    EXPECT_TRUE(Has(text, "第 " + std::to_string(p) + " / " + std::to_string(pages) + " 页"));
  }
  EXPECT_TRUE(Has(text, "第 1 /"));
}

TEST_F(RegisterPdfTest, LongPurposeWrapsWithinItsCell) {
  RegisterRow r = Row(1);
  r.purpose = std::string(30, 'x') + " 用于核对合同条款";
  auto pdf = RegisterPdf({r}, "借阅登记簿", "2026-11-30T08:15:00Z", kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string text = Text(*pdf);
  // The purpose is broken over several lines of its cell, nothing is lost.
  std::string squeezed;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) squeezed += c;
  }
  EXPECT_FALSE(Has(text, std::string(30, 'x')));
  EXPECT_EQ(Count(squeezed, "x"), 30u);
  EXPECT_TRUE(Has(text, "用于核对"));
}

TEST_F(RegisterPdfTest, RowTallerThanAPageContinuesOnTheNext) {
  RegisterRow r = Row(7);
  r.purpose.clear();
  for (int i = 0; i < 200; ++i) r.purpose += "第" + std::to_string(i) + "段说明，";
  auto pdf = RegisterPdf({Row(1), r, Row(2)}, "借阅登记簿", "2026-11-30T08:15:00Z", kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_GE(Pages(*pdf), 3);
  const std::string text = Text(*pdf);
  EXPECT_EQ(Count(text, ArchiveNumber(7)), 1u);
  EXPECT_TRUE(Has(text, "第199段"));
  EXPECT_LT(text.find(ArchiveNumber(1)), text.find(ArchiveNumber(7)));
  EXPECT_LT(text.find("第199段"), text.find(ArchiveNumber(2)));
}

TEST_F(RegisterPdfTest, EmptyRegisterIsOnePageWithTheHeader) {
  auto pdf = RegisterPdf({}, "借阅登记簿", "2026-11-30T08:15:00Z", kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(Pages(*pdf), 1);
  const std::string text = Text(*pdf);
  for (const std::string& name : RegisterColumns()) EXPECT_EQ(Count(text, name), 1u) << name;
  EXPECT_TRUE(Has(text, "第 1 / 1 页"));
  EXPECT_TRUE(Has(text, "共 0 条"));
}

TEST_F(RegisterPdfTest, UnparsableDatesAreShownAsGiven) {
  RegisterRow r = Row(1);
  r.borrowed_at = "下周一";
  r.due_at = "2026-11-29";
  r.returned_at = "2026-11-22T25";
  auto pdf = RegisterPdf({r}, "借阅登记簿", "unknown", kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string text = Text(*pdf);
  EXPECT_TRUE(Has(text, "下周一"));
  EXPECT_TRUE(Has(text, "2026-11-29"));
  EXPECT_TRUE(Has(text, "2026-11-22T"));  // wrapped in its cell, not reformatted
  EXPECT_TRUE(Has(text, "生成时间：unknown"));
}

TEST_F(RegisterPdfTest, MalformedTextStillRenders) {
  RegisterRow r = Row(1);
  r.borrower = std::string("张\xE4\xB8") + "三";  // truncated UTF-8 sequence
  r.department = "\xFF\xFE销售部";
  r.note = "emoji \xF0\x9F\x98\x80 tab\there\x01\x7F";
  r.title = "多行\r\n标题\n";
  auto pdf = RegisterPdf({r}, "借阅\n登记簿", "2026-11-30T08:15:00Z", kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string text = Text(*pdf);
  EXPECT_TRUE(Has(text, "销售部"));
  EXPECT_TRUE(Has(text, "借阅 登记簿"));
  EXPECT_TRUE(Has(text, "多行"));
  EXPECT_TRUE(Has(text, "标题"));
  EXPECT_EQ(Count(text, ArchiveNumber(1)), 1u);
}

TEST_F(RegisterPdfTest, MissingFontIsFontMissing) {
  auto pdf =
      RegisterPdf({Row(1)}, "借阅登记簿", "2026-11-30T08:15:00Z", dir_.Join("no-such-font.ttc"));
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(pdf.status().reason(), "stamp.font_missing");
  EXPECT_THAT(pdf.status().message(), HasSubstr("no-such-font.ttc"));
}

TEST_F(RegisterPdfTest, FileThatIsNotAFontIsRenderFailed) {
  const std::string path = dir_.Join("broken.ttf");
  testing::WriteFile(path, "this is not a TrueType font");
  auto pdf = RegisterPdf({Row(1)}, "借阅登记簿", "2026-11-30T08:15:00Z", path);
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kInternal);
  EXPECT_EQ(pdf.status().reason(), "register.render_failed");
}

}  // namespace
}  // namespace vault
