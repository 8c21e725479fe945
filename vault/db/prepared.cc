#include "vault/db/prepared.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <sqlite3.h>

namespace vault::db {
namespace {

[[noreturn]] void Throw(sqlite3* db, const char* what) {
  throw Poco::Data::DataException(std::string(what) + ": " + sqlite3_errmsg(db));
}

}  // namespace

PreparedCache::PreparedCache(Poco::Data::Session& session)
    : db_(Poco::Data::SQLite::Utility::dbHandle(session)) {}

PreparedCache::~PreparedCache() {
  for (auto& kv : cache_) sqlite3_finalize(kv.second->stmt);
}

PreparedQuery PreparedCache::Get(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    auto entry = std::make_unique<PreparedCache::Entry>();
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &entry->stmt, nullptr) != SQLITE_OK) {
      Throw(db_, "prepare");
    }
    for (int i = 0; i < sqlite3_column_count(entry->stmt); ++i) entry->columns[sqlite3_column_name(entry->stmt, i)] = i;
    it = cache_.emplace(sql, std::move(entry)).first;
  }
  return PreparedQuery(db_, it->second.get());
}

PreparedQuery::PreparedQuery(PreparedQuery&& other) noexcept : db_(other.db_), entry_(other.entry_) {
  other.entry_ = nullptr;
}

PreparedQuery::~PreparedQuery() {
  if (!entry_) return;
  auto* e = static_cast<PreparedCache::Entry*>(entry_);
  sqlite3_reset(e->stmt);
  sqlite3_clear_bindings(e->stmt);
}

PreparedQuery& PreparedQuery::Bind(int index, const std::string& value) {
  auto* e = static_cast<PreparedCache::Entry*>(entry_);
  if (sqlite3_bind_text(e->stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    Throw(db_, "bind");
  }
  return *this;
}

PreparedQuery& PreparedQuery::Bind(int index, int64_t value) {
  auto* e = static_cast<PreparedCache::Entry*>(entry_);
  if (sqlite3_bind_int64(e->stmt, index, value) != SQLITE_OK) Throw(db_, "bind");
  return *this;
}

bool PreparedQuery::Step() {
  auto* e = static_cast<PreparedCache::Entry*>(entry_);
  int rc = sqlite3_step(e->stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Throw(db_, "step");
}

int PreparedQuery::Column(const char* name) const {
  auto* e = static_cast<PreparedCache::Entry*>(entry_);
  auto it = e->columns.find(name);
  if (it == e->columns.end()) throw Poco::Data::DataException(std::string("no column ") + name);
  return it->second;
}

std::string PreparedQuery::Text(const char* column) const {
  auto* e = static_cast<PreparedCache::Entry*>(entry_);
  int i = Column(column);
  const unsigned char* p = sqlite3_column_text(e->stmt, i);
  if (!p) return std::string();
  return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(e->stmt, i)));
}

int64_t PreparedQuery::Int(const char* column) const {
  auto* e = static_cast<PreparedCache::Entry*>(entry_);
  return sqlite3_column_int64(e->stmt, Column(column));
}

}  // namespace vault::db
