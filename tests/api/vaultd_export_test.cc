// Stamped exports and tracing through the real vaultd: the bytes received
// are a stamped PDF whose SHA-256 the ledger holds; trace finds the export
// from the file, from a copy with its metadata stripped, and from the code;
// a forged token is reported as invalid.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <fstream>
#include <map>
#include <thread>

#include "tests/api/vaultd_fixture.h"
#include "tests/support/pdf_fixtures.h"
#include "vault/crypto/sha256.h"
#include "vault/export/default_watermark.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::Reply;
using testing::VaultdTest;

struct Download {
  int status = 0;
  std::string body;
  std::string code;
  std::string sha256;
  std::string content_type;
};

// Rewrites `pdf` with qpdf: strip the Info dictionary and XMP, or replace
// one Info entry.
std::string Rewrite(const std::string& pdf, bool strip, const std::string& key = "", const std::string& value = "") {
  QPDF q;
  q.setSuppressWarnings(true);
  q.processMemoryFile("test", pdf.data(), pdf.size());
  if (strip) {
    q.getTrailer().removeKey("/Info");
    q.getRoot().removeKey("/Metadata");
  } else {
    q.getTrailer().getKey("/Info").replaceKey(key, QPDFObjectHandle::newString(value));
  }
  QPDFWriter w(q);
  w.setOutputMemory();
  w.write();
  auto b = w.getBufferSharedPointer();
  return std::string(reinterpret_cast<const char*>(b->getBuffer()), b->getSize());
}

class VaultdExportTest : public VaultdTest {
 protected:
  void SetUp() override {
    VaultdTest::SetUp();
    UserChanges c;
    c.display_name = "张三";
    ASSERT_TRUE(lv_->identity().UpdateUser("staff_s", c).ok());
    ASSERT_TRUE(lv_->identity().AssignCustomer("staff_s", "C001").ok());
    source_ = testing::MakePdf({{595, 842, 0, true}, {842, 595, 90, true}, {612, 792, 0, false}});
    IngestRequest r;
    r.meta.customer_number = "C001";
    r.meta.doc_type = "contract";
    r.meta.title = "south contract pdf";
    r.meta.department = "华南销售部";
    r.meta.classification = "internal";
    r.filename = "contract.pdf";
    StringSource src(source_);
    pdf_doc_ = std::move(lv_->vault().Ingest(r, src)).value();
  }

  Download Export(const std::string& token, const std::string& id, const std::string& body = "") {
    Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest req("POST", "/api/v1/documents/" + id + "/exports", Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + token);
    req.setContentType("application/json");
    req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = s.receiveResponse(resp);
    Download d;
    d.status = resp.getStatus();
    d.code = resp.get("X-Export-Code", "");
    d.sha256 = resp.get("X-Content-SHA256", "");
    d.content_type = resp.getContentType();
    Poco::StreamCopier::copyToString(in, d.body);
    return d;
  }

  Reply Trace(const std::string& token, const std::string& pdf) {
    Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
    Poco::Net::HTTPRequest req("POST", "/api/v1/trace", Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + token);
    req.setContentType("application/pdf");
    req.setContentLength64(static_cast<Poco::Int64>(pdf.size()));
    s.sendRequest(req) << pdf;
    Poco::Net::HTTPResponse resp;
    Reply r;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), r.body);
    r.status = resp.getStatus();
    return r;
  }

  std::string Text(const std::string& pdf, int page) {
    std::string t = testing::RunTool("pdftotext -raw -f " + std::to_string(page) + " -l " + std::to_string(page) +
                                         " {} -",
                                     pdf, dir_.path());
    t.erase(std::remove_if(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }), t.end());
    return t;
  }

  struct ExportCounts {
    int ok = 0, refused = 0, other = 0;
  };
  // `n` exports of the PDF document started together; counts 200s, the
  // given refusal (status and error code), and anything else.
  ExportCounts ParallelExports(int n, const std::string& token, int refused_status, const std::string& refused_code) {
    std::vector<Download> results(static_cast<size_t>(n));
    std::vector<std::thread> threads;
    std::atomic<int> ready{0};
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < n) std::this_thread::yield();
        results[static_cast<size_t>(i)] = Export(token, pdf_doc_.id);
      });
    }
    for (auto& t : threads) t.join();
    ExportCounts c;
    for (const auto& d : results) {
      if (d.status == 200) ++c.ok;
      else if (d.status == refused_status && d.body.find(refused_code) != std::string::npos) ++c.refused;
      else ++c.other;
    }
    return c;
  }

  std::string source_;
  DocumentRecord pdf_doc_;
};

TEST_F(VaultdExportTest, StaffGetAStampedCopyWhoseHashTheLedgerHolds) {
  Download d = Export(Login("staff_s"), pdf_doc_.id);
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(d.content_type, "application/pdf");
  ASSERT_EQ(d.code.size(), 9u);
  EXPECT_EQ(d.sha256, Sha256::HexOf(d.body));  // what was received is what was recorded
  auto record = lv_->exports().ByCode(d.code);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->output_sha256, Sha256::HexOf(d.body));
  EXPECT_EQ(record->source_sha256, Sha256::HexOf(source_));
  EXPECT_EQ(record->username, "staff_s");
  EXPECT_EQ(record->pages, 3);
  for (int p = 1; p <= 3; ++p) {
    std::string t = Text(d.body, p);
    EXPECT_THAT(t, HasSubstr("张三")) << p;
    EXPECT_THAT(t, HasSubstr("华南销售部")) << p;
    EXPECT_THAT(t, HasSubstr(d.code)) << p;
  }
  EXPECT_THAT(Text(d.body, 1), HasSubstr("ORIGINALPAGE1"));
  AuditFilter f;
  f.action = "document.export";
  auto events = lv_->audit().List(f);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().record.actor, "staff_s");
  EXPECT_THAT(events->front().record.detail, HasSubstr(d.code));
  // The original never reaches staff.
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + pdf_doc_.id + "/content", Login("staff_s")).status, 403);
}

TEST_F(VaultdExportTest, TraceFindsTheExportFromTheFileAStrippedCopyAndTheCode) {
  Download d = Export(Login("staff_s"), pdf_doc_.id);
  ASSERT_EQ(d.status, 200);
  const std::string auditor = Login("auditor1");
  Reply full = Trace(auditor, d.body);
  ASSERT_EQ(full.status, 200) << full.body;
  EXPECT_EQ(full.json()->getObject("export")->getValue<std::string>("code"), d.code);
  EXPECT_EQ(full.json()->getObject("export")->getValue<std::string>("user"), "staff_s");
  EXPECT_TRUE(full.json()->getValue<bool>("signature_valid"));
  EXPECT_EQ(full.json()->getValue<std::string>("found_by"), "metadata");

  std::string stripped = Rewrite(d.body, /*strip=*/true);
  EXPECT_THAT(testing::RunTool("pdfinfo -custom {}", stripped, dir_.path()), ::testing::Not(HasSubstr("VaultExport")));
  Reply by_text = Trace(auditor, stripped);
  ASSERT_EQ(by_text.status, 200) << by_text.body;
  EXPECT_EQ(by_text.json()->getObject("export")->getValue<std::string>("code"), d.code);
  EXPECT_EQ(by_text.json()->getValue<std::string>("found_by"), "visible_code");
  EXPECT_FALSE(by_text.json()->getValue<bool>("signature_valid"));

  Reply by_code = Call("GET", "/api/v1/trace/" + d.code, Login("legal1"));
  ASSERT_EQ(by_code.status, 200);
  EXPECT_EQ(by_code.json()->getObject("export")->getValue<std::string>("output_sha256"), d.sha256);
  EXPECT_EQ(Call("GET", "/api/v1/trace/" + d.code, Login("staff_s")).status, 403);
}

TEST_F(VaultdExportTest, AForgedTokenIsReportedInvalid) {
  Download d = Export(Login("staff_s"), pdf_doc_.id);
  ASSERT_EQ(d.status, 200);
  auto record = lv_->exports().ByCode(d.code);
  std::string sig = record->signature;
  sig[0] = sig[0] == '0' ? '1' : '0';
  Reply forged = Trace(Login("auditor1"), Rewrite(d.body, false, "/VaultExportSignature", sig));
  ASSERT_EQ(forged.status, 200) << forged.body;
  EXPECT_FALSE(forged.json()->getValue<bool>("signature_valid"));
  // Someone pastes a colleague's genuine token into their own copy: the
  // printed code still names the real export, and the token is reported.
  Download other = Export(Login("staff_s"), pdf_doc_.id);
  ASSERT_EQ(other.status, 200);
  auto theirs = lv_->exports().ByCode(other.code);
  std::string transplanted = Rewrite(d.body, false, "/VaultExportId", theirs->export_id);
  transplanted = Rewrite(transplanted, false, "/VaultExportCode", theirs->code);
  transplanted = Rewrite(transplanted, false, "/VaultExportSignature", theirs->signature);
  Reply mixed = Trace(Login("auditor1"), transplanted);
  ASSERT_EQ(mixed.status, 200) << mixed.body;
  EXPECT_EQ(mixed.json()->getObject("export")->getValue<std::string>("code"), d.code);
  EXPECT_TRUE(mixed.json()->getValue<bool>("token_disagrees"));
  EXPECT_FALSE(mixed.json()->getValue<bool>("signature_valid"));
  EXPECT_FALSE(mixed.json()->getValue<bool>("exact_copy"));
  Reply exact = Trace(Login("auditor1"), other.body);
  EXPECT_TRUE(exact.json()->getValue<bool>("exact_copy"));
  // Codes read off paper: lower case, O for 0, I/L for 1 still match.
  std::string sloppy = other.code;
  for (auto& c : sloppy) {
    if (c == '0') c = 'O';
    else if (c == '1') c = 'l';
    else c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  EXPECT_EQ(Call("GET", "/api/v1/trace/" + sloppy, Login("auditor1")).status, 200) << sloppy;
  Reply unknown = Trace(Login("auditor1"), testing::MakePdf({{}}));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.error_code(), "trace.not_found");
}

TEST_F(VaultdExportTest, NonPdfAndBadRequestsGetStableCodes) {
  Download text = Export(Login("staff_s"), south_.id);  // stored as plain text
  EXPECT_EQ(text.status, 415);
  EXPECT_THAT(text.body, HasSubstr("export.unsupported_type"));
  EXPECT_THAT(Export(Login("staff_s"), pdf_doc_.id, R"({"version":7})").body, HasSubstr("document.version_not_found"));
  EXPECT_THAT(Export(Login("staff_s"), pdf_doc_.id, R"({"colour":1})").body, HasSubstr("request.unknown_field"));
  EXPECT_EQ(Export(Login("auditor1"), pdf_doc_.id).status, 403);  // auditors never get content
  EXPECT_EQ(Export(Login("staff_s"), east_.id).status, 404);      // another department: invisible
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
  EXPECT_EQ(lv_->exports().ForDocument(pdf_doc_.id)->size(), 0u);  // nothing recorded for failures
}

// A small PNG whose header claims 2^31-1 x 2^31-1 pixels.
std::string ForgedPngSize() {
  std::string png = testing::MakePng(16, 16, 100);
  for (size_t at : {16u, 20u}) png.replace(at, 4, std::string("\x7f\xff\xff\xff", 4));
  return png;
}

TEST_F(VaultdExportTest, ScansBecomeOneStampedPagePerImage) {
  struct Scan {
    std::string name, bytes;
    int pages;
    std::string size;  // pdfinfo's page size at the image's dpi
  };
  std::vector<Scan> scans = {
      {"jpeg", testing::MakeJpeg(800, 600, 200), 1, "288 x 216 pts"},
      {"png", testing::MakePng(600, 900, 300), 1, "144 x 216 pts"},
      {"tiff", testing::MakeTiff(3, 400, 500, 100, dir_.path()), 3, "288 x 360 pts"},
  };
  const std::string staff = Login("staff_s");
  for (const auto& scan : scans) {
    ASSERT_FALSE(scan.bytes.empty()) << scan.name;
    IngestRequest r;
    r.meta.customer_number = "C001";
    r.meta.doc_type = "contract";
    r.meta.title = "scan " + scan.name;
    r.meta.department = "华南销售部";
    r.meta.classification = "internal";
    StringSource src(scan.bytes);
    auto doc = lv_->vault().Ingest(r, src);
    ASSERT_TRUE(doc.ok());
    Download d = Export(staff, doc->id);
    ASSERT_EQ(d.status, 200) << scan.name << ": " << d.body.substr(0, 200);
    EXPECT_EQ(d.body.rfind("%PDF", 0), 0u);
    std::string info = testing::RunTool("pdfinfo -f 1 -l 9 {}", d.body, dir_.path());
    EXPECT_THAT(info, HasSubstr("Pages:           " + std::to_string(scan.pages))) << scan.name;
    EXPECT_THAT(info, HasSubstr(scan.size)) << scan.name << "\n" << info;
    for (int p = 1; p <= scan.pages; ++p) {
      std::string t = Text(d.body, p);
      EXPECT_THAT(t, HasSubstr("张三")) << scan.name << " page " << p;
      EXPECT_THAT(t, HasSubstr(d.code)) << scan.name << " page " << p;
    }
    EXPECT_EQ(lv_->exports().ByCode(d.code)->pages, scan.pages);
  }
  // Files that claim to be scans but are not (libpng and libjpeg would end
  // the process on some of these if left to their defaults).
  const std::string tiff = testing::MakeTiff(2, 64, 64, 100, dir_.path());
  const std::vector<std::pair<std::string, std::string>> fakes = {
      {"fake png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, 'x')},
      {"fake jpeg", std::string("\xFF\xD8\xFF\xE0", 4) + std::string(100, 'x')},
      {"truncated jpeg", testing::MakeJpeg(300, 300, 100).substr(0, 200)},
      {"truncated tiff", tiff.substr(0, tiff.size() / 3)},
      {"png with a forged huge size", ForgedPngSize()},
  };
  for (const auto& [name, bytes] : fakes) {
    IngestRequest r;
    r.meta.customer_number = "C001";
    r.meta.doc_type = "contract";
    r.meta.title = name;
    r.meta.department = "华南销售部";
    r.meta.classification = "internal";
    StringSource fake(bytes);
    auto doc = lv_->vault().Ingest(r, fake);
    ASSERT_TRUE(doc.ok());
    Download bad = Export(staff, doc->id);
    EXPECT_TRUE(bad.status == 422 || bad.status == 413) << name << ": " << bad.status << " " << bad.body;
    EXPECT_THAT(bad.body, HasSubstr("\"code\":\"export.")) << name;
    EXPECT_EQ(Call("GET", "/healthz").status, 200) << "after " << name;
  }
}

TEST_F(VaultdExportTest, HostilePdfsGetStableErrorsAndTheServerStaysUp) {
  const std::string good = testing::MakePdf({{}, {}});
  std::string broken_xref = good;
  size_t xref = broken_xref.rfind("startxref");
  ASSERT_NE(xref, std::string::npos);
  broken_xref.replace(xref, 9, "startxref\n999999999\n%%EOF\n");
  broken_xref.resize(xref + 30);
  const std::string deep = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /X " + std::string(20000, '[') +
                           std::string(20000, ']') + " >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
                           "trailer << /Root 1 0 R >>\n%%EOF\n";
  const std::string loop = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                           "2 0 obj << /Type /Pages /Kids [2 0 R] /Count 1 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
  const std::string huge_count = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                                 "2 0 obj << /Type /Pages /Kids [] /Count 2000000000 >> endobj\n"
                                 "trailer << /Root 1 0 R >>\n%%EOF\n";
  const std::string user_pw =
      testing::QpdfTransform(good, "--encrypt user-secret owner-secret 256 --", dir_.path());
  ASSERT_FALSE(user_pw.empty());
  struct Case {
    std::string name, bytes;
    std::vector<int> statuses;
  };
  std::vector<Case> cases = {
      {"truncated", good.substr(0, good.size() / 2), {422, 200}},  // qpdf may recover a readable prefix
      {"broken xref", broken_xref, {422, 200}},
      {"deep nesting", deep, {422}},
      {"page tree loop", loop, {422}},
      {"huge declared count", huge_count, {422}},
      {"user password", user_pw, {422}},
  };
  const std::string staff = Login("staff_s");
  for (const auto& c : cases) {
    IngestRequest r;
    r.meta.customer_number = "C001";
    r.meta.doc_type = "contract";
    r.meta.title = "hostile " + c.name;
    r.meta.department = "华南销售部";
    r.meta.classification = "internal";
    StringSource src(c.bytes);
    auto doc = lv_->vault().Ingest(r, src);
    ASSERT_TRUE(doc.ok()) << c.name;
    Download d = Export(staff, doc->id);
    EXPECT_NE(std::find(c.statuses.begin(), c.statuses.end(), d.status), c.statuses.end())
        << c.name << ": " << d.status << " " << d.body.substr(0, 200);
    if (d.status != 200) {
      EXPECT_THAT(d.body, HasSubstr("\"code\":\"export.")) << c.name;
      EXPECT_TRUE(lv_->exports().ForDocument(doc->id)->empty()) << c.name;
    }
    EXPECT_EQ(Call("GET", "/healthz").status, 200) << "after " << c.name;
  }
}

// The stored PDF is read straight out of its blob, chunk by chunk: a
// damaged chunk anywhere the PDF reader goes fails the export with the
// blob's error, even where qpdf could have recovered, and nothing leaves.
TEST_F(VaultdExportTest, ADamagedBlobChunkFailsTheExportAndNothingLeaves) {
  std::vector<testing::FixturePage> pages(1500);
  const std::string big = testing::MakePdf(pages);
  ASSERT_GT(big.size(), 4u * 65536) << "the fixture must span several chunks";
  IngestRequest r;
  r.meta.customer_number = "C001";
  r.meta.doc_type = "contract";
  r.meta.title = "damaged in the middle";
  r.meta.department = "华南销售部";
  r.meta.classification = "internal";
  StringSource src(big);
  auto doc = lv_->vault().Ingest(r, src);
  ASSERT_TRUE(doc.ok());
  const std::string staff = Login("staff_s");
  Download intact = Export(staff, doc->id);
  ASSERT_EQ(intact.status, 200) << intact.body.substr(0, 200);
  EXPECT_EQ(testing::RunTool("pdfinfo {} | grep '^Pages:'", intact.body, dir_.path()).find("1500") != std::string::npos,
            true);

  const std::string path = lv_->blobs().PathOf(lv_->vault().Versions(doc->id)->at(0).blob_name);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(80 + 2 * 65552 + 500);  // inside chunk 2 (page objects and content)
    char c = 0;
    f.read(&c, 1);
    f.seekp(80 + 2 * 65552 + 500);
    c = static_cast<char>(c ^ 0x20);
    f.write(&c, 1);
  }
  Download d = Export(staff, doc->id);
  EXPECT_EQ(d.status, 500) << d.body.substr(0, 200);
  EXPECT_THAT(d.body, HasSubstr("\"code\":\"blob.chunk_auth_failed\""));
  EXPECT_EQ(d.body.find("%PDF"), std::string::npos);
  EXPECT_EQ(lv_->exports().ForDocument(doc->id)->size(), 1u) << "only the intact export is in the ledger";
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
}

// Every route of the server, as every role that must never receive the
// original: whatever bytes come back are either not the document, or a
// stamped export with its code.
TEST_F(VaultdExportTest, NoRouteGivesNonAdminsTheUnstampedOriginal) {
  std::map<std::string, std::string> tokens;
  for (const char* user : {"manager_s", "staff_s", "legal1", "auditor1", "admin1"}) tokens[user] = Login(user);
  int pdf_responses = 0;
  for (const auto& route : vaultd::VaultServer::Routes()) {
    std::string path = route.pattern;
    for (const auto& [param, value] : std::map<std::string, std::string>{
             {"{id}", pdf_doc_.id}, {"{name}", "staff_s"}, {"{code}", "ZZZZ-ZZZZ"}}) {
      size_t at = path.find(param);
      if (at != std::string::npos) path.replace(at, param.size(), value);
    }
    for (const auto& [user, token] : tokens) {
      Poco::Net::HTTPClientSession s("127.0.0.1", server_->port());
      Poco::Net::HTTPRequest req(route.method, path, Poco::Net::HTTPMessage::HTTP_1_1);
      req.set("Authorization", "Bearer " + token);
      std::string body = route.method == "GET" || route.method == "DELETE" ? "" : "{}";
      if (!body.empty()) {
        req.setContentType("application/json");
        req.setContentLength64(static_cast<Poco::Int64>(body.size()));
      }
      s.sendRequest(req) << body;
      Poco::Net::HTTPResponse resp;
      std::string got;
      Poco::StreamCopier::copyToString(s.receiveResponse(resp), got);
      const std::string where = route.method + " " + route.pattern + " as " + user;
      EXPECT_EQ(got.find(source_), std::string::npos) << where << " returned the original";
      if (got.rfind("%PDF", 0) == 0) {
        ++pdf_responses;
        EXPECT_FALSE(resp.get("X-Export-Code", "").empty()) << where << " returned an unstamped PDF";
        EXPECT_NE(got, source_) << where;
      }
      if (route.pattern == std::string("/api/v1/sessions/current")) tokens[user] = Login(user);  // logged out
    }
  }
  EXPECT_GE(pdf_responses, 3);  // the export route, for manager, staff and legal
}

// The per-user hourly limit holds even for parallel requests: it is checked
// again in the same transaction that records the export.
class VaultdExportLimitTest : public VaultdExportTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override {
    std::string json = kDefaultWatermarkJson;
    size_t at = json.find("\"exports_per_user_per_hour\": 120");
    EXPECT_NE(at, std::string::npos);
    json.replace(at, std::string("\"exports_per_user_per_hour\": 120").size(), "\"exports_per_user_per_hour\": 2");
    opts.watermark_json = json;
    opts.max_concurrent_exports = 8;
  }
};

TEST_F(VaultdExportLimitTest, ParallelExportsCannotExceedTheHourlyLimit) {
  auto counts = ParallelExports(5, Login("staff_s"), 429, "export.rate_limited");
  EXPECT_EQ(counts.ok, 2);
  EXPECT_EQ(counts.refused, 3);
  EXPECT_EQ(counts.other, 0);
  EXPECT_EQ(lv_->exports().ForDocument(pdf_doc_.id)->size(), 2u);
}

class VaultdExportGateTest : public VaultdExportTest {
 protected:
  void Configure(vaultd::ServerOptions& opts) override { opts.max_concurrent_exports = 1; }
};

TEST_F(VaultdExportGateTest, ExportsBeyondTheConcurrencyCapAreRefusedNotQueued) {
  auto counts = ParallelExports(6, Login("staff_s"), 503, "export.busy");
  EXPECT_GE(counts.ok, 1);
  EXPECT_GE(counts.refused, 1) << "six simultaneous exports never overlapped";
  EXPECT_EQ(counts.other, 0);
  EXPECT_EQ(lv_->exports().ForDocument(pdf_doc_.id)->size(), static_cast<size_t>(counts.ok));
}

}  // namespace
}  // namespace vault
