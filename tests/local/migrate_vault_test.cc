// `vaultctl db migrate`: a SQLite vault with documents (several versions),
// users, loans (returned and open), exports, a destruction with its
// certificate, holds and audit checkpoints is moved to a fresh PostgreSQL
// schema and must serve the same answers there; the SQLite file stays byte
// for byte what it was; a target with rows, a table the target lacks, a
// broken audit chain or a wrapped key that does not unwrap are refused.
// Needs PostgreSQL (VAULT_TEST_PG, set by scripts/pg-test.sh); skipped
// without it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "tests/support/pdf_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "vault/crypto/sha256.h"
#include "vault/destruction/certificate_check.h"
#include "vault/local/migrate_vault.h"
#include "vault/services/services.h"

namespace vault {
namespace {

using testing::ExecSql;
using testing::FreshPostgresSchema;
using testing::TestOnPostgres;

// The value of a read that must succeed (a copy, so a range-for over it
// does not outlive the StatusOr it came from); a failure fails the test.
template <typename T>
T Value(StatusOr<T> s) {
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : T();
}

// What the vault answers, as comparable text.
struct Answers {
  std::vector<std::string> documents;  // every document, newest first
  std::vector<std::string> title_search;
  std::map<std::string, std::string> contents;  // "id/version" -> plaintext or the read error
  std::vector<std::string> audit;
  std::vector<std::string> loans;
  std::vector<std::string> exports;
  std::vector<std::string> certificates;
  std::vector<std::string> holds;
  std::vector<std::string> users;
};

class MigrateVaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestOnPostgres()) GTEST_SKIP() << "needs PostgreSQL: set VAULT_TEST_PG (scripts/pg-test.sh does)";
    config_.data_dir = dir_.Join("data");
    config_.key_file = dir_.Join("keys/master.key");
    config_.database = "";  // the SQLite file, even when the suite runs on PostgreSQL
    config_.clock = &clock_;
    config_.login_policy.argon2_opslimit = 1;
    config_.login_policy.argon2_memlimit = 8u << 20;
    ASSERT_TRUE(LocalVault::Init(config_).ok());
    Open(config_);
    target_ = FreshPostgresSchema();
  }

  void Open(const LocalVaultConfig& config) {
    services_.reset();
    lv_ = std::move(LocalVault::Open(config)).value();
    ServicesOptions o;
    o.vault = lv_.get();
    o.clock = &clock_;
    services_ = std::move(Services::Open(std::move(o))).value();
  }
  void Close() {
    services_.reset();
    lv_.reset();
  }

  void AddUser(const std::string& name, const std::string& role, const std::string& dept) {
    NewUser u;
    u.username = name;
    u.display_name = name + " 的名字";
    u.role = role;
    u.department = dept;
    u.clearance = "confidential";
    u.password = "a long enough password";
    ASSERT_TRUE(lv_->identity().AddUser(u).ok()) << name;
  }
  Subject As(const std::string& name) {
    User u = std::move(lv_->identity().GetUser(name)).value();
    return Subject{u.username, u.role, u.department, u.clearance, u.customers, false};
  }
  std::string Ingest(const std::string& title, const std::string& type, const std::string& level) {
    IngestRequest r;
    r.meta.customer_number = "C009";
    r.meta.doc_type = type;
    r.meta.title = title;
    r.meta.department = "华南销售部";
    r.meta.classification = level;
    r.meta.tags = {"年度", "migrate"};
    StringSource src(testing::MakePdf({{}, {}}));
    return std::move(lv_->vault().Ingest(r, src)).value().id;
  }
  Borrow Issued(const std::string& doc) {
    BorrowRequest r;
    r.documents = {doc};
    r.purpose = "核对合同条款";
    Borrow cur = std::move(services_->borrows().Request(As("zhangsan"), r)).value();
    for (const std::string& step : cur.chain) {
      auto next = services_->borrows().Approve(
          As(step == "dept_manager" ? "wang" : step == "legal" ? "legal1" : "admin1"), cur.id, "");
      EXPECT_TRUE(next.ok()) << next.status().ToString();
      cur = *next;
    }
    return std::move(services_->borrows().Issue(As("admin1"), cur.id, {})).value();
  }

  // A vault that has seen a bit of everything.
  void Populate() {
    AddUser("zhangsan", "staff", "华南销售部");
    AddUser("wang", "dept_manager", "华南销售部");
    AddUser("legal1", "legal", "法务部");
    AddUser("admin1", "archive_admin", "档案室");
    ASSERT_TRUE(lv_->identity().AssignCustomer("zhangsan", "C009").ok());
    contract_ = Ingest("华东年度框架合同 2026", "contract", "internal");
    for (int v = 2; v <= 3; ++v) {
      StringSource src(testing::MakePdf({{}}) + std::string(static_cast<size_t>(v), ' '));
      ASSERT_TRUE(lv_->vault().AddVersion(contract_, "修订 " + std::to_string(v), "admin1", "v.pdf", src).ok());
    }
    const std::string nda = Ingest("华东保密协议", "nda", "confidential");
    const std::string doomed = Ingest("旧报价单", "quotation", "public");
    Ingest("华南报价单 2026", "quotation", "public");
    BorrowService& loans = services_->borrows();
    const Borrow returned = Issued(contract_);
    ReturnInput declared;
    declared.kind = ReturnInput::Kind::kDeclared;
    ASSERT_TRUE(loans.Return(As("zhangsan"), returned.id, declared).ok());
    Issued(nda);  // stays on loan
    ExportRequest e;
    e.document = contract_;
    e.username = "admin1";
    e.display_name = "档案管理员";
    e.department = "档案室";
    ASSERT_TRUE(services_->exporter().Export(e).ok());
    LegalHold hold;
    hold.scope = "customer";
    hold.target = "C010";
    hold.reason = "诉讼";
    hold.created_by = "legal1";
    hold.created_at = "2026-11-18T00:00:00Z";
    ASSERT_TRUE(lv_->destructions().AddHold(hold).ok());
    DestructionService& destructions = services_->destructions();
    DestructionRequest d;
    d.documents = {doomed};
    d.reason = "customer_request";
    d.reference = "客户来函";
    auto requested = destructions.Request(As("admin1"), d);
    ASSERT_TRUE(requested.ok()) << requested.status().ToString();
    ASSERT_TRUE(destructions.Approve(As("legal1"), requested->id, "监销人").ok());
    auto done = destructions.Execute(As("admin1"), requested->id);
    ASSERT_TRUE(done.ok()) << done.status().ToString();
    ASSERT_EQ(done->state, "completed");
    AuditRecord r;
    r.actor = "test";
    r.action = "document.read_content";
    r.object = "第二行\n不是新行";
    r.outcome = "ok";
    ASSERT_TRUE(lv_->audit().Append(r).ok());
    auto signer = Signer::FromKeyRing(lv_->keys(), "audit");
    ASSERT_TRUE(signer.ok());
    ASSERT_TRUE(lv_->audit().WriteCheckpoint(**signer).ok());
  }

  Answers Capture() {
    Answers a;
    DocumentFilter all;
    all.limit = 1000;
    const SearchPage page = Value(lv_->vault().Search(all));
    for (const DocumentRecord& d : page.documents) {
      a.documents.push_back(d.id + " " + d.archive_number + " " + d.meta.title + " v" +
                            std::to_string(d.current_version) + " " + d.updated_at);
      const std::vector<VersionRecord> versions = Value(lv_->vault().Versions(d.id));
      for (const VersionRecord& v : versions) {
        StringSink sink;
        Status st = lv_->vault().ReadVersion(v, sink);
        a.contents[d.id + "/" + std::to_string(v.version)] = st.ok() ? sink.data() : "error " + st.reason();
      }
    }
    DocumentFilter words;
    words.title_words = "2026";
    for (const DocumentRecord& d : Value(lv_->vault().Search(words)).documents) {
      a.title_search.push_back(d.id);
    }
    AuditFilter f;
    f.limit = 100000;
    for (const AuditEvent& e : Value(lv_->audit().List(f))) {
      a.audit.push_back(std::to_string(e.seq) + " " + e.record.action + " " + e.record.object + " " + e.hash);
    }
    for (const RegisterRow& r : Value(services_->borrows().Register(As("admin1")))) {
      a.loans.push_back(r.borrow_id + " " + r.state_code + " " + r.borrowed_at + " " + r.due_at + " " +
                        r.returned_at + " " + r.approvers + " " + r.result);
    }
    for (const ExportRecord& e : Value(lv_->exports().ForDocument(contract_))) {
      a.exports.push_back(e.export_id + " " + e.code + " " + e.output_sha256 + " " + e.signature);
    }
    for (const Certificate& c : Value(lv_->destructions().Certificates())) {
      a.certificates.push_back(c.id + " " + c.sha256 + " " + c.previous_sha256);
    }
    for (const LegalHold& h : Value(lv_->destructions().Holds(false))) {
      a.holds.push_back(std::to_string(h.id) + " " + h.target + " " + h.reason);
    }
    for (const User& u : Value(lv_->identity().ListUsers())) {
      a.users.push_back(std::to_string(u.id) + " " + u.username + " " + u.role);
    }
    // Listed by a column with ties (the fake clock stands still): the
    // engines may break them differently, so compare as sets.
    std::sort(a.exports.begin(), a.exports.end());
    std::sort(a.users.begin(), a.users.end());
    return a;
  }

  MigrateOptions Options() {
    MigrateOptions o;
    o.source = config_;
    o.target = target_;
    o.copy.batch_rows = 3;  // several batches per table, a partial last one
    return o;
  }
  std::string SqliteFile() const { return config_.data_dir + "/metadata.db"; }

  testing::TempDir dir_;
  FakeClock clock_{std::chrono::system_clock::from_time_t(1795000000)};  // 2026-11-18
  LocalVaultConfig config_;
  std::unique_ptr<LocalVault> lv_;
  std::unique_ptr<Services> services_;
  std::string target_;
  std::string contract_;
};

TEST_F(MigrateVaultTest, RoundTripServesTheSameAnswersOnPostgres) {
  Populate();
  const Answers before = Capture();
  ASSERT_GE(before.documents.size(), 4u);
  ASSERT_EQ(before.loans.size(), 2u);
  ASSERT_EQ(before.certificates.size(), 1u);
  Close();
  const std::string sha_before = Sha256::HexOf(testing::ReadFile(SqliteFile()));

  auto report = MigrateVault(Options());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::printf("migration: %lld rows in %zu tables, %lld keys unwrapped, %.3f s\n",
              static_cast<long long>(report->copy.rows), report->copy.tables.size(),
              static_cast<long long>(report->wrapped_keys), report->seconds);
  EXPECT_EQ(Sha256::HexOf(testing::ReadFile(SqliteFile())), sha_before) << "the SQLite file changed";
  EXPECT_EQ(report->audit_events, static_cast<int64_t>(before.audit.size()));
  EXPECT_EQ(report->certificates, 1);
  EXPECT_GE(report->wrapped_keys, 6) << "3 versions + 2 documents + a loan copy";
  EXPECT_GE(report->copy.sequences, 6);
  std::map<std::string, int64_t> rows;
  for (const auto& t : report->copy.tables) rows[t.table] = t.rows;
  EXPECT_EQ(rows["versions"], 6);
  EXPECT_EQ(rows["borrows"], 2);
  EXPECT_EQ(rows["certificates"], 1);
  EXPECT_EQ(rows.count("schema_migrations"), 0u);

  LocalVaultConfig migrated = config_;
  migrated.database = target_;
  Open(migrated);
  ASSERT_EQ(lv_->database().engine(), db::Engine::kPostgres);
  // The copied tables were vacuumed and analyzed after the commit: without
  // the visibility map and statistics the title search at 1,000,000
  // documents ran 5-50 times slower (bench/scale.sh).
  for (const std::string table : {"documents", "search_terms"}) {
    Poco::Int64 maintained = 0;
    lv_->database().WithReader([&](db::Connection& c) {
      Poco::Data::Statement st(c.session());
      std::string name = table;
      st << "SELECT COUNT(*) FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ?"
            " AND last_vacuum IS NOT NULL AND last_analyze IS NOT NULL",
          Poco::Data::Keywords::useRef(name), Poco::Data::Keywords::into(maintained);
      st.execute();
      return 0;
    });
    EXPECT_EQ(maintained, 1) << table << " was not vacuumed and analyzed after the copy";
  }
  const Answers after = Capture();
  EXPECT_EQ(after.documents, before.documents);
  EXPECT_EQ(after.title_search, before.title_search);
  EXPECT_EQ(after.contents, before.contents);
  EXPECT_EQ(after.audit, before.audit);
  EXPECT_EQ(after.loans, before.loans);
  EXPECT_EQ(after.exports, before.exports);
  EXPECT_EQ(after.certificates, before.certificates);
  EXPECT_EQ(after.holds, before.holds);
  EXPECT_EQ(after.users, before.users);
  auto audit = lv_->audit().Verify();
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok);
  EXPECT_EQ(audit->checkpoints, 1);
  EXPECT_TRUE(VerifyCertificateChain(Value(lv_->destructions().Certificates()),
                                     Value(lv_->destructions().ReferencedCertificateIds()))
                  .intact());

  // The sequences moved past the copied ids: new rows of AUTOINCREMENT
  // tables insert, with fresh ids, and the vault keeps working.
  LegalHold hold;
  hold.scope = "customer";
  hold.target = "C011";
  hold.reason = "新诉讼";
  hold.created_by = "legal1";
  hold.created_at = "2026-11-19T00:00:00Z";
  auto added = lv_->destructions().AddHold(hold);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->id, 2);
  AddUser("newcomer", "staff", "华南销售部");
  EXPECT_EQ(Value(lv_->identity().GetUser("newcomer")).id, 5);
  Borrow again = Issued(contract_);
  EXPECT_EQ(again.state, "issued");
  EXPECT_TRUE(Value(lv_->audit().Verify()).ok);
}

TEST_F(MigrateVaultTest, IdsSqliteHandedOutAreNeverHandedOutAgain) {
  Populate();
  LegalHold second;
  second.scope = "customer";
  second.target = "C012";
  second.reason = "临时";
  second.created_by = "legal1";
  second.created_at = "2026-11-18T00:00:00Z";
  ASSERT_EQ(Value(lv_->destructions().AddHold(second)).id, 2);
  Close();
  // The newest row gone: SQLite's AUTOINCREMENT still remembers id 2.
  ExecSql(SqliteFile(), "DELETE FROM legal_holds WHERE id = 2");
  ASSERT_TRUE(MigrateVault(Options()).ok());
  LocalVaultConfig migrated = config_;
  migrated.database = target_;
  Open(migrated);
  EXPECT_EQ(Value(lv_->destructions().AddHold(second)).id, 3);
}

TEST_F(MigrateVaultTest, RefusesATargetThatHoldsRows) {
  Populate();
  Close();
  ASSERT_TRUE(MigrateVault(Options()).ok());
  auto again = MigrateVault(Options());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().reason(), "migrate.target_not_empty") << again.status().ToString();
  LocalVaultConfig migrated = config_;
  migrated.database = target_;
  Open(migrated);
  DocumentFilter all;
  EXPECT_EQ(Value(lv_->vault().Search(all)).total, 4) << "nothing copied twice";
}

TEST_F(MigrateVaultTest, RefusesASourceTableTheTargetLacksAndCopiesNothing) {
  Populate();
  Close();
  ExecSql(SqliteFile(), "CREATE TABLE stray_notes (note TEXT NOT NULL)");
  ExecSql(SqliteFile(), "INSERT INTO stray_notes (note) VALUES ('kept by hand')");
  auto refused = MigrateVault(Options());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().reason(), "migrate.unknown_table");
  EXPECT_NE(refused.status().message().find("stray_notes"), std::string::npos) << refused.status().ToString();
  ExecSql(SqliteFile(), "DROP TABLE stray_notes");
  EXPECT_TRUE(MigrateVault(Options()).ok()) << "the refused attempt left the target empty";
}

TEST_F(MigrateVaultTest, ABrokenAuditChainFailsTheMigration) {
  Populate();
  Close();
  ExecSql(SqliteFile(), "UPDATE audit_events SET actor = 'someone else' WHERE seq = 2");
  auto migrated = MigrateVault(Options());
  ASSERT_FALSE(migrated.ok());
  EXPECT_EQ(migrated.status().reason(), "migrate.audit_broken") << migrated.status().ToString();
}

TEST_F(MigrateVaultTest, AWrappedKeyThatDoesNotUnwrapFailsTheMigration) {
  Populate();
  Close();
  // Version 1's wrapped key moved onto version 2: bound to another version,
  // it must not unwrap there.
  ExecSql(SqliteFile(),
          "UPDATE wrapped_keys SET wrapped = (SELECT wrapped FROM wrapped_keys WHERE document_id = '" + contract_ +
              "' AND version = 1) WHERE document_id = '" + contract_ + "' AND version = 2");
  auto migrated = MigrateVault(Options());
  ASSERT_FALSE(migrated.ok());
  EXPECT_EQ(migrated.status().reason(), "migrate.key_check_failed") << migrated.status().ToString();
  EXPECT_NE(migrated.status().message().find(contract_ + " version 2"), std::string::npos);
}

TEST_F(MigrateVaultTest, TheCommandReportsAndNeverPrintsThePassword) {
  Populate();
  Close();
  const std::string out = dir_.Join("migrate.out");
  // Trust authentication ignores the password; it is there to be redacted.
  const std::string to = target_ + " password=hunter2-secret";
  const std::string cmd = std::string("VAULT_DATABASE= ") + VAULT_VAULTCTL + " --data '" + config_.data_dir +
                          "' --key '" + config_.key_file + "' db migrate --to \"" + to + "\" >'" + out + "' 2>&1";
  const std::string sha_before = Sha256::HexOf(testing::ReadFile(SqliteFile()));
  ASSERT_EQ(std::system(cmd.c_str()), 0) << testing::ReadFile(out);
  const std::string text = testing::ReadFile(out);
  EXPECT_EQ(text.find("hunter2-secret"), std::string::npos) << text;
  EXPECT_NE(text.find("password=***"), std::string::npos) << text;
  EXPECT_NE(text.find("audit chain intact"), std::string::npos) << text;
  EXPECT_NE(text.find("borrows"), std::string::npos) << text;
  EXPECT_EQ(Sha256::HexOf(testing::ReadFile(SqliteFile())), sha_before);
  // A second run finds the rows and refuses, exit 4.
  ASSERT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 4);
  EXPECT_NE(testing::ReadFile(out).find("migrate.target_not_empty"), std::string::npos) << testing::ReadFile(out);
}

TEST(MigrateVaultArgs, RefusesATargetThatIsNotPostgres) {
  testing::TempDir dir;
  MigrateOptions o;
  o.source.data_dir = dir.Join("data");
  o.source.key_file = dir.Join("master.key");
  o.target = dir.Join("other.db");
  auto r = MigrateVault(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().reason(), "migrate.target_not_postgres");
  o.target = "host=/nonexistent dbname=x";
  o.source.database = "postgresql://vault@db/vault";
  EXPECT_EQ(MigrateVault(o).status().reason(), "migrate.source_not_sqlite");
}

}  // namespace
}  // namespace vault
