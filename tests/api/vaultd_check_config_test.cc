// vaultd --check-config (api/vaultd/config_check.h) on a real vault in a
// temporary directory: a good configuration passes; each broken part fails
// with its reason code and the key it concerns; nothing secret is printed.
#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sstream>

#include "api/vaultd/config_check.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_database.h"
#include "tests/support/test_vault.h"
#include "vault/local/local_vault.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CheckConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = testing::InitTestVault(dir_);
    map_ = new Poco::Util::MapConfiguration;
    map_->setString("vaultd.data_dir", config_.data_dir);
    map_->setString("vaultd.key_file", config_.key_file);
    if (!config_.database.empty()) map_->setString("vaultd.database", config_.database);  // PostgreSQL runs
    map_->setString("vaultd.policies_dir", VAULT_POLICIES_DIR);
    map_->setString("vaultd.log_format", "json");
    map_->setString("vaultd.certificate.organisation", "华南贸易有限公司");
  }
  bool Check() {
    out_.str("");
    return vaultd::CheckConfiguration(*map_, out_);
  }
  std::string Out() const { return out_.str(); }

  testing::TempDir dir_;
  LocalVaultConfig config_;
  Poco::AutoPtr<Poco::Util::MapConfiguration> map_;
  std::ostringstream out_;
};

TEST_F(CheckConfigTest, AGoodConfigurationPasses) {
  EXPECT_TRUE(Check()) << Out();
  EXPECT_THAT(Out(), HasSubstr("configuration ok"));
  EXPECT_THAT(Out(), HasSubstr("reachable, schema"));
  EXPECT_THAT(Out(), HasSubstr("华南贸易有限公司"));
  EXPECT_THAT(Out(), Not(HasSubstr("error")));
  // The key file's hex KEK never appears.
  const std::string key = testing::ReadFile(config_.key_file);
  const size_t last_space = key.find_last_of(' ');
  ASSERT_NE(last_space, std::string::npos);
  EXPECT_THAT(Out(), Not(HasSubstr(key.substr(last_space + 1, 64))));
}

TEST_F(CheckConfigTest, AnEmptyPostgresDatabaseIsReachableAndLeftForTheFirstStart) {
  if (!testing::TestOnPostgres()) GTEST_SKIP() << "needs VAULT_TEST_PG (scripts/pg-test.sh)";
  map_->setString("vaultd.database", testing::FreshPostgresSchema());
  EXPECT_TRUE(Check()) << Out();
  EXPECT_THAT(Out(), HasSubstr("reachable, empty: vaultd creates its tables at first start"));
}

TEST_F(CheckConfigTest, AKeyFileReadableByOthersFails) {
  ASSERT_EQ(::chmod(config_.key_file.c_str(), 0644), 0);
  EXPECT_FALSE(Check());
  EXPECT_THAT(Out(), HasSubstr("error [key.file_mode]: vaultd.key_file"));
  EXPECT_THAT(Out(), HasSubstr("1 problem found"));
}

TEST_F(CheckConfigTest, AMissingKeyFileFails) {
  map_->setString("vaultd.key_file", dir_.path() + "/nowhere/master.key");
  EXPECT_FALSE(Check());
  EXPECT_THAT(Out(), HasSubstr("error [key.file_missing]"));
}

TEST_F(CheckConfigTest, AKeyFileInsideTheDataDirectoryFails) {
  const std::string inside = config_.data_dir + "/master.key";
  ASSERT_EQ(::link(config_.key_file.c_str(), inside.c_str()), 0);
  map_->setString("vaultd.key_file", inside);
  EXPECT_FALSE(Check());
  EXPECT_THAT(Out(), HasSubstr("error [config.key_inside_data]"));
}

TEST_F(CheckConfigTest, AnUninitializedDataDirectoryFails) {
  map_->setString("vaultd.data_dir", dir_.path());  // exists, but holds no VAULT marker
  EXPECT_FALSE(Check());
  EXPECT_THAT(Out(), HasSubstr("error [vault.not_initialized]"));
}

TEST_F(CheckConfigTest, AnUnreachableDatabaseFailsWithoutItsPassword) {
  map_->setString("vaultd.database", "postgresql://vault:hunter2-secret@127.0.0.1:1/vault");
  EXPECT_FALSE(Check());
  EXPECT_THAT(Out(), HasSubstr("error [metadata.db_error]: vaultd.database"));
  EXPECT_THAT(Out(), Not(HasSubstr("hunter2-secret")));
}

TEST_F(CheckConfigTest, BadListenLogAndCertificateSettingsFailEachByName) {
  map_->setString("vaultd.listen", "127.0.0.1:99999");
  map_->setString("vaultd.log_level", "chatty");
  map_->setString("vaultd.certificate.organisation", "line one\nline two");
  EXPECT_FALSE(Check());
  EXPECT_THAT(Out(), HasSubstr("error [config.listen]"));
  EXPECT_THAT(Out(), HasSubstr("error [config.log_level]"));
  EXPECT_THAT(Out(), HasSubstr("error [certificate.bad_wording]"));
  EXPECT_THAT(Out(), HasSubstr("3 problems found"));
}

TEST_F(CheckConfigTest, ABrokenPolicyFileFails) {
  const std::string policies = dir_.path() + "/policies";
  ASSERT_EQ(::mkdir(policies.c_str(), 0700), 0);
  testing::WriteFile(policies + "/roles.json", "{\"roles\": ");
  map_->setString("vaultd.policies_dir", policies);
  EXPECT_FALSE(Check());
  EXPECT_THAT(Out(), HasSubstr("vaultd.policies_dir " + policies));
  EXPECT_THAT(Out(), HasSubstr("error ["));
}

TEST_F(CheckConfigTest, HalfATlsConfigurationFails) {
  map_->setString("vaultd.tls_certificate", config_.key_file + ".pem");
  EXPECT_FALSE(Check());
  EXPECT_THAT(Out(), HasSubstr("error [config.tls]"));
}

TEST_F(CheckConfigTest, ADataDirectoryOfAnotherUserFails) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the directory away";
  ASSERT_EQ(::chown(config_.data_dir.c_str(), 65534, 65534), 0);
  EXPECT_FALSE(Check());
  EXPECT_THAT(Out(), HasSubstr("error [config.not_owner]"));
  EXPECT_THAT(Out(), HasSubstr("runuser -u vault"));
}

}  // namespace
}  // namespace vault
