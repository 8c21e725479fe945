// The metadata database a test runs on. By default the SQLite file in the
// test's directory; when VAULT_TEST_PG holds a libpq conninfo (set by
// scripts/pg-test.sh around a throwaway cluster from scripts/pg-cluster.sh)
// a fresh PostgreSQL schema instead. The same store tests thus form the
// conformance suite of both engines.
#pragma once

#include <string>

#include "tests/support/temp_dir.h"
#include "vault/local/local_vault.h"

namespace vault::testing {

// True when the tests run on PostgreSQL.
bool TestOnPostgres();

// The database setting for `name` in `dir`: DIR/NAME on SQLite, or the
// conninfo of a schema created for it (the same one on every call with the
// same dir and name, so a test can reopen it).
std::string TestDatabase(const TempDir& dir, const std::string& name = "metadata.db");

// The conninfo of a new, empty PostgreSQL schema of its own (VAULT_TEST_PG
// must be set): a target for tests that copy into PostgreSQL.
std::string FreshPostgresSchema();

// The database of a vault made by InitTestVault.
std::string DatabaseOf(const LocalVaultConfig& config);

// Runs `sql` (no parameters; SQLite's dialect is translated on PostgreSQL)
// on `setting`, for tests that tamper with stored rows. Fails the test on
// error.
void ExecSql(const std::string& setting, const std::string& sql);

}  // namespace vault::testing
