// The PostgreSQL side of prepared.h: statements prepared on the server once
// per connection (named q1, q2, ...), executed with text parameters.
#include <Poco/Data/DataException.h>
#include <libpq-fe.h>

#include <map>
#include <vector>

#include "vault/db/prepared.h"
#include "vault/db/sql_dialect.h"

namespace vault::db {
namespace {

[[noreturn]] void Throw(const char* what, const PGresult* r, PGconn* c) {
  throw Poco::Data::DataException(std::string(what) + ": " +
                                  (r ? PQresultErrorMessage(r) : PQerrorMessage(c)));
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

class PgQuery : public PreparedQuery::Impl {
 public:
  PgQuery(PGconn* conn, const std::string* name) : conn_(conn), name_(name) {}
  void Bind(int index, const std::string& value) override { Set(index, value); }
  void Bind(int index, int64_t value) override { Set(index, std::to_string(value)); }
  bool Step() override {
    if (!result_) {
      std::vector<const char*> values;
      for (const auto& p : params_) values.push_back(p.c_str());
      result_.reset(PQexecPrepared(conn_, name_->c_str(), static_cast<int>(values.size()),
                                   values.empty() ? nullptr : values.data(), nullptr, nullptr, 0));
      ExecStatusType s = result_ ? PQresultStatus(result_.get()) : PGRES_FATAL_ERROR;
      if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) Throw("execute", result_.get(), conn_);
      row_ = -1;
    }
    if (PQresultStatus(result_.get()) != PGRES_TUPLES_OK) return false;
    return ++row_ < PQntuples(result_.get());
  }
  std::string Text(const char* column) const override {
    int c = Column(column);
    if (PQgetisnull(result_.get(), row_, c)) return std::string();
    return std::string(PQgetvalue(result_.get(), row_, c), static_cast<size_t>(PQgetlength(result_.get(), row_, c)));
  }
  int64_t Int(const char* column) const override {
    int c = Column(column);
    if (PQgetisnull(result_.get(), row_, c)) return 0;
    return std::strtoll(PQgetvalue(result_.get(), row_, c), nullptr, 10);
  }

 private:
  void Set(int index, std::string value) {
    if (index < 1) throw Poco::Data::DataException("bind: parameters are numbered from 1");
    if (params_.size() < static_cast<size_t>(index)) params_.resize(static_cast<size_t>(index));
    params_[static_cast<size_t>(index) - 1] = std::move(value);
  }
  int Column(const char* name) const {
    if (!result_ || row_ < 0 || row_ >= PQntuples(result_.get())) {
      throw Poco::Data::DataException(std::string("no current row for column ") + name);
    }
    int c = PQfnumber(result_.get(), name);
    if (c < 0) throw Poco::Data::DataException(std::string("no column ") + name);
    return c;
  }
  PGconn* conn_;
  const std::string* name_;
  std::vector<std::string> params_;
  Result result_;
  int row_ = -1;
};

class PgCache : public PreparedCache {
 public:
  explicit PgCache(PGconn* conn) : conn_(conn) {}
  PreparedQuery Get(const std::string& sql) override {
    auto it = names_.find(sql);
    if (it == names_.end()) {
      std::string name = "q" + std::to_string(names_.size() + 1);
      Result r(PQprepare(conn_, name.c_str(), ToPostgresSql(sql).c_str(), 0, nullptr));
      if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) Throw("prepare", r.get(), conn_);
      it = names_.emplace(sql, std::move(name)).first;
    }
    return PreparedQuery(std::make_unique<PgQuery>(conn_, &it->second));
  }

 private:
  PGconn* conn_;
  std::map<std::string, std::string> names_;
};

}  // namespace

std::unique_ptr<PreparedCache> NewPostgresPreparedCache(PGconn* connection) {
  return std::make_unique<PgCache>(connection);
}

}  // namespace vault::db
