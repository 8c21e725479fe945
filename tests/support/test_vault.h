// A fresh, initialised local vault for tests: data in DIR/data, the master
// key in DIR/keys/master.key (outside the data directory).
#pragma once

#include "tests/support/temp_dir.h"
#include "vault/local/local_vault.h"

namespace vault::testing {

// Runs LocalVault::Init; a failure is reported to GoogleTest.
LocalVaultConfig InitTestVault(const TempDir& dir);

}  // namespace vault::testing
