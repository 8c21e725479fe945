// The destruction certificate PDF read back with poppler's pdftotext and
// pdfinfo: every label, archive number and hash present (hashes may wrap,
// so they are looked for with whitespace removed), page counts and
// footers, malformed text, a missing font, and the rendering time.
#include "vault/destruction/certificate_pdf.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sodium.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "tests/support/pdf_fixtures.h"
#include "tests/support/temp_dir.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::RunTool;

const char kFont[] = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";

// A deterministic 64-digit hex "hash", distinct per (a, b, c).
std::string Hash(int a, int b, int c) {
  char buf[65];
  unsigned x = static_cast<unsigned>(a * 7919 + b * 104729 + c * 1299709) | 1u;
  for (int i = 0; i < 64; ++i) {
    x = x * 1103515245u + 12345u;
    buf[i] = "0123456789abcdef"[(x >> 16) & 15];
  }
  buf[64] = 0;
  return buf;
}

std::string ArchiveNumber(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "HT-2016-%06d", i);
  return buf;
}

CertificateView Certificate(int records) {
  CertificateView c;
  c.id = "CERT-2026-000001";
  c.issued_at = "2026-12-01T10:15:30+08:00";
  c.json_sha256 = Hash(1, 0, 0);
  c.key_fingerprint = Hash(2, 0, 0);
  c.key_name = "vault-signing-2026";
  c.previous_sha256 = std::string(64, '0');
  c.performer = "陈档案";
  c.performer_title = "档案管理员 / Archivist";
  c.organisation = "华南销售有限公司";
  c.reason = "保管期限届满 / retention expired";
  c.reference = "HN-XH-2026-012";
  c.rule = "合同类 10 年 / contracts 10 years";
  c.approvers = {"李经理", "王总监"};
  c.witness = "赵监督";
  c.method_type = "Purge (crypto-erase) + Clear (overwrite)";
  c.method = "crypto erase + overwrite";
  c.started_at = "2026-12-01T10:00:00+08:00";
  c.completed_at = "2026-12-01T10:14:59+08:00";
  c.tool = "vaultd 1.4.0";
  c.filesystem = "ext4 on /dev/nvme0n1p2";
  c.passes = {{"random", true, false}, {"zeros", true, true}};
  for (int i = 1; i <= records; ++i) {
    CertificateView::Record r;
    r.archive_number = ArchiveNumber(i);
    r.title = "年度框架合同（第" + std::to_string(i) + "号）及补充协议";
    r.customer = "深圳市客户" + std::to_string(i) + "有限公司";
    r.classification = "内部";
    r.versions = static_cast<uint32_t>(1 + i % 3);
    r.bytes = 1048576u * static_cast<uint64_t>(i) + 17;
    for (uint32_t v = 0; v < r.versions; ++v) {
      r.plaintext_sha256.push_back(Hash(i, static_cast<int>(v), 1));
      r.ciphertext_sha256.push_back(Hash(i, static_cast<int>(v), 2));
    }
    c.records.push_back(r);
  }
  c.limitations =
      "固态硬盘与写时复制文件系统可能在别处保留旧数据块，覆写无法保证触及；本次销毁依靠删除数据密钥"
      "（加密擦除）使密文不可解密。备份介质须按其保管期限另行销毁。 / On SSDs and copy-on-write "
      "file "
      "systems old blocks may survive elsewhere and an overwrite cannot be guaranteed to reach "
      "them; "
      "this destruction relies on deleting the data keys (crypto-erase) so that the ciphertext "
      "cannot be decrypted. Backup media are destroyed separately when their retention ends.";
  return c;
}

std::string Squeeze(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (!std::isspace(static_cast<unsigned char>(ch))) out += ch;
  }
  return out;
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

class CertificatePdfTest : public ::testing::Test {
 protected:
  std::string Text(const std::string& pdf) {
    return RunTool("pdftotext -raw {} -", pdf, dir_.path());
  }
  int Pages(const std::string& pdf) {
    std::string info = RunTool("pdfinfo {}", pdf, dir_.path());
    size_t at = info.find("Pages:");
    return at == std::string::npos ? -1 : std::stoi(info.substr(at + 6));
  }
  std::string Info(const std::string& pdf) { return RunTool("pdfinfo {}", pdf, dir_.path()); }

  testing::TempDir dir_;
};

TEST_F(CertificatePdfTest, FiveRecordsShowEveryLabelNumberAndHash) {
  const CertificateView c = Certificate(5);
  auto pdf = CertificatePdf(c, kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  EXPECT_THAT(Info(*pdf), HasSubstr("595 x 842"));  // A4 portrait
  const int pages = Pages(*pdf);
  EXPECT_GE(pages, 1);
  EXPECT_LE(pages, 3);
  const std::string text = Text(*pdf);
  const std::string squeezed = Squeeze(text);
  for (const char* label : {"销毁证明 / Certificate of Destruction",
                            "证明编号 / Certificate ID",
                            "签发时间 / Issued at",
                            "cert.json SHA-256",
                            "签名密钥 / Signing key",
                            "密钥指纹 / Key fingerprint",
                            "前一证明 SHA-256 / Previous certificate",
                            "执行人 / Performed by",
                            "单位 / Organisation",
                            "销毁原因 / Reason",
                            "依据文号 / Reference",
                            "保管期限规则 / Retention rule",
                            "批准人 / Approved by",
                            "监销人 / Witness",
                            "销毁类别 / Method type",
                            "销毁方法 / Method",
                            "开始时间 / Started at",
                            "完成时间 / Completed at",
                            "工具 / Tool",
                            "文件系统 / Filesystem",
                            "覆写遍次 / Overwrite passes",
                            "遍次 / Pass",
                            "已回读核验 / Verified",
                            "销毁档案 / Destroyed records",
                            "档号 / Archive number",
                            "题名 / Title",
                            "客户 / Customer",
                            "密级 / Classification",
                            "版本数 / Versions",
                            "字节数 / Bytes",
                            "明文 SHA-256 / Plaintext",
                            "密文 SHA-256 / Ciphertext",
                            "说明与局限 / Limitations"}) {
    EXPECT_TRUE(Has(squeezed, Squeeze(label))) << label;
  }
  for (const std::string& value :
       {c.id, c.issued_at, c.key_name, c.performer, c.organisation, c.reference, c.witness,
        c.method_type, c.method, c.started_at, c.completed_at, c.tool, c.filesystem,
        std::string("李经理、王总监"), std::string("共 5 件")}) {
    EXPECT_TRUE(Has(squeezed, Squeeze(value))) << value;
  }
  for (const std::string& hash : {c.json_sha256, c.key_fingerprint, c.previous_sha256}) {
    EXPECT_TRUE(Has(squeezed, hash)) << hash;
  }
  for (const CertificateView::Record& r : c.records) {
    // In the records table and once per version in the hash table.
    EXPECT_EQ(Count(text, r.archive_number), 1u + r.versions) << r.archive_number;
    EXPECT_TRUE(Has(squeezed, Squeeze(r.title)));
    EXPECT_TRUE(Has(squeezed, r.customer));
    EXPECT_TRUE(Has(squeezed, std::to_string(r.bytes)));
    for (const std::string& h : r.plaintext_sha256) EXPECT_EQ(Count(squeezed, h), 1u) << h;
    for (const std::string& h : r.ciphertext_sha256) EXPECT_EQ(Count(squeezed, h), 1u) << h;
  }
  EXPECT_TRUE(Has(squeezed, "random"));
  EXPECT_TRUE(Has(squeezed, "zeros"));
  EXPECT_TRUE(Has(squeezed, "否/no"));
  EXPECT_TRUE(Has(squeezed, "是/yes"));
  // The long bilingual statement, both halves, end to end.
  EXPECT_TRUE(Has(squeezed, Squeeze("固态硬盘与写时复制文件系统可能在别处保留旧数据块")));
  EXPECT_TRUE(
      Has(squeezed, Squeeze("Backup media are destroyed separately when their retention ends.")));
  for (int p = 1; p <= pages; ++p) {
    const std::string n = std::to_string(p) + "/" + std::to_string(pages);
    EXPECT_TRUE(Has(squeezed, "销毁证明CERT-2026-000001第" + n + "页·Page" + n)) << p;
  }
}

TEST_F(CertificatePdfTest, ManyRecordsContinueOverPagesWithHeadersAndFooters) {
  const CertificateView c = Certificate(60);
  auto pdf = CertificatePdf(c, kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const int pages = Pages(*pdf);
  EXPECT_GE(pages, 4);
  const std::string text = Text(*pdf);
  const std::string squeezed = Squeeze(text);
  for (const CertificateView::Record& r : c.records) {
    EXPECT_EQ(Count(text, r.archive_number), 1u + r.versions) << r.archive_number;
    for (const std::string& h : r.ciphertext_sha256) EXPECT_EQ(Count(squeezed, h), 1u) << h;
  }
  // Rows keep their order across pages.
  EXPECT_LT(text.find(ArchiveNumber(1)), text.find(ArchiveNumber(60)));
  for (int p = 1; p <= pages; ++p) {
    const std::string n = std::to_string(p) + "/" + std::to_string(pages);
    EXPECT_TRUE(Has(squeezed, "第" + n + "页·Page" + n)) << p;
  }
  // The table header is repeated where a table continues on a new page.
  EXPECT_GT(Count(squeezed, Squeeze("密文 SHA-256 / Ciphertext")), 1u);
}

TEST_F(CertificatePdfTest, EmptyCertificateIsOnePageWithDashes) {
  auto pdf = CertificatePdf(CertificateView{}, kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(Pages(*pdf), 1);
  const std::string squeezed = Squeeze(Text(*pdf));
  EXPECT_TRUE(Has(squeezed, Squeeze("销毁证明 / Certificate of Destruction")));
  EXPECT_TRUE(Has(squeezed, "共0件"));
  EXPECT_TRUE(Has(squeezed, "第1/1页·Page1/1"));
  EXPECT_GE(Count(squeezed, "—"), 19u);  // every empty field shows a dash
}

TEST_F(CertificatePdfTest, MalformedTextStillRenders) {
  CertificateView c = Certificate(2);
  c.performer = std::string("陈\xE4\xB8") + "档案";  // truncated UTF-8
  c.organisation = "\xFF\xFE华南销售";
  c.tool = "emoji \xF0\x9F\x98\x80 tab\there\x01\x7F";
  c.records[0].title = "多行\r\n题名\n";
  c.records[1].plaintext_sha256 = {"not-a-hash \x02"};
  c.records[1].ciphertext_sha256.clear();
  c.limitations = std::string(3000, 'x');  // one word far wider than the page
  auto pdf = CertificatePdf(c, kFont);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string text = Text(*pdf);
  const std::string squeezed = Squeeze(text);
  EXPECT_TRUE(Has(squeezed, "华南销售"));
  EXPECT_TRUE(Has(squeezed, "档案"));
  EXPECT_TRUE(Has(squeezed, "多行"));
  EXPECT_TRUE(Has(squeezed, "题名"));
  EXPECT_TRUE(Has(squeezed, "not-a-hash"));
  EXPECT_TRUE(Has(squeezed, std::string(500, 'x')));  // cut between characters, none lost
  EXPECT_GE(Count(squeezed, "x"), 3000u);
  EXPECT_EQ(Count(text, ArchiveNumber(1)), 1u + c.records[0].versions);
}

TEST_F(CertificatePdfTest, MissingFontIsFontMissing) {
  auto pdf = CertificatePdf(Certificate(1), dir_.Join("no-such-font.ttc"));
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(pdf.status().reason(), "stamp.font_missing");
  EXPECT_THAT(pdf.status().message(), HasSubstr("no-such-font.ttc"));
}

TEST_F(CertificatePdfTest, FileThatIsNotAFontIsRenderFailed) {
  const std::string path = dir_.Join("broken.ttf");
  testing::WriteFile(path, "this is not a TrueType font");
  auto pdf = CertificatePdf(Certificate(1), path);
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().code(), StatusCode::kInternal);
  EXPECT_EQ(pdf.status().reason(), "certificate.render_failed");
}

// Rendering time for a certificate of 5 records, first (font load) and
// then with the pooled document, plus an Ed25519 signature over a JSON of
// similar size for the "signing + PDF" figure. Printed, not asserted; what
// is asserted is that rendering the same certificate gives the same bytes.
TEST_F(CertificatePdfTest, RenderingTime) {
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  const CertificateView c = Certificate(5);
  const auto cold_start = Clock::now();
  auto first = CertificatePdf(c, kFont);
  const double cold = ms(Clock::now() - cold_start);
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  ASSERT_GE(sodium_init(), 0);
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  const std::string json(6000, 'j');
  constexpr int kRuns = 20;
  double total = 0, worst = 0, sign_total = 0;
  for (int i = 0; i < kRuns; ++i) {
    const auto start = Clock::now();
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(json.data()),
                         json.size(), sk);
    const auto signed_at = Clock::now();
    auto pdf = CertificatePdf(c, kFont);
    const auto end = Clock::now();
    ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
    ASSERT_EQ(pdf->size(), first->size());  // same input, same bytes (no clock inside)
    sign_total += ms(signed_at - start);
    total += ms(end - signed_at);
    worst = std::max(worst, ms(end - signed_at));
  }
  std::cout << "[ timing ] certificate PDF, 5 records, " << first->size() << " bytes: first "
            << cold << " ms (font load), then mean " << total / kRuns << " ms, worst " << worst
            << " ms over " << kRuns << "; Ed25519 sign mean " << sign_total / kRuns << " ms\n";
  // No time limit is asserted here: a shared test machine (and the
  // sanitizer build) varies too much, and speed targets belong to bench/.
}

}  // namespace
}  // namespace vault
