// A Poco::Data session on PostgreSQL that runs the stores' SQLite-dialect
// SQL: every statement's text goes through ToPostgresSql (sql_dialect.h)
// when it is compiled, so `c << "... WHERE id = ?", bind(x), now;` works on
// both engines. Poco's own PostgreSQL connector does the rest (libpq,
// binding, extraction); only statement creation is ours.
#pragma once

#include <Poco/Data/Session.h>

#include <memory>
#include <string>

typedef struct pg_conn PGconn;

namespace vault::db {

// Connects with the libpq connection string or URI `conninfo`. Throws
// Poco::Data exceptions (the message never contains the password: libpq's
// messages do not echo it).
std::unique_ptr<Poco::Data::Session> OpenPostgresSession(const std::string& conninfo);

// Poco's PostgreSQL session splits its connection string into key=value
// pairs, which breaks a URI with query parameters (`?host=/run/pg`,
// `?sslmode=require`): a postgresql:// or postgres:// URI is rewritten here
// into libpq's keyword form (parsed by libpq itself, values quoted); any
// other string is returned as it is. Throws Poco::Data::PostgreSQL::
// ConnectionException for a URI libpq cannot parse. Poco's splitting also
// means a value containing a space (`options='-c a=1 -c b=2'`) cannot be
// passed in either form.
std::string KeywordConninfo(const std::string& conninfo);

// The libpq connection under a session opened above.
PGconn* PostgresHandle(Poco::Data::Session& session);

}  // namespace vault::db
