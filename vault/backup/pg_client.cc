#include "vault/backup/pg_client.h"

#include <libpq-fe.h>

#include <memory>
#include <sstream>
#include <vector>

#include "vault/backup/child_process.h"

namespace vault {
namespace {

// A libpq value quoted for a conninfo string when it needs it.
std::string Quoted(const std::string& v) {
  bool plain = !v.empty();
  for (char ch : v) plain = plain && ch != ' ' && ch != '\'' && ch != '\\' && ch != '\t' && ch != '\n';
  if (plain) return v;
  std::string out = "'";
  for (char ch : v) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "'";
}

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConn = std::unique_ptr<PGconn, PgConnDeleter>;
struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

void IgnoreNotice(void*, const char*) {}

StatusOr<PgConn> Connect(const std::string& setting) {
  PgConn c(PQconnectdb(setting.c_str()));
  if (!c || PQstatus(c.get()) != CONNECTION_OK) {
    const std::string why = c ? PQerrorMessage(c.get()) : "out of memory";
    auto split = SplitPgConnection(setting);
    return UnavailableError("backup.database_error",
                            "cannot connect to PostgreSQL: " + ClientErrorText(why, split.ok() ? split->password : ""));
  }
  PQsetNoticeProcessor(c.get(), IgnoreNotice, nullptr);
  return c;
}

// Runs `sql` with text parameters; the rows' first column.
StatusOr<std::vector<std::string>> Query(PGconn* c, const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  PgResult r(PQexecParams(c, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
  const ExecStatusType s = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
    return UnavailableError("backup.database_error",
                            "PostgreSQL: " + ClientErrorText(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(c), ""));
  }
  std::vector<std::string> out;
  for (int i = 0; s == PGRES_TUPLES_OK && i < PQntuples(r.get()); ++i) {
    out.push_back(PQgetisnull(r.get(), i, 0) ? "" : PQgetvalue(r.get(), i, 0));
  }
  return out;
}

// Objects of a schema, by kind; `kinds` are pg_class relkinds.
constexpr char kRelationsIn[] =
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = $1 AND c.relkind = ANY (string_to_array($2, ','))";

}  // namespace

StatusOr<PgChildConnection> SplitPgConnection(const std::string& setting, const std::string& dbname,
                                              const std::string& schema) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(setting.c_str(), &err);
  if (!opts) {
    std::string why = err ? err : "out of memory";
    PQfreemem(err);
    return InvalidArgumentError("metadata.bad_database", "the PostgreSQL setting does not parse: " + why);
  }
  PgChildConnection out;
  std::ostringstream s;
  bool had_db = false, had_options = false;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    const std::string key = o->keyword;
    std::string value = o->val ? o->val : "";
    if (key == "password") {
      out.password = value;
      continue;
    }
    if (key == "dbname" && !dbname.empty()) {
      value = dbname;
      had_db = true;
    }
    if (key == "options" && !schema.empty()) {
      value = "-csearch_path=" + schema;
      had_options = true;
    }
    if (!o->val && !(key == "dbname" && had_db) && !(key == "options" && had_options)) continue;
    s << (s.tellp() > 0 ? " " : "") << key << "=" << Quoted(value);
  }
  PQconninfoFree(opts);
  if (!dbname.empty() && !had_db) s << (s.tellp() > 0 ? " " : "") << "dbname=" << Quoted(dbname);
  if (!schema.empty() && !had_options) s << (s.tellp() > 0 ? " " : "") << "options=" << Quoted("-csearch_path=" + schema);
  out.conninfo = s.str();
  return out;
}

std::string JoinPgConnection(const PgChildConnection& c) {
  return c.password.empty() ? c.conninfo : c.conninfo + " password=" + Quoted(c.password);
}

StatusOr<std::string> FindPgProgram(const std::string& name, const std::string& bin_dir,
                                    const std::string& missing_reason) {
  const std::string path = FindProgram(name, bin_dir);
  if (path.empty()) {
    return FailedPreconditionError(
        missing_reason, name + " was not found " + (bin_dir.empty() ? "on PATH" : "in " + bin_dir) +
                            ": install Debian's postgresql-client (the same major version as the server, or newer), "
                            "or give --pg-bin DIR");
  }
  return path;
}

std::string ClientErrorText(const std::string& text, const std::string& password) {
  std::string clean = text;
  if (!password.empty()) {
    for (size_t at = clean.find(password); at != std::string::npos; at = clean.find(password, at + 3)) {
      clean.replace(at, password.size(), "***");
    }
  }
  std::istringstream lines(clean);
  std::string line, out;
  while (std::getline(lines, line)) {
    const bool says = line.find("ERROR:") != std::string::npos || line.find("FATAL:") != std::string::npos ||
                      line.find("error:") != std::string::npos || line.find("failed") != std::string::npos;
    if (!says) continue;
    std::string kept;
    for (char ch : line) {
      if (static_cast<unsigned char>(ch) >= 0x20 || ch == '\t') kept += ch == '\t' ? ' ' : ch;
    }
    out += (out.empty() ? "" : "; ") + kept;
  }
  if (out.empty()) out = "(no error text)";
  if (out.size() > 600) out = out.substr(0, 600) + "...";
  return out;
}

bool PlainSchemaName(const std::string& name) {
  if (name.empty() || name.size() > 63 || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char ch : name) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

StatusOr<std::string> PgCurrentSchema(const std::string& setting) {
  VAULT_ASSIGN_OR_RETURN(PgConn c, Connect(setting));
  VAULT_ASSIGN_OR_RETURN(std::vector<std::string> rows, Query(c.get(), "SELECT current_schema()", {}));
  const std::string schema = rows.empty() ? "" : rows.front();
  if (!PlainSchemaName(schema)) {
    return FailedPreconditionError("backup.unsupported_schema",
                                   "the vault's schema (current_schema() = '" + schema.substr(0, 80) +
                                       "') is not a plain name of letters, digits and _: backups take only those");
  }
  return schema;
}

Status CheckPgSchemaEmpty(const std::string& setting, const std::string& schema) {
  VAULT_ASSIGN_OR_RETURN(PgConn c, Connect(setting));
  VAULT_ASSIGN_OR_RETURN(std::vector<std::string> rels, Query(c.get(), kRelationsIn, {schema, "r,p,S,v,m,f"}));
  VAULT_ASSIGN_OR_RETURN(
      std::vector<std::string> others,
      Query(c.get(),
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1",
            {schema}));
  if (!rels.empty() || !others.empty()) {
    const std::string first = !rels.empty() ? rels.front() : others.front();
    return FailedPreconditionError("backup.target_database_not_empty",
                                   "the target database already holds objects in schema " + schema + " (" + first +
                                       (rels.size() + others.size() > 1 ? ", ..." : "") +
                                       "): restore into an empty database");
  }
  return Status::Ok();
}

Status DropPgSchemaContents(const std::string& setting, const std::string& schema) {
  VAULT_ASSIGN_OR_RETURN(PgConn c, Connect(setting));
  for (const char* kinds : {"v,m", "r,p,f", "S"}) {
    VAULT_ASSIGN_OR_RETURN(std::vector<std::string> names, Query(c.get(), kRelationsIn, {schema, kinds}));
    for (const std::string& n : names) {
      std::string quoted = "\"";
      for (char ch : n) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      quoted += "\"";
      const std::string what = std::string(kinds) == "S" ? "SEQUENCE" : std::string(kinds) == "v,m" ? "VIEW" : "TABLE";
      // Materialized views would need their own word; the vault has none.
      VAULT_RETURN_IF_ERROR(
          Query(c.get(), "DROP " + what + " IF EXISTS \"" + schema + "\"." + quoted + " CASCADE", {}).status());
    }
  }
  return Status::Ok();
}

Status PgExecute(const std::string& setting, const std::string& sql) {
  VAULT_ASSIGN_OR_RETURN(PgConn c, Connect(setting));
  return Query(c.get(), sql, {}).status();
}

}  // namespace vault
