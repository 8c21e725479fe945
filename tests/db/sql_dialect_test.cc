#include "vault/db/sql_dialect.h"

#include <Poco/Data/SQLite/SQLiteException.h>

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"
#include "vault/db/client.h"
#include "vault/db/engine.h"

namespace vault::db {
namespace {

TEST(SqlDialectTest, NumbersPlaceholdersOutsideQuotesOnly) {
  EXPECT_EQ(ToPostgresSql("SELECT a FROM t WHERE b = ? AND c = '?' AND \"d?\" = ? "),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND \"d?\" = $2 ");
  EXPECT_EQ(ToPostgresSql("UPDATE t SET x = 'it''s ?' WHERE id = ?"), "UPDATE t SET x = 'it''s ?' WHERE id = $1");
}

TEST(SqlDialectTest, InsertOrIgnoreBecomesOnConflictDoNothing) {
  EXPECT_EQ(ToPostgresSql("INSERT OR IGNORE INTO t (a, b) VALUES (?, ?)"),
            "INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT DO NOTHING");
  EXPECT_EQ(ToPostgresSql("insert or ignore into t (a) SELECT a FROM u;"),
            "INSERT INTO t (a) SELECT a FROM u ON CONFLICT DO NOTHING");
  // A plain INSERT is left alone.
  EXPECT_EQ(ToPostgresSql("INSERT INTO t (a) VALUES (?)"), "INSERT INTO t (a) VALUES ($1)");
}

TEST(SqlDialectTest, FunctionsAndTypes) {
  EXPECT_EQ(ToPostgresSql("SELECT group_concat(tag, char(31)) FROM t"), "SELECT string_agg(tag, chr(31)) FROM t");
  EXPECT_EQ(ToPostgresSql("SELECT last_insert_rowid()"), "SELECT lastval()");
  EXPECT_EQ(ToPostgresSql("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER NOT NULL, integer_x TEXT)"),
            "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, n BIGINT NOT NULL, integer_x TEXT)");
  EXPECT_EQ(ToPostgresSql("BEGIN IMMEDIATE"), "BEGIN");
  EXPECT_EQ(ToPostgresSql("CREATE TABLE t (term TEXT COLLATE BINARY NOT NULL)"),
            "CREATE TABLE t (term TEXT COLLATE \"C\" NOT NULL)");
  // Words inside strings are data, not SQL.
  EXPECT_EQ(ToPostgresSql("SELECT 'INTEGER group_concat(' FROM t"), "SELECT 'INTEGER group_concat(' FROM t");
}

TEST(DatabaseTargetTest, ChoosesTheEngineFromTheSetting) {
  auto sqlite = ParseDatabaseTarget("/var/lib/vault/metadata.db");
  ASSERT_THAT(sqlite.status(), testing::IsOk());
  EXPECT_EQ(sqlite->engine, Engine::kSqlite);
  auto prefixed = ParseDatabaseTarget("sqlite:/tmp/m.db");
  EXPECT_EQ(prefixed->engine, Engine::kSqlite);
  EXPECT_EQ(prefixed->location, "/tmp/m.db");
  EXPECT_EQ(ParseDatabaseTarget("postgresql://vault@db1:5432/vault")->engine, Engine::kPostgres);
  EXPECT_EQ(ParseDatabaseTarget("postgres://vault@db1/vault")->engine, Engine::kPostgres);
  EXPECT_EQ(ParseDatabaseTarget("host=/run/pg dbname=vault")->engine, Engine::kPostgres);
  EXPECT_EQ(ParseDatabaseTarget("").status().reason(), "metadata.bad_database");
  EXPECT_EQ(ParseDatabaseTarget("sqlite:").status().reason(), "metadata.bad_database");
}

TEST(DatabaseTargetTest, RedactsPasswords) {
  EXPECT_EQ(RedactedLocation(*ParseDatabaseTarget("postgresql://vault:s3cret@db1:5432/vault")),
            "postgresql://vault:***@db1:5432/vault");
  EXPECT_EQ(RedactedLocation(*ParseDatabaseTarget("host=db1 password=s3cret dbname=vault")),
            "host=db1 password=*** dbname=vault");
  EXPECT_EQ(RedactedLocation(*ParseDatabaseTarget("host=db1 password='s3 cret' dbname=vault")),
            "host=db1 password=*** dbname=vault");
  EXPECT_EQ(RedactedLocation(*ParseDatabaseTarget("postgresql://db1/vault?password=s3cret&sslmode=require")),
            "postgresql://db1/vault?password=***&sslmode=require");
}

}  // namespace
}  // namespace vault::db

namespace vault::db {
namespace {

TEST(DbErrorTest, PostgresDetailsWithStoredValuesStayOut) {
  Poco::Exception e("postgresql_stmt_execute error: ERROR:  duplicate key value violates unique constraint "
                    "\"users_username_key\"\n Severity: ERROR State: 23505 Detail: Key (username)=(zhangsan) "
                    "already exists. Hint: N/A");
  Status s = DbError("identity.db_error", "identity", e);
  EXPECT_EQ(s.reason(), "identity.db_error");
  EXPECT_NE(s.message().find("duplicate key"), std::string::npos);
  EXPECT_EQ(s.message().find("zhangsan"), std::string::npos) << s.message();
}

// A full disk is not an unavailable database: 507 storage.no_space in the API
// (tests/crash/disk_full_test.sh fills a real tmpfs under SQLite).
TEST(DbErrorTest, AFullDiskIsStorageNoSpace) {
  Poco::Data::SQLite::DatabaseFullException sqlite_full("database or disk is full");
  Status s = DbError("metadata.db_error", "metadata", sqlite_full);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.reason(), "storage.no_space");
  Poco::Exception pg_full("postgresql_stmt_execute error: ERROR:  could not extend file \"base/16384/2619\": "
                          "No space left on device\n Severity: ERROR State: 53100");
  EXPECT_EQ(DbError("audit.db_error", "audit log", pg_full).reason(), "storage.no_space");
  Poco::Exception other("postgresql_stmt_execute error: ERROR:  canceling statement State: 57014");
  EXPECT_EQ(DbError("audit.db_error", "audit log", other).reason(), "audit.db_error");
}

}  // namespace
}  // namespace vault::db
