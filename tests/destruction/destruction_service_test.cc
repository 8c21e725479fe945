// Destruction through the real vault: four eyes and a witness, refusals
// that change nothing (hold, loan, retention, self-approval, role), the
// execution (keys gone, blobs gone, no plaintext marker or wrapped-key
// bytes anywhere under the data directory, a ghost, a certificate that
// openssl and minisign verify), and a crash after every step followed by a
// restart that finishes exactly once with exactly one certificate.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/filesystem.hpp>

#include "vault/storage/filesystem_type.h"
#include <cstdlib>
#include <fstream>

#include "tests/support/test_database.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/base/hex.h"
#include "vault/destruction/certificate_check.h"
#include "vault/destruction/destruction_service.h"
#include "vault/destruction/destruction_policy.h"
#include "vault/destruction/default_destruction.h"
#include "vault/borrow/borrow_store.h"
#include <sys/wait.h>
#include "vault/keys/minisign.h"
#include "vault/services/services.h"

namespace vault {
namespace {

constexpr auto kYear = std::chrono::hours(24 * 366);

class DestructionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::InitTestVault(dir_);
    config_.clock = &clock_;
    config_.login_policy.argon2_opslimit = 1;
    config_.login_policy.argon2_memlimit = 8u << 20;
    Open();
    for (auto [name, role] : std::vector<std::pair<std::string, std::string>>{
             {"archivist", "archive_admin"}, {"archivist2", "archive_admin"}, {"lawyer", "legal"},
             {"clerk", "staff"}}) {
      NewUser u;
      u.username = name;
      u.role = role;
      u.department = "档案室";
      u.clearance = "confidential";
      u.password = "a long enough password";
      ASSERT_TRUE(lv_->identity().AddUser(u).ok());
    }
    old_ = Ingest("旧报价单 " + marker_, "C100");   // a quotation: 3 years from ingest
    clock_.Advance(4 * kYear);
    fresh_ = Ingest("新报价单", "C100");
  }

  // (Re)opens the vault and its services as vaultd does, with the
  // destruction's crash points.
  void Open(std::function<void(const char*)> crash = nullptr) {
    services_.reset();
    ServicesOptions o;
    o.config = config_;
    o.clock = &clock_;
    o.destruction_crash_point = std::move(crash);
    services_ = std::move(Services::Open(std::move(o))).value();
    lv_ = &services_->vault();
    service_ = &services_->destructions();
    signer_ = std::move(services_->certificate_signer().Current()).value();
  }

  std::string Ingest(const std::string& title, const std::string& customer) {
    IngestRequest r;
    r.meta.customer_number = customer;
    r.meta.doc_type = "quotation";
    r.meta.title = "quote";
    r.meta.department = "华南销售部";
    r.meta.classification = "internal";
    StringSource src("报价内容 " + title + " " + marker_ + std::string(200000, 'q'));
    return std::move(lv_->vault().Ingest(r, src)).value().id;
  }

  Subject As(const std::string& name) {
    User u = std::move(lv_->identity().GetUser(name)).value();
    return Subject{u.username, u.role, u.department, u.clearance, u.customers, false};
  }

  Destruction Approved(const std::string& doc) {
    DestructionRequest r;
    r.documents = {doc};
    r.reason = "retention_expired";
    r.reference = "2026年第3次档案鉴定会议纪要";
    auto d = service_->Request(As("archivist"), r);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    auto a = service_->Approve(As("archivist2"), d->id, "王监销");
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return *a;
  }

  // Every file under the data directory, as bytes.
  std::vector<std::pair<std::string, std::string>> DataFiles() {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& e : boost::filesystem::recursive_directory_iterator(config_.data_dir)) {
      if (boost::filesystem::is_regular_file(e.path())) out.emplace_back(e.path().string(), testing::ReadFile(e.path().string()));
    }
    return out;
  }

  testing::TempDir dir_;
  FakeClock clock_{std::chrono::system_clock::from_time_t(1700000000)};
  LocalVaultConfig config_;
  std::unique_ptr<Services> services_;
  LocalVault* lv_ = nullptr;
  DestructionService* service_ = nullptr;
  std::unique_ptr<Signer> signer_;  // purpose "certificate"
  const std::string marker_ = "MARKER-7f3a9c1e5b-销毁测试";
  std::string old_, fresh_;
};

TEST_F(DestructionTest, FourEyesCryptoEraseOverwriteGhostAndAVerifiableCertificate) {
  auto versions = lv_->vault().Versions(old_);
  const std::string blob_path = lv_->blobs().PathOf(versions->at(0).blob_name);
  // The wrapped data key as the database stores it (hex), to look for later.
  auto wrapped = lv_->metadata().GetWrappedKey(old_, 1);
  ASSERT_TRUE(wrapped.ok());
  const std::string wrapped_hex = HexEncode(wrapped->bytes.data(), wrapped->bytes.size());
  const std::string wrapped_raw(wrapped->bytes.begin(), wrapped->bytes.end());
  Destruction d = Approved(old_);
  EXPECT_EQ(d.state, "approved");
  EXPECT_EQ(d.witness, "王监销");
  auto done = service_->Execute(As("archivist"), d.id);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->state, "completed");
  ASSERT_FALSE(done->certificate_id.empty());
  EXPECT_FALSE(boost::filesystem::exists(blob_path));
  // The content is gone for good; the ghost and its certificate remain.
  StringSink sink;
  EXPECT_FALSE(lv_->vault().ReadContent(old_, 0, sink).ok());
  EXPECT_EQ(*service_->CertificateOfDestroyed(old_), done->certificate_id);
  EXPECT_TRUE(lv_->vault().Get(old_).ok()) << "metadata kept as a ghost";
  auto verify = lv_->vault().Verify();
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->intact()) << "a ghost is not damage";
  // No plaintext marker anywhere under the data directory.
  // No plaintext marker and no trace of the data key anywhere under the
  // data directory (database, WAL, blobs).
  for (const auto& [path, bytes] : DataFiles()) {
    EXPECT_EQ(bytes.find(marker_), std::string::npos) << path;
    EXPECT_EQ(bytes.find(wrapped_hex), std::string::npos) << path;
    EXPECT_EQ(bytes.find(wrapped_raw), std::string::npos) << path;
  }
  // The certificate verifies with stock tools, and one changed byte fails both.
  auto cert = lv_->destructions().GetCertificate(done->certificate_id);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->previous_sha256, std::string(64, '0'));
  EXPECT_EQ(CanonicalJsonOf(cert->json), cert->json) << "stored in canonical form";
  auto view = ViewOfCertificate(*cert);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->witness, "王监销");
  ASSERT_EQ(view->records.size(), 1u);
  EXPECT_EQ(view->records[0].plaintext_sha256.at(0), versions->at(0).sha256);
  EXPECT_EQ(view->passes.size(), 3u);
  EXPECT_TRUE(view->passes.back().verified);
  auto pdf = CertificatePdf(*view, "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc");
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_NE(cert->json.find(versions->at(0).sha256), std::string::npos) << "plaintext SHA-256 recorded";
  EXPECT_NE(cert->json.find("王监销"), std::string::npos);
  EXPECT_NE(cert->json.find("crypto erase + overwrite"), std::string::npos);
  // The filesystem the blobs were overwritten on, by its real name (it said
  // "unknown" on ext4 before): an auditor tells local disks from NFS/CephFS.
  const std::string fs_type = FilesystemTypeOf(config_.data_dir);
  EXPECT_NE(fs_type, "unknown");
  EXPECT_NE(cert->json.find("\"filesystem\":\"" + fs_type + "\""), std::string::npos) << cert->json;
  const std::string w = dir_.path();
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream out(w + "/" + name, std::ios::binary);
    out << bytes;
  };
  write("cert.json", cert->json);
  auto sig = HexDecode(cert->signature);
  ASSERT_TRUE(sig.has_value());
  write("cert.json.sig", std::string(sig->begin(), sig->end()));
  write("cert.json.minisig", cert->minisig);
  write("signing.pem", Ed25519PublicKeyPem(signer_->public_key()));
  write("vault.pub", MinisignPublicKey(signer_->public_key()));
  const std::string openssl = "openssl pkeyutl -verify -pubin -inkey " + w + "/signing.pem -rawin -in " + w +
                              "/cert.json -sigfile " + w + "/cert.json.sig >/dev/null 2>&1";
  const std::string minisign = "minisign -Vm " + w + "/cert.json -p " + w + "/vault.pub >/dev/null 2>&1";
  EXPECT_EQ(std::system(openssl.c_str()), 0);
  EXPECT_EQ(std::system(minisign.c_str()), 0);
  std::string changed = cert->json;
  changed[changed.size() / 2] ^= 1;
  write("cert.json", changed);
  EXPECT_NE(std::system(openssl.c_str()), 0);
  EXPECT_NE(std::system(minisign.c_str()), 0);
  // A second destruction chains to the first certificate.
  clock_.Advance(4 * kYear);
  Destruction second = Approved(fresh_);
  auto done2 = service_->Execute(As("archivist"), second.id);
  ASSERT_TRUE(done2.ok()) << done2.status().ToString();
  auto cert2 = lv_->destructions().GetCertificate(done2->certificate_id);
  EXPECT_EQ(cert2->previous_sha256, cert->sha256);
  EXPECT_EQ(cert2->seq, 2);
}

TEST_F(DestructionTest, RefusalsChangeNothing) {
  DestructionRequest r;
  r.documents = {fresh_};
  r.reason = "retention_expired";
  r.reference = "纪要";
  auto early = service_->Request(As("archivist"), r);
  EXPECT_EQ(early.status().reason(), "destruction.protected") << "retention not expired";
  r.documents = {old_};
  EXPECT_EQ(service_->Request(As("clerk"), r).status().reason(), "access.denied");
  EXPECT_EQ(service_->Request(As("lawyer"), r).status().reason(), "access.denied");
  auto d = service_->Request(As("archivist"), r);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(service_->Approve(As("archivist"), d->id, "王监销").status().reason(), "destruction.self_approval");
  EXPECT_EQ(service_->Approve(As("clerk"), d->id, "王监销").status().reason(), "access.denied");
  EXPECT_EQ(service_->Approve(As("archivist2"), d->id, "").status().reason(), "destruction.witness_required");
  EXPECT_EQ(service_->Execute(As("archivist"), d->id).status().reason(), "destruction.bad_state");
  ASSERT_TRUE(service_->Approve(As("archivist2"), d->id, "王监销").ok());
  // A hold placed after approval stops the execution; nothing is touched.
  EXPECT_EQ(service_->AddHold(As("archivist"), "customer", "C100", "诉讼").status().reason(), "access.denied");
  auto hold = service_->AddHold(As("lawyer"), "customer", "C100", "2026民初123号诉讼");
  ASSERT_TRUE(hold.ok());
  auto refused = service_->Execute(As("archivist"), d->id);
  EXPECT_EQ(refused.status().reason(), "destruction.protected");
  EXPECT_NE(refused.status().message().find("legal hold"), std::string::npos);
  StringSink still;
  EXPECT_TRUE(lv_->vault().ReadContent(old_, 0, still).ok()) << "content untouched";
  EXPECT_EQ(service_->Get(As("archivist"), d->id)->state, "approved");
  ASSERT_TRUE(service_->ReleaseHold(As("lawyer"), hold->id).ok());
  // A customer's erasure request needs legal's approval, then retention
  // does not block it.
  DestructionRequest erase;
  erase.documents = {fresh_};
  erase.reason = "customer_request";
  erase.reference = "客户来函 2026-11-01";
  auto e = service_->Request(As("archivist"), erase);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(service_->Approve(As("archivist2"), e->id, "监销").status().reason(), "destruction.legal_required");
  ASSERT_TRUE(service_->Approve(As("lawyer"), e->id, "监销").ok());
  EXPECT_TRUE(service_->Execute(As("archivist"), e->id).ok());
  EXPECT_TRUE(service_->Execute(As("archivist"), d->id).ok());
}

class DestructionCrashTest : public DestructionTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(DestructionCrashTest, ACrashAfterAnyStepFinishesExactlyOnceOnRestart) {
  Destruction d = Approved(old_);
  const std::string point = GetParam();
  EXPECT_EXIT(
      {
        Open([point](const char* p) {
          if (point == p) ::_exit(42);
        });
        (void)service_->Execute(As("archivist"), d.id);
        ::_exit(0);
      },
      ::testing::ExitedWithCode(42), "");
  Open();  // the restart
  ASSERT_TRUE(service_->Resume().ok());
  auto after = lv_->destructions().Get(d.id);
  EXPECT_EQ(after->state, "completed") << "after " << point;
  auto certs = lv_->destructions().Certificates();
  ASSERT_EQ(certs->size(), 1u) << "exactly one certificate after " << point;
  EXPECT_EQ(certs->at(0).destruction_id, d.id);
  EXPECT_FALSE(boost::filesystem::exists(lv_->blobs().PathOf(lv_->vault().Versions(old_)->at(0).blob_name)));
  EXPECT_TRUE(service_->Resume().ok());
  EXPECT_EQ(lv_->destructions().Certificates()->size(), 1u) << "resuming again changes nothing";
  EXPECT_TRUE(service_->Execute(As("archivist"), d.id).ok()) << "executing a completed one is a no-op";
  EXPECT_EQ(lv_->destructions().Certificates()->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Steps, DestructionCrashTest,
                         ::testing::Values("after_snapshot", "after_erase", "after_pass_1", "after_pass_2",
                                           "after_pass_3", "after_overwrite", "after_ghost", "after_certificate"));

TEST_F(DestructionTest, ARecordOnLoanIsRefused) {
  Borrow b;
  b.id = "JYTESTLOAN0001";
  b.borrower = "clerk";
  b.borrower_department = "档案室";
  b.purpose = "核对";
  b.kind = "paper";
  b.rule = "default";
  b.state = "issued";
  b.requested_at = b.issued_at = FormatUtc(clock_.Now());
  b.due_at = FormatUtc(clock_.Now() + std::chrono::hours(24));
  BorrowItem item;
  item.document_id = old_;
  item.archive_number = "x";
  b.items.push_back(item);
  ASSERT_TRUE(lv_->borrows().Insert(b).ok());
  DestructionRequest r;
  r.documents = {old_};
  r.reason = "retention_expired";
  r.reference = "纪要";
  auto refused = service_->Request(As("archivist"), r);
  EXPECT_EQ(refused.status().reason(), "destruction.protected");
  EXPECT_NE(refused.status().message().find("open loan"), std::string::npos);
  EXPECT_TRUE(lv_->destructions().Certificates()->empty());
}

// A loan of old_ by `borrower`, written directly (as one made earlier).
Borrow LoanOf(const std::string& doc, const std::string& borrower, const std::string& state, TimePoint now) {
  Borrow b;
  b.id = "JYTEST" + borrower.substr(0, 4) + state.substr(0, 4);
  b.borrower = borrower;
  b.borrower_department = "档案室";
  b.purpose = "核对";
  b.kind = "paper";
  b.rule = "default";
  b.state = state;
  b.requested_at = FormatUtc(now);
  if (state == "issued") {
    b.issued_at = b.requested_at;
    b.due_at = FormatUtc(now + std::chrono::hours(24));
  }
  BorrowItem item;
  item.document_id = doc;
  item.archive_number = "x";
  b.items.push_back(item);
  return b;
}

TEST_F(DestructionTest, PendingRequestOfSomeoneWhoCannotSeeTheRecordDoesNotBlockDestruction) {
  // clerk is staff of 档案室: the record (华南销售部) is not theirs to see.
  ASSERT_TRUE(lv_->borrows().Insert(LoanOf(old_, "clerk", "requested", clock_.Now())).ok());
  DestructionRequest r;
  r.documents = {old_};
  r.reason = "retention_expired";
  r.reference = "纪要";
  auto d = service_->Request(As("archivist"), r);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_TRUE(service_->Approve(As("archivist2"), d->id, "王监销").ok());
  auto done = service_->Execute(As("archivist"), d->id);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->state, "completed");
}

TEST_F(DestructionTest, PendingRequestOfSomeoneWhoSeesTheRecordStillBlocksDestruction) {
  NewUser u;
  u.username = "south_clerk";
  u.role = "staff";
  u.department = "华南销售部";
  u.clearance = "internal";
  u.password = "a long enough password";
  ASSERT_TRUE(lv_->identity().AddUser(u).ok());
  ASSERT_TRUE(lv_->identity().AssignCustomer("south_clerk", "C100").ok());
  ASSERT_TRUE(lv_->borrows().Insert(LoanOf(old_, "south_clerk", "requested", clock_.Now())).ok());
  DestructionRequest r;
  r.documents = {old_};
  r.reason = "retention_expired";
  r.reference = "纪要";
  auto refused = service_->Request(As("archivist"), r);
  EXPECT_EQ(refused.status().reason(), "destruction.protected");
  EXPECT_NE(refused.status().message().find("open loan"), std::string::npos);
}

TEST_F(DestructionTest, HoldPlacedBetweenCheckAndFirstStepStopsExecution) {
  Destruction d = Approved(old_);
  Open([this](const char* point) {
    if (std::string(point) == "after_check") {
      ASSERT_TRUE(service_->AddHold(As("lawyer"), "document", old_, "2026民初7号诉讼").ok());
    }
  });
  auto refused = service_->Execute(As("archivist"), d.id);
  EXPECT_EQ(refused.status().reason(), "destruction.protected");
  EXPECT_NE(refused.status().message().find("legal hold"), std::string::npos) << refused.status().ToString();
  EXPECT_EQ(lv_->destructions().Get(d.id)->state, "approved");
  StringSink still;
  EXPECT_TRUE(lv_->vault().ReadContent(old_, 0, still).ok()) << "content untouched";
  EXPECT_TRUE(lv_->destructions().Certificates()->empty());
}

TEST_F(DestructionTest, LoanPlacedBetweenCheckAndFirstStepStopsExecution) {
  Destruction d = Approved(old_);
  Open([this](const char* point) {
    if (std::string(point) == "after_check") {
      ASSERT_TRUE(lv_->borrows().Insert(LoanOf(old_, "clerk", "issued", clock_.Now())).ok());
    }
  });
  auto refused = service_->Execute(As("archivist"), d.id);
  EXPECT_EQ(refused.status().reason(), "destruction.protected");
  EXPECT_NE(refused.status().message().find("open loan"), std::string::npos) << refused.status().ToString();
  StringSink still;
  EXPECT_TRUE(lv_->vault().ReadContent(old_, 0, still).ok()) << "content untouched";
}

TEST_F(DestructionTest, LoanOfARecordWhoseDestructionStartedIsRefused) {
  Destruction d = Approved(old_);
  Status late;
  Open([&](const char* point) {
    if (std::string(point) == "after_snapshot") late = lv_->borrows().Insert(LoanOf(old_, "clerk", "issued", clock_.Now()));
  });
  ASSERT_TRUE(service_->Execute(As("archivist"), d.id).ok());
  EXPECT_EQ(late.reason(), "document.being_destroyed") << late.ToString();
}

TEST_F(DestructionTest, VaultctlDetectsADeletedCertificate) {
  clock_.Advance(4 * kYear);  // both records past retention
  for (const std::string& doc : {old_, fresh_}) {
    Destruction d = Approved(doc);
    ASSERT_TRUE(service_->Execute(As("archivist"), d.id).ok());
  }
  std::string env = "VAULT_DATA=" + config_.data_dir + " VAULT_KEY_FILE=" + config_.key_file + " ";
  if (!config_.database.empty()) env += "VAULT_DATABASE=\"" + config_.database + "\" ";
  const std::string verify = env + VAULT_VAULTCTL + std::string(" cert verify --chain >/dev/null 2>&1");
  EXPECT_EQ(std::system(verify.c_str()), 0);
  auto direct = VerifyCertificateChain(*lv_->destructions().Certificates(),
                                       *lv_->destructions().ReferencedCertificateIds());
  EXPECT_TRUE(direct.intact());
  // Someone deletes the first certificate from the store.
  testing::ExecSql(testing::DatabaseOf(config_), "DELETE FROM certificates WHERE seq = 1");
  EXPECT_EQ(WEXITSTATUS(std::system(verify.c_str())), 3);
  auto broken = VerifyCertificateChain(*lv_->destructions().Certificates(),
                                       *lv_->destructions().ReferencedCertificateIds());
  EXPECT_FALSE(broken.intact());
}

TEST_F(DestructionTest, DeletingTheNewestCertificateIsDetectedToo) {
  Destruction d = Approved(old_);
  ASSERT_TRUE(service_->Execute(As("archivist"), d.id).ok());
  testing::ExecSql(testing::DatabaseOf(config_), "DELETE FROM certificates");
  auto report = VerifyCertificateChain(*lv_->destructions().Certificates(),
                                       *lv_->destructions().ReferencedCertificateIds());
  ASSERT_FALSE(report.intact()) << "the completed destruction still names it";
}

TEST(DestructionPolicyTest, TheShippedPassesLoadAndBadOnesAreRefused) {
  auto shipped = DestructionPassesFromJson(kDefaultDestructionJson);
  ASSERT_TRUE(shipped.ok()) << shipped.status().ToString();
  EXPECT_EQ(*shipped, (std::vector<std::string>{"random", "random", "zeros"}));
  EXPECT_EQ(DestructionPassesFromJson(R"({"version":1,"passes":["random","stripes"]})").status().reason(),
            "destruction.policy_invalid");
  EXPECT_EQ(DestructionPassesFromJson(R"({"version":1,"passes":[]})").status().reason(), "destruction.policy_invalid");
  EXPECT_EQ(DestructionPassesFromJson(R"({"version":1,"passes":["zeros"],"pases":[]})").status().reason(),
            "destruction.policy_invalid");
  EXPECT_EQ(DestructionPassesFromJson(R"({"version":2,"passes":["zeros"]})").status().reason(),
            "destruction.policy_invalid");
  auto custom = DestructionPassesFromJson(R"({"version":1,"passes":["0x55","0xaa","random"]})");
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ(custom->size(), 3u);
}

}  // namespace
}  // namespace vault
