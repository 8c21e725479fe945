#include "vault/backup/pg_dump_source.h"

#include "vault/backup/pg_client.h"

namespace vault {
namespace {

// The child's environment: the password, and never a prompt.
std::vector<std::pair<std::string, std::string>> ChildEnv(const PgChildConnection& c) {
  std::vector<std::pair<std::string, std::string>> env;
  if (!c.password.empty()) env.emplace_back("PGPASSWORD", c.password);
  env.emplace_back("PGCONNECT_TIMEOUT", "30");
  return env;
}

class PsqlSink : public ByteSink {
 public:
  explicit PsqlSink(ChildProcess& child) : child_(child) {}
  Status Write(const uint8_t* data, size_t len) override { return child_.Write(data, len); }
  Status WriteText(const std::string& s) { return Write(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }

 private:
  ChildProcess& child_;
};

constexpr char kMismatchMarker[] = "vault-restore-schema-mismatch";

}  // namespace

StatusOr<std::unique_ptr<PgDumpSource>> PgDumpSource::Start(const std::string& setting, const std::string& schema,
                                                            const std::string& bin_dir) {
  VAULT_ASSIGN_OR_RETURN(std::string program, FindPgProgram("pg_dump", bin_dir, "backup.pg_dump_missing"));
  VAULT_ASSIGN_OR_RETURN(PgChildConnection conn, SplitPgConnection(setting));
  if (!PlainSchemaName(schema)) return FailedPreconditionError("backup.unsupported_schema", "bad schema name");
  ChildCommand c;
  c.program = program;
  c.args = {"--no-password", "--format=plain", "--schema=\"" + schema + "\"", "--no-owner", "--no-privileges",
            "--lock-wait-timeout=60000", "--dbname=" + conn.conninfo};
  c.env = ChildEnv(conn);
  c.error_reason = "backup.pg_dump_failed";
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> child, ChildProcess::Start(c));
  return std::unique_ptr<PgDumpSource>(new PgDumpSource(std::move(child), conn.password));
}

StatusOr<size_t> PgDumpSource::Read(uint8_t* buf, size_t max) {
  VAULT_ASSIGN_OR_RETURN(size_t n, child_->Read(buf, max));
  if (n > 0) return n;
  const int rc = child_->Wait();
  if (rc != 0) {
    return UnavailableError("backup.pg_dump_failed", "pg_dump exited with status " + std::to_string(rc) + ": " +
                                                         ClientErrorText(child_->Stderr(), password_));
  }
  return size_t{0};
}

Status LoadPgDump(const std::string& target_setting, const std::string& schema, const std::string& bin_dir,
                  const std::function<Status(ByteSink&)>& produce) {
  VAULT_ASSIGN_OR_RETURN(std::string program, FindPgProgram("psql", bin_dir, "backup.psql_missing"));
  VAULT_ASSIGN_OR_RETURN(PgChildConnection conn, SplitPgConnection(target_setting));
  if (!PlainSchemaName(schema)) return FailedPreconditionError("backup.unsupported_schema", "bad schema name");
  ChildCommand c;
  c.program = program;
  c.args = {"--no-password", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
            "--dbname=" + conn.conninfo};
  c.env = ChildEnv(conn);
  c.to_child = true;
  c.error_reason = "backup.psql_failed";
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> child, ChildProcess::Start(c));
  PsqlSink sink(*child);
  // Before the dump: the schema must be absent or empty (DROP SCHEMA
  // without CASCADE fails otherwise); the dump creates it again.
  Status s = sink.WriteText("DROP SCHEMA IF EXISTS \"" + schema + "\";\n");
  if (s.ok()) s = produce(sink);
  // After it: the setting must select the schema the vault was loaded into.
  if (s.ok()) {
    s = sink.WriteText("\nRESET search_path;\nDO $vault$ BEGIN IF current_schema() IS DISTINCT FROM '" + schema +
                       "' THEN RAISE EXCEPTION '" + kMismatchMarker + ": %', coalesce(current_schema(), '(none)'); "
                       "END IF; END $vault$;\n");
  }
  if (!s.ok() && s.reason() != "backup.psql_failed") {
    child->Kill();  // before its input ends: nothing commits
    return s;
  }
  child->CloseInput();
  const int rc = child->Wait();
  if (rc == 0 && s.ok()) return Status::Ok();
  const std::string err = child->Stderr();
  if (err.find(kMismatchMarker) != std::string::npos) {
    return FailedPreconditionError("backup.target_schema_mismatch",
                                   "the target setting's search_path does not select schema " + schema +
                                       ", which the backup holds: give a setting with options='-csearch_path=" +
                                       schema + "' (nothing was restored)");
  }
  if (err.find("cannot drop schema") != std::string::npos || err.find("already exists") != std::string::npos) {
    return FailedPreconditionError("backup.target_database_not_empty",
                                   "the target database already holds objects in schema " + schema +
                                       ": restore into an empty database (nothing was restored)");
  }
  return UnavailableError("backup.psql_failed", "psql exited with status " + std::to_string(rc) +
                                                    " (nothing was restored): " +
                                                    ClientErrorText(err, conn.password));
}

}  // namespace vault
