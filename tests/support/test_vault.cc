#include "tests/support/test_vault.h"

#include <gtest/gtest.h>

#include "tests/support/test_database.h"

namespace vault::testing {

LocalVaultConfig InitTestVault(const TempDir& dir) {
  LocalVaultConfig config;
  config.data_dir = dir.Join("data");
  config.key_file = dir.Join("keys/master.key");
  // Empty on SQLite: the vault's own data/metadata.db.
  if (TestOnPostgres()) config.database = TestDatabase(dir);
  auto init = LocalVault::Init(config);
  EXPECT_TRUE(init.ok()) << init.status().ToString();
  return config;
}

}  // namespace vault::testing
