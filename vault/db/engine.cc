#include "vault/db/engine.h"

#include <regex>

namespace vault::db {
namespace {

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// A conninfo string is a list of keyword=value pairs; a path never starts
// with one of libpq's keywords followed by '='.
bool LooksLikeConninfo(const std::string& s) {
  static const std::regex kKeyword(R"(^\s*(host|hostaddr|port|dbname|user|service)\s*=)");
  return std::regex_search(s, kKeyword);
}

}  // namespace

StatusOr<DatabaseTarget> ParseDatabaseTarget(const std::string& setting) {
  if (setting.empty()) return InvalidArgumentError("metadata.bad_database", "empty database setting");
  DatabaseTarget t;
  if (StartsWith(setting, "postgresql://") || StartsWith(setting, "postgres://") || LooksLikeConninfo(setting)) {
    t.engine = Engine::kPostgres;
    t.location = setting;
  } else if (StartsWith(setting, "sqlite:")) {
    t.location = setting.substr(7);
    if (t.location.empty()) return InvalidArgumentError("metadata.bad_database", "sqlite: needs a file path");
  } else {
    t.location = setting;
  }
  return t;
}

std::string RedactedLocation(const DatabaseTarget& target) {
  if (target.engine == Engine::kSqlite) return target.location;
  // URI: scheme://user:password@host -> scheme://user:***@host
  static const std::regex kUriPassword(R"(^(postgres(?:ql)?://[^:/@]*):[^@]*@)");
  // conninfo: password=secret or password='se cret'
  static const std::regex kKeyPassword(R"(password\s*=\s*('([^'\\]|\\.)*'|\S+))");
  static const std::regex kQueryPassword(R"(([?&])password=[^&]*)");
  if (target.location.find("://") != std::string::npos) {
    std::string out = std::regex_replace(target.location, kUriPassword, "$1:***@");
    return std::regex_replace(out, kQueryPassword, "$1password=***");
  }
  return std::regex_replace(target.location, kKeyPassword, "password=***");
}

const char* EngineName(Engine engine) { return engine == Engine::kPostgres ? "postgresql" : "sqlite"; }

}  // namespace vault::db
