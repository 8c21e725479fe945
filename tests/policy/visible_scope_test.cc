// The policy's visibility scope, applied by the real SQLite query, selects
// exactly the documents the engine's Decide allows: every role x department
// x clearance x assigned customers x suspension, over a grid of documents.
#include <gtest/gtest.h>

#include <set>

#include "tests/support/temp_dir.h"
#include "tests/support/test_vault.h"
#include "vault/local/local_vault.h"
#include "vault/policy/default_roles.h"
#include "vault/policy/policy_engine.h"

namespace vault {
namespace {

TEST(VisibleScopeTest, QueryScopeMatchesDecideForEverySubjectAndDocument) {
  testing::TempDir dir;
  auto lv = std::move(LocalVault::Open(testing::InitTestVault(dir))).value();
  auto policy = std::move(PolicyEngine::FromJson(kDefaultRolesJson)).value();
  const std::vector<std::string> depts = {"华南销售部", "华东销售部"};
  const std::vector<std::string> levels = {"public", "internal", "confidential"};
  const std::vector<std::string> customers = {"C001", "C002"};
  std::vector<DocumentRecord> docs;
  for (const auto& d : depts) {
    for (const auto& l : levels) {
      for (const auto& c : customers) {
        IngestRequest r;
        r.meta.customer_number = c;
        r.meta.doc_type = "contract";
        r.meta.title = d + " " + l + " " + c;
        r.meta.department = d;
        r.meta.classification = l;
        StringSource src(r.meta.title);
        docs.push_back(std::move(lv->vault().Ingest(r, src)).value());
      }
    }
  }
  const std::vector<std::vector<std::string>> assignments = {{}, {"C001"}, {"C001", "C002"}};
  int subjects = 0, allowed_total = 0;
  for (const std::string role : {"admin", "archive_admin", "dept_manager", "staff", "legal", "auditor", "nobody"}) {
    for (const std::string dept : {"华南销售部", ""}) {
      for (const auto& clearance : levels) {
        for (const auto& assigned : assignments) {
          for (bool suspended : {false, true}) {
            for (const std::string action : {"document.list", "document.metadata", "document.content"}) {
              Subject s{"u", role, dept, clearance, assigned, suspended};
              std::set<std::string> expected;
              for (const auto& d : docs) {
                Resource res{d.meta.department, d.meta.classification, d.meta.customer_number};
                if (policy->Decide(s, action, res, TimePoint{}).allowed) expected.insert(d.id);
              }
              DocumentFilter f;
              f.scope = policy->VisibleScope(s, action);
              f.limit = 1000;
              auto page = lv->vault().Search(f);
              ASSERT_TRUE(page.ok()) << page.status().ToString();
              std::set<std::string> got;
              for (const auto& d : page->documents) got.insert(d.id);
              EXPECT_EQ(got, expected) << role << " / " << dept << " / " << clearance << " / "
                                       << assigned.size() << " customers / suspended " << suspended << " / "
                                       << action;
              EXPECT_EQ(page->total, static_cast<int64_t>(expected.size()));
              allowed_total += static_cast<int>(expected.size());
              ++subjects;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(subjects, 7 * 2 * 3 * 3 * 2 * 3);
  EXPECT_GT(allowed_total, 0);  // the grid is not trivially empty
}

}  // namespace
}  // namespace vault
