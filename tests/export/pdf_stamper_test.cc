// The stamp on real PDFs, read back with poppler's pdftotext/pdfinfo/pdftoppm:
// every page carries the reader's (Chinese) name, department and export
// code, the original text stays extractable, the page count is unchanged,
// whatever the page sizes, rotations, linearization or owner-only
// encryption; files that cannot be stamped fail with a stable code.
#include "vault/export/pdf_stamper.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>
#include <sstream>

#include "tests/support/pdf_fixtures.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"
#include "vault/policy/default_roles.h"

#ifndef VAULT_POLICIES_DIR
#error "VAULT_POLICIES_DIR must point at policies/"
#endif

namespace vault {
namespace {

using testing::StatusIs;

using ::testing::HasSubstr;
using testing::FixturePage;
using testing::MakePdf;
using testing::RunTool;

std::unique_ptr<WatermarkPolicy> Policy() {
  std::ifstream in(std::string(VAULT_POLICIES_DIR) + "/watermark.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return std::move(WatermarkPolicy::FromJson(ss.str())).value();
}

class PdfStamperTest : public ::testing::Test {
 protected:
  StampJob Job() {
    StampValues v;
    v.user_name = "张三";
    v.user_id = "zhangsan";
    v.department = "华南销售部";
    v.time = "2026-11-22T10:00:00Z";
    v.borrow_id = "-";
    v.export_code = "K7QM-2XRD";
    v.classification = "internal";
    StampJob job;
    job.text = std::move(policy_->Render(v)).value();
    job.layout = policy_->layout();
    job.font_file = policy_->font_file();
    job.token = {{"ExportId", "0123456789abcdef0123456789abcdef"}, {"ExportCode", "K7QM-2XRD"}};
    return job;
  }

  // The page's text with whitespace removed: on rotated pages poppler puts
  // each word of a line on a line of its own, original and stamp alike.
  std::string PageText(const std::string& pdf, int page) {
    std::string text = RunTool("pdftotext -raw -f " + std::to_string(page) + " -l " + std::to_string(page) + " {} -",
                               pdf, dir_.path());
    text.erase(std::remove_if(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c); }), text.end());
    return text;
  }

  int Pages(const std::string& pdf) {
    std::string info = RunTool("pdfinfo {}", pdf, dir_.path());
    size_t at = info.find("Pages:");
    return at == std::string::npos ? -1 : std::stoi(info.substr(at + 6));
  }

  void ExpectStampedEverywhere(const std::string& source, int pages) {
    auto out = StampPdf(source, Job());
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(out->pages, pages);
    EXPECT_EQ(Pages(out->pdf), pages);
    for (int p = 1; p <= pages; ++p) {
      std::string text = PageText(out->pdf, p);
      EXPECT_THAT(text, HasSubstr("张三")) << "page " << p;
      EXPECT_THAT(text, HasSubstr("华南销售部")) << "page " << p;
      EXPECT_THAT(text, HasSubstr("K7QM-2XRD")) << "page " << p;
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<WatermarkPolicy> policy_ = Policy();
};

TEST_F(PdfStamperTest, EveryPageOfMixedSizesAndRotationsIsStampedAndKeepsItsText) {
  std::vector<FixturePage> layout = {{595, 842, 0, true},  {842, 595, 0, true},  {595, 842, 90, true},
                                     {595, 842, 180, true}, {612, 792, 270, true}, {400, 300, 0, false}};
  std::string source = MakePdf(layout);
  ExpectStampedEverywhere(source, static_cast<int>(layout.size()));
  auto out = StampPdf(source, Job());
  for (int p = 1; p <= 5; ++p) {
    EXPECT_THAT(PageText(out->pdf, p), HasSubstr("ORIGINALPAGE" + std::to_string(p))) << "page " << p;
  }
  // Rotation and boxes are the original's.
  std::string info = RunTool("pdfinfo -f 1 -l 6 {}", out->pdf, dir_.path());
  EXPECT_THAT(info, HasSubstr("Page    3 rot:   90"));
  EXPECT_THAT(info, HasSubstr("Page    5 rot:   270"));
  EXPECT_THAT(info, HasSubstr("Page    5 size:  612 x 792"));
}

TEST_F(PdfStamperTest, TheTokenIsInTheInfoDictionaryAndXmp) {
  auto out = StampPdf(MakePdf({{}}), Job());
  ASSERT_TRUE(out.ok());
  std::string info = RunTool("pdfinfo -custom {}", out->pdf, dir_.path());
  EXPECT_THAT(info, HasSubstr("VaultExportCode"));
  EXPECT_THAT(info, HasSubstr("K7QM-2XRD"));
  std::string xmp = RunTool("pdfinfo -meta {}", out->pdf, dir_.path());
  EXPECT_THAT(xmp, HasSubstr("<vault:ExportId>0123456789abcdef0123456789abcdef</vault:ExportId>"));
  auto evidence = ReadTraceEvidence(out->pdf);
  EXPECT_EQ(evidence.token["ExportCode"], "K7QM-2XRD");
  EXPECT_EQ(evidence.codes, std::vector<std::string>{"K7QM-2XRD"});
}

TEST_F(PdfStamperTest, LinearizedAndOwnerPasswordOnlyFilesAreStamped) {
  std::string source = MakePdf({{}, {842, 595, 90, true}});
  std::string linearized = testing::QpdfTransform(source, "--linearize", dir_.path());
  ASSERT_FALSE(linearized.empty());
  ExpectStampedEverywhere(linearized, 2);
  std::string owner_only = testing::QpdfTransform(source, "--encrypt '' owner-secret 256 --", dir_.path());
  ASSERT_FALSE(owner_only.empty());
  ExpectStampedEverywhere(owner_only, 2);
}

TEST_F(PdfStamperTest, TheStampChangesThePixels) {
  std::string source = MakePdf({{}});
  auto out = StampPdf(source, Job());
  ASSERT_TRUE(out.ok());
  std::string before = RunTool("pdftoppm -r 30 -gray -f 1 -l 1 {}", source, dir_.path());
  std::string after = RunTool("pdftoppm -r 30 -gray -f 1 -l 1 {}", out->pdf, dir_.path());
  ASSERT_FALSE(before.empty());
  ASSERT_EQ(before.size(), after.size());
  size_t differing = 0;
  for (size_t i = 0; i < before.size(); ++i) differing += before[i] != after[i];
  EXPECT_GT(differing, before.size() / 50) << "the stamp should cover a visible part of the page";
}

// Mean brightness of the top and bottom eighths of a page as displayed
// (pdftoppm applies /Rotate), from a PGM.
std::pair<double, double> TopAndBottom(const std::string& pgm) {
  std::istringstream in(pgm);
  std::string magic;
  int w = 0, h = 0, max = 0;
  in >> magic >> w >> h >> max;
  in.get();
  std::string pixels((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (magic != "P5" || static_cast<int>(pixels.size()) < w * h) return {0, 0};
  auto mean = [&](int y0, int y1) {
    double sum = 0;
    for (int y = y0; y < y1; ++y) {
      for (int x = 0; x < w; ++x) sum += static_cast<unsigned char>(pixels[static_cast<size_t>(y * w + x)]);
    }
    return sum / (static_cast<double>(y1 - y0) * w);
  };
  return {mean(0, h / 8), mean(h - h / 8, h)};
}

TEST_F(PdfStamperTest, TheStampReadsUprightOnRotatedPages) {
  // The footer line sits at the foot of the page as displayed, whatever the
  // page's /Rotate: the bottom strip is darker than the top one.
  for (int rotate : {0, 90, 180, 270}) {
    std::string source = MakePdf({{595, 842, rotate, false}});
    auto out = StampPdf(source, Job());
    ASSERT_TRUE(out.ok()) << rotate;
    std::string plain = RunTool("pdftoppm -r 20 -gray {}", source, dir_.path());
    std::string stamped = RunTool("pdftoppm -r 20 -gray {}", out->pdf, dir_.path());
    auto [plain_top, plain_bottom] = TopAndBottom(plain);
    auto [top, bottom] = TopAndBottom(stamped);
    EXPECT_LT(bottom - plain_bottom, top - plain_top - 1.0) << "rotate " << rotate;
  }
}

TEST_F(PdfStamperTest, AttachmentsDoNotLeaveUnstamped) {
  std::string source = MakePdf({{}});
  const std::string attachment = dir_.Join("original.docx");
  { std::ofstream(attachment) << "the unstamped original"; }
  std::string with_file = testing::QpdfTransform(source, "--add-attachment " + attachment + " --", dir_.path());
  ASSERT_FALSE(with_file.empty());
  ASSERT_THAT(RunTool("qpdf --list-attachments {}", with_file, dir_.path()), HasSubstr("original.docx"));
  auto out = StampPdf(with_file, Job());
  ASSERT_TRUE(out.ok());
  EXPECT_THAT(RunTool("qpdf --list-attachments {}", out->pdf, dir_.path()), ::testing::Not(HasSubstr("original.docx")));
  EXPECT_EQ(out->pdf.find("the unstamped original"), std::string::npos);
}

TEST_F(PdfStamperTest, AnUnbalancedOriginalCannotHideTheStamp) {
  // Content that pops the graphics state and clips everything away: it is
  // drawn inside its own form XObject, so the stamp still shows.
  std::string hostile = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                        "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                        "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >> endobj\n"
                        "4 0 obj << /Length 34 >> stream\nQ Q Q 0 0 1 1 re W n 0.001 0 0 0.001 0 0 cm\nendstream endobj\n"
                        "trailer << /Root 1 0 R >>\n%%EOF\n";
  auto out = StampPdf(hostile, Job());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  std::string plain = RunTool("pdftoppm -r 20 -gray {}", hostile, dir_.path());
  std::string stamped = RunTool("pdftoppm -r 20 -gray {}", out->pdf, dir_.path());
  ASSERT_EQ(plain.size(), stamped.size());
  size_t differing = 0;
  for (size_t i = 0; i < plain.size(); ++i) differing += plain[i] != stamped[i];
  EXPECT_GT(differing, plain.size() / 50);
}

TEST_F(PdfStamperTest, PagesWithSeveralContentStreamsKeepAllOfThem) {
  // A page whose content is split over two streams (one compressed with
  // qpdf below) and a page with one: both keep their text under the stamp.
  std::string split = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                      "2 0 obj << /Type /Pages /Kids [3 0 R 8 0 R] /Count 2 >> endobj\n"
                      "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 5 0 R]\n"
                      "  /Resources << /Font << /F1 6 0 R >> >> >> endobj\n"
                      "4 0 obj << /Length 37 >> stream\nBT /F1 18 Tf 72 700 Td (PARTONE) Tj\nendstream endobj\n"
                      "5 0 obj << /Length 31 >> stream\n( PARTTWOFOLLOWS) Tj ET\n\nendstream endobj\n"
                      "6 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n"
                      "8 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 9 0 R\n"
                      "  /Resources << /Font << /F1 6 0 R >> >> >> endobj\n"
                      "9 0 obj << /Length 44 >> stream\nBT /F1 18 Tf 72 700 Td (SINGLESTREAM) Tj ET\nendstream endobj\n"
                      "trailer << /Root 1 0 R >>\n%%EOF\n";  // no /Size: the output must still have one
  // The same file with a real cross-reference table and compressed streams
  // (qpdf's own writer needs /Size in the input trailer, as ours did).
  std::string sized = split;
  sized.replace(sized.find("trailer << /Root 1 0 R >>"), 25, "trailer << /Root 1 0 R /Size 10 >>");
  const std::string compressed = testing::QpdfTransform(sized, "--compress-streams=y --object-streams=generate", dir_.path());
  ASSERT_FALSE(compressed.empty());
  for (const auto& [name, source] : std::vector<std::pair<std::string, std::string>>{
           {"hand-written", split}, {"rewritten by qpdf", compressed}}) {
    SCOPED_TRACE(name);
    auto out = StampPdf(source, Job());
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_THAT(PageText(out->pdf, 1), HasSubstr("PARTONEPARTTWOFOLLOWS"));
    EXPECT_THAT(PageText(out->pdf, 1), HasSubstr("K7QM-2XRD"));
    EXPECT_THAT(PageText(out->pdf, 2), HasSubstr("SINGLESTREAM"));
    EXPECT_THAT(PageText(out->pdf, 2), HasSubstr("K7QM-2XRD"));
    EXPECT_EQ(RunTool("qpdf --check {} >/dev/null 2>&1 && echo clean", out->pdf, dir_.path()), "clean\n");
  }
}

TEST_F(PdfStamperTest, FilesThatCannotBeStampedFailWithStableCodes) {
  std::string source = MakePdf({{}, {}});
  EXPECT_THAT(StampPdf("hello, not a pdf", Job()), StatusIs(StatusCode::kInvalidArgument, "export.not_pdf"));
  EXPECT_THAT(StampPdf(source.substr(0, source.size() / 3), Job()),
              StatusIs(StatusCode::kInvalidArgument, "export.unreadable"));
  std::string user_pw = testing::QpdfTransform(source, "--encrypt user-secret owner-secret 256 --", dir_.path());
  ASSERT_FALSE(user_pw.empty());
  EXPECT_THAT(StampPdf(user_pw, Job()), StatusIs(StatusCode::kFailedPrecondition, "export.encrypted"));
  StampJob small = Job();
  small.max_pages = 1;
  EXPECT_THAT(StampPdf(source, small), StatusIs(StatusCode::kResourceExhausted, "export.too_many_pages"));
  // A page tree that loops back on itself.
  std::string loop = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                     "2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1000000000 >> endobj\n"
                     "trailer << /Root 1 0 R >>\n%%EOF\n";
  auto looped = StampPdf(loop, Job());
  EXPECT_FALSE(looped.ok());
  std::string zero = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                     "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
  auto none = StampPdf(zero, Job());
  EXPECT_FALSE(none.ok());
}

// StampJob::render_stamp replaces libharu's rendering (the fuzz target
// renders once per process): it is asked once per file, for every distinct
// page size, and its pages are what every page carries.
TEST_F(PdfStamperTest, AGivenStampRendererIsAskedOncePerFileForEachPageSize) {
  StampJob job = Job();
  int calls = 0;
  size_t sizes_asked = 0;
  job.render_stamp = [&](const std::vector<PageSize>& sizes,
                         const std::vector<int>& rotations) -> StatusOr<std::shared_ptr<StampDocument>> {
    ++calls;
    sizes_asked = sizes.size();
    return StampDocument::Render(job.text, job.layout, job.font_file, sizes, rotations);
  };
  std::string source = MakePdf({{}, {842, 595, 0, true}, {}});
  auto out = StampPdf(source, job);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(sizes_asked, 2u);
  EXPECT_EQ(Pages(out->pdf), 3);
  EXPECT_THAT(PageText(out->pdf, 2), HasSubstr("K7QM-2XRD"));
}

TEST_F(PdfStamperTest, AStampRendererThatGivesTooFewPagesFailsTheExport) {
  StampJob job = Job();
  job.render_stamp = [&](const std::vector<PageSize>& sizes,
                         const std::vector<int>& rotations) -> StatusOr<std::shared_ptr<StampDocument>> {
    return StampDocument::Render(job.text, job.layout, job.font_file, {sizes[0]}, {rotations[0]});
  };
  EXPECT_THAT(StampPdf(MakePdf({{}, {842, 595, 0, true}}), job),
              StatusIs(StatusCode::kInternal, "stamp.render_failed", HasSubstr("1 pages for 2 page sizes")));
}

TEST_F(PdfStamperTest, AStampThatQpdfCannotReadFailsTheExportAsARenderingFailure) {
  EXPECT_THAT(StampDocument::Parse("not a pdf at all"), StatusIs(StatusCode::kInternal, "stamp.render_failed"));
}

// The fuzz target parses its stamp once and hands the same StampDocument to
// every file: each file stamped with the reused document carries the stamp
// exactly as one stamped with a freshly rendered stamp, and the document
// survives the files it was copied into.
TEST_F(PdfStamperTest, AReusedStampDocumentStampsLikeAFreshOne) {
  StampJob fresh = Job();
  StampJob reused = Job();
  auto document = StampDocument::Render(fresh.text, fresh.layout, fresh.font_file, {{595, 842}}, {0});
  ASSERT_TRUE(document.ok()) << document.status().ToString();
  int calls = 0;
  reused.render_stamp = [&](const std::vector<PageSize>&, const std::vector<int>&) {
    ++calls;
    return StatusOr<std::shared_ptr<StampDocument>>(*document);
  };
  for (int round = 0; round < 3; ++round) {
    std::string source = MakePdf({{}, {}});
    auto a = StampPdf(source, fresh);
    auto b = StampPdf(source, reused);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_EQ(Pages(b->pdf), 2);
    for (int page = 1; page <= 2; ++page) {
      EXPECT_THAT(PageText(b->pdf, page), HasSubstr("K7QM-2XRD"));
      EXPECT_EQ(PageText(a->pdf, page), PageText(b->pdf, page)) << "round " << round << " page " << page;
    }
  }
  EXPECT_EQ(calls, 3);
}

TEST(WatermarkPolicyTest, UnknownPlaceholdersAndUnprintableNamesAreRefused) {
  auto bad = WatermarkPolicy::FromJson(R"({"version":1,"lines":["{nickname}"],"classification_labels":{"public":"a","internal":"b","confidential":"c"},"font_file":"/x.ttf"})");
  EXPECT_THAT(bad, StatusIs(StatusCode::kInvalidArgument, "watermark.invalid"));
  auto policy = Policy();
  StampValues v;
  v.user_name = "\xF0\x9F\x98\x80";  // an emoji: outside the BMP
  v.classification = "internal";
  EXPECT_THAT(policy->Render(v), StatusIs(StatusCode::kInvalidArgument, "watermark.unprintable"));
}

}  // namespace
}  // namespace vault
