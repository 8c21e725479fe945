#include "vault/db/prepared.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <sqlite3.h>

#include <map>

namespace vault::db {
namespace {

[[noreturn]] void Throw(sqlite3* db, const char* what) {
  throw Poco::Data::DataException(std::string(what) + ": " + sqlite3_errmsg(db));
}

struct SqliteEntry {
  sqlite3_stmt* stmt = nullptr;
  std::map<std::string, int> columns;  // result column name -> index
};

class SqliteQuery : public PreparedQuery::Impl {
 public:
  SqliteQuery(sqlite3* db, SqliteEntry* e) : db_(db), e_(e) {}
  ~SqliteQuery() override {
    sqlite3_reset(e_->stmt);
    sqlite3_clear_bindings(e_->stmt);
  }
  void Bind(int index, const std::string& value) override {
    if (sqlite3_bind_text(e_->stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) !=
        SQLITE_OK) {
      Throw(db_, "bind");
    }
  }
  void Bind(int index, int64_t value) override {
    if (sqlite3_bind_int64(e_->stmt, index, value) != SQLITE_OK) Throw(db_, "bind");
  }
  bool Step() override {
    int rc = sqlite3_step(e_->stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Throw(db_, "step");
  }
  std::string Text(const char* column) const override {
    int i = Column(column);
    const unsigned char* p = sqlite3_column_text(e_->stmt, i);
    if (!p) return std::string();
    return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(e_->stmt, i)));
  }
  int64_t Int(const char* column) const override { return sqlite3_column_int64(e_->stmt, Column(column)); }

 private:
  int Column(const char* name) const {
    auto it = e_->columns.find(name);
    if (it == e_->columns.end()) throw Poco::Data::DataException(std::string("no column ") + name);
    return it->second;
  }
  sqlite3* db_;
  SqliteEntry* e_;
};

class SqliteCache : public PreparedCache {
 public:
  explicit SqliteCache(Poco::Data::Session& session) : db_(Poco::Data::SQLite::Utility::dbHandle(session)) {}
  ~SqliteCache() override {
    for (auto& kv : cache_) sqlite3_finalize(kv.second->stmt);
  }
  PreparedQuery Get(const std::string& sql) override {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      auto entry = std::make_unique<SqliteEntry>();
      if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                             &entry->stmt, nullptr) != SQLITE_OK) {
        Throw(db_, "prepare");
      }
      for (int i = 0; i < sqlite3_column_count(entry->stmt); ++i) {
        entry->columns[sqlite3_column_name(entry->stmt, i)] = i;
      }
      it = cache_.emplace(sql, std::move(entry)).first;
    }
    return PreparedQuery(std::make_unique<SqliteQuery>(db_, it->second.get()));
  }

 private:
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<SqliteEntry>> cache_;
};

}  // namespace

std::unique_ptr<PreparedCache> NewSqlitePreparedCache(Poco::Data::Session& session) {
  return std::make_unique<SqliteCache>(session);
}

}  // namespace vault::db
