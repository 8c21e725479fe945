// A real vault (SQLite file, local blobs, keys) with the loan service over
// it, a fake clock, and the people of a small archive office:
//   zhangsan (张三)  staff, 华南销售部, cleared for confidential, customer C009
//   lisi             staff, 华南销售部, internal clearance, customer C009
//   wang, wang2      dept_manager, 华南销售部
//   zhao             dept_manager, 华东销售部
//   legal1           legal;  admin1 archive_admin;  audit1 auditor
// Documents of 华南销售部 (a loan is scoped like seeing the record, so the
// borrowers' own department) for C009: an internal contract (rule "contract"), a
// confidential NDA (rule "confidential": manager then legal), and a public
// quotation (rule "default").
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/support/pdf_fixtures.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/borrow/default_borrowing.h"
#include "vault/services/services.h"

namespace vault::testing {

class BorrowFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = InitTestVault(dir_);
    config_.clock = &clock_;
    config_.login_policy.argon2_opslimit = 1;
    config_.login_policy.argon2_memlimit = 8u << 20;
    lv_ = std::move(LocalVault::Open(config_)).value();
    UsePolicy(kDefaultBorrowingJson);
    AddUser("zhangsan", "staff", "华南销售部", "confidential", "张三");
    AddUser("lisi", "staff", "华南销售部", "internal", "李四");
    AddUser("wang", "dept_manager", "华南销售部", "confidential", "王经理");
    AddUser("wang2", "dept_manager", "华南销售部", "confidential", "王副经理");
    AddUser("zhao", "dept_manager", "华东销售部", "confidential", "赵经理");
    AddUser("legal1", "legal", "法务部", "confidential", "法务");
    AddUser("admin1", "archive_admin", "档案室", "confidential", "档案管理员");
    AddUser("audit1", "auditor", "审计部", "confidential", "审计");
    ASSERT_TRUE(lv_->identity().AssignCustomer("zhangsan", "C009").ok());
    ASSERT_TRUE(lv_->identity().AssignCustomer("lisi", "C009").ok());
    contract_ = Ingest("华东年度框架合同", "contract", "internal", MakePdf({{}, {}}));
    nda_ = Ingest("华东保密协议", "nda", "confidential", MakePdf({{}}));
    quote_ = Ingest("华东报价单", "quotation", "public", MakePdf({{}}));
  }

  // Wires the services over lv_ as vaultd does, with these loan rules
  // (e.g. a smaller return limit) and the built-in other policies.
  void UsePolicy(const std::string& json) {
    ServicesOptions o;
    o.vault = lv_.get();
    o.policy_texts.borrowing = json;
    o.clock = &clock_;
    services_ = std::move(Services::Open(std::move(o))).value();
    service_ = &services_->borrows();
    exporter_ = &services_->exporter();
  }

  void AddUser(const std::string& name, const std::string& role, const std::string& dept,
               const std::string& clearance, const std::string& display) {
    NewUser u;
    u.username = name;
    u.display_name = display;
    u.role = role;
    u.department = dept;
    u.clearance = clearance;
    u.password = "a long enough password";
    ASSERT_TRUE(lv_->identity().AddUser(u).ok()) << name;
  }

  std::string Ingest(const std::string& title, const std::string& type, const std::string& level,
                     const std::string& bytes, const std::string& department = "华南销售部") {
    IngestRequest r;
    r.meta.customer_number = "C009";
    r.meta.doc_type = type;
    r.meta.title = title;
    r.meta.department = department;
    r.meta.classification = level;
    StringSource src(bytes);
    return std::move(lv_->vault().Ingest(r, src)).value().id;
  }

  Subject As(const std::string& name) {
    User u = std::move(lv_->identity().GetUser(name)).value();
    return Subject{u.username, u.role, u.department, u.clearance, u.customers, false};
  }

  // A loan of `doc` by zhangsan, approved along its whole chain and issued.
  Borrow Issued(const std::string& doc, const std::string& kind = "electronic", const std::string& period = "",
                const std::vector<int64_t>& pages = {}) {
    BorrowRequest r;
    r.documents = {doc};
    r.purpose = "核对合同条款";
    r.kind = kind;
    r.period = period;
    auto b = service_->Request(As("zhangsan"), r);
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    Borrow cur = *b;
    for (const std::string& step : cur.chain) {
      auto next = service_->Approve(As(step == "dept_manager" ? "wang" : step == "legal" ? "legal1" : "admin1"),
                                    cur.id, "");
      EXPECT_TRUE(next.ok()) << next.status().ToString();
      cur = *next;
    }
    auto issued = service_->Issue(As("admin1"), cur.id, pages);
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    return *issued;
  }

  std::string CopyOf(const std::string& who, const std::string& id, Status* status = nullptr) {
    StringSink sink;
    auto item = service_->Copy(As(who), id, "", sink);
    if (status) *status = item.status();
    return item.ok() ? sink.data() : "";
  }

  std::vector<Notification> NotesFor(const std::string& who) {
    return std::move(lv_->borrows().Notifications(who, 0, 1000)).value();
  }

  TempDir dir_;
  FakeClock clock_{std::chrono::system_clock::from_time_t(1795000000)};  // 2026-11-18
  LocalVaultConfig config_;
  std::unique_ptr<LocalVault> lv_;
  std::unique_ptr<Services> services_;  // over lv_
  BorrowService* service_ = nullptr;
  Exporter* exporter_ = nullptr;
  std::string contract_, nda_, quote_;
};

}  // namespace vault::testing
