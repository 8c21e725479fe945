#include "vault/policy/policy_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"
#include "vault/borrow/default_borrowing.h"
#include "vault/policy/default_roles.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;
using testing::WriteFile;

TEST(PolicySetTest, NoDirectoryLoadsTheBuiltInPolicies) {
  auto set = PolicySet::Load("");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ((*set)->borrowing_json(), kDefaultBorrowingJson);
  EXPECT_FALSE((*set)->destruction_passes().empty());
  EXPECT_TRUE((*set)->roles().RoleMayEver("admin", "user.manage"));
}

TEST(PolicySetTest, RefusesDirectoryWithoutRoles) {
  TempDir dir;
  auto set = PolicySet::Load(dir.path());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().reason(), "config.policies");
  EXPECT_THAT(set.status().message(), HasSubstr(dir.Join("roles.json")));
}

TEST(PolicySetTest, AbsentFilesFallBackToTheBuiltInCopies) {
  TempDir dir;
  WriteFile(dir.Join("roles.json"), kDefaultRolesJson);
  auto set = PolicySet::Load(dir.path());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ((*set)->borrowing_json(), kDefaultBorrowingJson);
}

TEST(PolicySetTest, ReadsEachFileFromTheDirectory) {
  TempDir dir;
  WriteFile(dir.Join("roles.json"), kDefaultRolesJson);
  WriteFile(dir.Join("destruction.json"), R"({"version": 1, "passes": ["zeros"]})");
  auto set = PolicySet::Load(dir.path());
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ((*set)->destruction_passes(), std::vector<std::string>{"zeros"});
}

TEST(PolicySetTest, RefusesAnInvalidFileWithItsLoadersReason) {
  TempDir dir;
  WriteFile(dir.Join("roles.json"), kDefaultRolesJson);
  WriteFile(dir.Join("borrowing.json"), R"({"version": 1, "rulez": []})");
  auto set = PolicySet::Load(dir.path());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().reason(), "borrow.policy_invalid");
  EXPECT_THAT(set.status().message(), HasSubstr("borrowing.json: rulez: unknown field"));
}

}  // namespace
}  // namespace vault
