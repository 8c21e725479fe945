// A real vault (SQLite file, fake clock) with the services wired as vaultd
// wires them and a small alerts policy (thresholds of a few events), plus
// audit events appended exactly as vaultd's handlers append them, at times
// the test chooses. Monday 2026-12-07 is the reference day; the policy's
// zone is UTC+08:00 with working hours 08:00-18:00, Monday to Friday.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/services/services.h"

namespace vault::testing {

inline constexpr char kTestAlertsJson[] = R"({
  "version": 1,
  "description": "test rules",
  "notify_roles": ["archive_admin", "auditor"],
  "bursts": [
    {"id": "export_burst", "enabled": true, "actions": ["document.export", "borrow.copy"], "threshold": 5, "window": "PT10M"},
    {"id": "view_burst", "enabled": true, "actions": ["document.metadata", "document.read_content"], "threshold": 6, "window": "PT10M"}
  ],
  "denials": {"id": "probing", "enabled": true, "threshold": 4, "window": "PT5M", "ignore_reasons": ["auth.missing_token"]},
  "after_hours": {"id": "after_hours_view", "enabled": true, "actions": ["document.export", "document.read_content"],
                  "classifications": ["confidential"], "utc_offset": "+08:00", "working_days": [1, 2, 3, 4, 5],
                  "day_start": "08:00", "day_end": "18:00", "window": "PT8H"},
  "loans": {"id": "access_without_loan", "enabled": true, "actions": ["document.export", "document.read_content"],
            "roles": ["staff", "dept_manager"], "classifications": ["confidential"], "window": "PT1H"},
  "new_address": {"id": "new_client_address", "enabled": true, "window": "PT1H"}
})";

class AlertFixture : public ::testing::Test {
 protected:
  void SetUp() override { Open(kTestAlertsJson); }

  // (Re)opens the vault and services with `alerts_json` ("" = built-in default).
  void Open(const std::string& alerts_json) {
    services_.reset();
    lv_.reset();
    if (config_.data_dir.empty()) {
      config_ = InitTestVault(dir_);
      config_.clock = &clock_;
      config_.login_policy.argon2_opslimit = 1;
      config_.login_policy.argon2_memlimit = 8u << 20;
      fresh_ = true;
    }
    lv_ = std::move(LocalVault::Open(config_)).value();
    ServicesOptions o;
    o.vault = lv_.get();
    o.policy_texts.alerts = alerts_json;
    o.clock = &clock_;
    auto s = Services::Open(std::move(o));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    services_ = std::move(s).value();
    if (!fresh_) return;
    fresh_ = false;
    AddUser("zhang", "staff", "华南销售部", "confidential");
    AddUser("wang", "dept_manager", "华南销售部", "confidential");
    AddUser("archivist", "archive_admin", "档案室", "confidential");
    AddUser("auditor1", "auditor", "审计部", "internal");
    secret_ = Ingest("confidential", "保密补充协议");
    internal_ = Ingest("internal", "年度框架合同");
  }

  void AddUser(const std::string& name, const std::string& role, const std::string& dept,
               const std::string& clearance) {
    NewUser n;
    n.username = name;
    n.role = role;
    n.department = dept;
    n.clearance = clearance;
    n.password = "a long enough password";
    ASSERT_TRUE(lv_->identity().AddUser(n).ok());
  }

  std::string Ingest(const std::string& classification, const std::string& title) {
    IngestRequest r;
    r.meta.customer_number = "C001";
    r.meta.doc_type = "contract";
    r.meta.title = title;
    r.meta.department = "华南销售部";
    r.meta.classification = classification;
    StringSource src("content of " + title);
    return std::move(lv_->vault().Ingest(r, src)).value().archive_number;
  }

  // Sets the fake clock to local time (UTC+08:00) on 2026-12-DD.
  void At(int day, int hour, int minute, int second = 0) {
    TimePoint t;
    char text[32];
    std::snprintf(text, sizeof text, "2026-12-%02dT%02d:%02d:%02dZ", day, 0, 0, 0);
    ASSERT_TRUE(ParseUtc(text, &t));
    clock_.Set(t + std::chrono::hours(hour - 8) + std::chrono::minutes(minute) + std::chrono::seconds(second));
  }

  // An event as vaultd's Exchange::Audit writes it; its seq.
  int64_t Event(const std::string& actor, const std::string& role, const std::string& action,
                const std::string& object, const std::string& outcome = "ok", const std::string& client = "10.0.0.1",
                const std::string& detail = "") {
    auto e = lv_->audit().Append(AuditRecord{actor, role, action, object, outcome, client, "req", detail});
    EXPECT_TRUE(e.ok());
    return e.ok() ? e->seq : 0;
  }

  AlertPassReport Pass() {
    auto r = services_->alerts().RunPass();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : AlertPassReport{};
  }

  std::vector<Alert> Alerts(const std::string& rule = "") {
    AlertFilter f;
    f.rule = rule;
    f.limit = 200;
    auto a = lv_->alerts().List(f);
    EXPECT_TRUE(a.ok());
    return a.ok() ? *a : std::vector<Alert>{};
  }

  TempDir dir_;
  FakeClock clock_{TimePoint{}};
  LocalVaultConfig config_;
  bool fresh_ = false;
  std::unique_ptr<LocalVault> lv_;
  std::unique_ptr<Services> services_;
  std::string secret_, internal_;  // archive numbers
};

}  // namespace vault::testing
