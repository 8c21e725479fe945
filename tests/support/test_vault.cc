#include "tests/support/test_vault.h"

#include <gtest/gtest.h>

namespace vault::testing {

LocalVaultConfig InitTestVault(const TempDir& dir) {
  LocalVaultConfig config;
  config.data_dir = dir.Join("data");
  config.key_file = dir.Join("keys/master.key");
  auto init = LocalVault::Init(config);
  EXPECT_TRUE(init.ok()) << init.status().ToString();
  return config;
}

}  // namespace vault::testing
