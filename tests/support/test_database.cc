#include "tests/support/test_database.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>

#include "vault/db/connection.h"
#include "vault/db/sql_dialect.h"

namespace vault::testing {
namespace {

const char* PgBase() {
  const char* v = std::getenv("VAULT_TEST_PG");
  return (v && *v) ? v : nullptr;
}

std::string CreateSchema() {
  static std::atomic<int> counter{0};
  std::string schema = "t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
  PGconn* conn = PQconnectdb(PgBase());
  EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* r = PQexec(conn, ("CREATE SCHEMA " + schema).c_str());
  EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(conn);
  return std::string(PgBase()) + " options='-csearch_path=" + schema + "'";
}

}  // namespace

bool TestOnPostgres() { return PgBase() != nullptr; }

std::string FreshPostgresSchema() {
  EXPECT_TRUE(TestOnPostgres()) << "FreshPostgresSchema needs VAULT_TEST_PG";
  return TestOnPostgres() ? CreateSchema() : "";
}

std::string TestDatabase(const TempDir& dir, const std::string& name) {
  if (!TestOnPostgres()) return dir.Join(name);
  static std::mutex mu;
  static auto* schemas = new std::map<std::string, std::string>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = schemas->find(dir.Join(name));
  if (it == schemas->end()) it = schemas->emplace(dir.Join(name), CreateSchema()).first;
  return it->second;
}

std::string DatabaseOf(const LocalVaultConfig& config) {
  return config.database.empty() ? config.data_dir + "/metadata.db" : config.database;
}

void ExecSql(const std::string& setting, const std::string& sql) {
  auto target = db::ParseDatabaseTarget(setting);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  try {
    auto c = db::Connection::Open(*target, /*read_only=*/false);
    c->Execute(target->engine == db::Engine::kPostgres ? db::ToPostgresSql(sql) : sql);
  } catch (const Poco::Exception& e) {
    FAIL() << "ExecSql: " << e.displayText();
  }
}

}  // namespace vault::testing
