// A postgresql:// URI as the database setting (the documented form,
// `vaultd.database = postgresql://USER@HOST:PORT/DB`): Poco's session
// splits its connection string at '=', which broke every URI with query
// parameters (`?host=/run/postgresql`, `?sslmode=require`); the URI is now
// rewritten into libpq's keyword form first.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/Statement.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <string>

#include "tests/support/test_database.h"
#include "vault/db/connection.h"
#include "vault/db/engine.h"
#include "vault/db/pg_session.h"

namespace vault {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace Poco::Data::Keywords;

TEST(PgUriTest, KeywordFormPassesThrough) {
  EXPECT_EQ(db::KeywordConninfo("host=/tmp/pg user=vault dbname=v options='-csearch_path=s1'"),
            "host=/tmp/pg user=vault dbname=v options='-csearch_path=s1'");
}

TEST(PgUriTest, AUriBecomesQuotedKeywords) {
  const std::string k = db::KeywordConninfo(
      "postgresql://vault@db1:5433/archive?sslmode=require&application_name=it%27s%20a%20test&host=/run/pg");
  EXPECT_THAT(k, Not(HasSubstr("://")));
  EXPECT_THAT(k, HasSubstr("user='vault'"));
  EXPECT_THAT(k, HasSubstr("port='5433'"));
  EXPECT_THAT(k, HasSubstr("dbname='archive'"));
  EXPECT_THAT(k, HasSubstr("sslmode='require'"));
  EXPECT_THAT(k, HasSubstr("application_name='it\\'s a test'"));
  EXPECT_THAT(k, HasSubstr("host='/run/pg'"));  // the query parameter wins over the authority
  EXPECT_THAT(db::KeywordConninfo("postgres://db1/archive"), HasSubstr("dbname='archive'"));
}

TEST(PgUriTest, ABrokenUriIsRefusedWithoutEchoingIt) {
  try {
    db::KeywordConninfo("postgresql://vault:s3cret@db1/archive?nosuchoption=1");
    FAIL() << "accepted";
  } catch (const Poco::Data::PostgreSQL::ConnectionException& e) {
    EXPECT_THAT(e.displayText(), Not(HasSubstr("s3cret")));
  }
}

TEST(PgUriTest, ConnectsThroughAUriWithQueryParameters) {
  if (!testing::TestOnPostgres()) GTEST_SKIP() << "needs VAULT_TEST_PG";
  // The test server's conninfo, spelled as a URI with ?host= and ?options=.
  PQconninfoOption* opts = PQconninfoParse(std::getenv("VAULT_TEST_PG"), nullptr);
  ASSERT_NE(opts, nullptr);
  std::string host, user, dbname, port;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val) continue;
    const std::string k = o->keyword;
    if (k == "host") host = o->val;
    if (k == "user") user = o->val;
    if (k == "dbname") dbname = o->val;
    if (k == "port") port = o->val;
  }
  PQconninfoFree(opts);
  std::string uri = "postgresql://" + user + "@/" + dbname + "?application_name=vault_uri_test";
  if (!host.empty()) uri += "&host=" + host;
  if (!port.empty()) uri += "&port=" + port;
  auto target = db::ParseDatabaseTarget(uri);
  ASSERT_TRUE(target.ok()) << target.status().ToString();
  ASSERT_EQ(target->engine, db::Engine::kPostgres);
  auto c = db::Connection::Open(*target, /*read_only=*/false);
  std::string name;
  *c << "SELECT current_setting('application_name')", into(name), now;
  EXPECT_EQ(name, "vault_uri_test");
}

}  // namespace
}  // namespace vault
