#include "vault/metadata/sqlite_util.h"

#include <sqlite3.h>

#include <algorithm>

#include <Poco/Data/SQLite/Connector.h>

#include <mutex>

using namespace Poco::Data::Keywords;

namespace vault::sqlite {

std::unique_ptr<Poco::Data::Session> OpenSession(const std::string& path) {
  static std::once_flag registered;
  std::call_once(registered, [] {
    // Before SQLite initializes: without memory statistics its allocator
    // takes no process-wide mutex, which otherwise serializes every
    // statement of every connection (measured: half of vaultd's CPU went
    // to that futex). Fails harmlessly if SQLite was already initialized.
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    Poco::Data::SQLite::Connector::registerConnector();
  });
  auto session = std::make_unique<Poco::Data::Session>("SQLite", path);
  Poco::Data::Session& s = *session;
  s << "PRAGMA busy_timeout = 5000", now;
  s << "PRAGMA journal_mode = WAL", now;
  s << "PRAGMA synchronous = FULL", now;
  s << "PRAGMA foreign_keys = ON", now;
  s << "PRAGMA secure_delete = ON", now;
  return session;
}

bool HasTable(Poco::Data::Session& session, const std::string& table) {
  Poco::Int64 n = 0;
  session << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", bind(table),
      into(n), now;
  return n > 0;
}

std::string Text(Poco::Data::RecordSet& rs, const char* column) {
  const Poco::Dynamic::Var& v = rs[column];
  return v.isEmpty() ? std::string() : v.convert<std::string>();
}

int64_t Int(Poco::Data::RecordSet& rs, const char* column) {
  const Poco::Dynamic::Var& v = rs[column];
  return v.isEmpty() ? 0 : v.convert<Poco::Int64>();
}

Status DbError(const char* reason, const char* what, const Poco::Exception& e) {
  return UnavailableError(reason, std::string(what) + " database: " + e.displayText());
}

void WhereClause::Equals(const char* column, const std::string& value) {
  Add(std::string(column) + " = ?", value);
}

void WhereClause::Add(const std::string& condition, const std::string& value) {
  if (value.empty()) return;
  sql_ += " AND " + condition;
  params_.push_back(value);
}

void WhereClause::In(const char* column, const std::vector<std::string>& values, bool or_empty) {
  std::string list;
  for (const auto& v : values) {
    list += list.empty() ? "?" : ", ?";
    params_.push_back(v);
  }
  std::string in = list.empty() ? "0" : std::string(column) + " IN (" + list + ")";
  sql_ += or_empty ? " AND (" + in + " OR " + column + " = '')" : " AND " + in;
}

void WhereClause::BindTo(Poco::Data::Statement& statement) {
  for (auto& p : params_) statement, useRef(p);
}

std::vector<std::string> SplitList(const std::string& joined) {
  std::vector<std::string> out;
  if (joined.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t end = joined.find('\x1f', start);
    out.push_back(joined.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace vault::sqlite
