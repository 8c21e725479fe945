#include "vault/db/pg_session.h"

#include <Poco/Data/PostgreSQL/Binder.h>
#include <Poco/Data/PostgreSQL/Extractor.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/PostgreSQL/StatementExecutor.h>
#include <Poco/Data/PostgreSQL/Utility.h>
#include <Poco/Data/StatementImpl.h>
#include <libpq-fe.h>

#include <mutex>
#include <unordered_map>

#include "vault/db/sql_dialect.h"

namespace vault::db {
namespace {

namespace pg = Poco::Data::PostgreSQL;

// The translation of a statement's text, cached: the stores run a few
// hundred distinct statements over and over.
std::string Translated(const std::string& sql) {
  static std::mutex mu;
  static auto* cache = new std::unordered_map<std::string, std::string>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache->find(sql);
  if (it != cache->end()) return it->second;
  std::string out = ToPostgresSql(sql);
  if (cache->size() > 4096) cache->clear();  // dynamic SQL (IN lists) must not grow it forever
  cache->emplace(sql, out);
  return out;
}

// Poco's PostgreSQL statement, except that the text is translated first.
class TranslatingStatement : public Poco::Data::StatementImpl {
 public:
  explicit TranslatingStatement(pg::SessionImpl& session)
      : Poco::Data::StatementImpl(session),
        executor_(session.handle()),
        binder_(new pg::Binder),
        extractor_(new pg::Extractor(executor_)) {}

 protected:
  std::size_t columnsReturned() const override { return executor_.columnsReturned(); }
  int affectedRowCount() const override { return static_cast<int>(executor_.getAffectedRowCount()); }
  const Poco::Data::MetaColumn& metaColumn(std::size_t pos) const override { return executor_.metaColumn(pos); }

  bool hasNext() override {
    if (next_ == Next::kUnknown) {
      next_ = (columnsReturned() > 0 && executor_.fetch()) ? Next::kYes : Next::kNo;
    }
    return next_ == Next::kYes;
  }

  std::size_t next() override {
    if (!hasNext()) throw Poco::Data::PostgreSQL::StatementException("no more rows");
    std::size_t position = 0;
    for (auto& extraction : extractions()) {
      extraction->extract(position);
      position += extraction->numOfColumnsHandled();
    }
    next_ = Next::kUnknown;
    return 1;
  }

  bool canBind() const override {
    return executor_.state() >= pg::StatementExecutor::STMT_COMPILED && !bindings().empty() &&
           bindings().front()->canBind();
  }
  bool canCompile() const override { return executor_.state() < pg::StatementExecutor::STMT_COMPILED; }
  void compileImpl() override { executor_.prepare(Translated(toString())); }

  void bindImpl() override {
    std::size_t position = 0;
    for (auto& binding : bindings()) {
      if (!binding->canBind()) break;
      binding->bind(position);
      position += binding->numOfColumnsHandled();
    }
    binder_->updateBindVectorToCurrentValues();
    executor_.bindParams(binder_->bindVector());
    executor_.execute();
    next_ = Next::kUnknown;
  }

  Poco::Data::AbstractExtraction::ExtractorPtr extractor() override { return extractor_; }
  Poco::Data::AbstractBinding::BinderPtr binder() override { return binder_; }

 private:
  enum class Next { kUnknown, kYes, kNo };
  pg::StatementExecutor executor_;
  Poco::SharedPtr<pg::Binder> binder_;
  Poco::SharedPtr<pg::Extractor> extractor_;
  Next next_ = Next::kUnknown;
};

class TranslatingSession : public pg::SessionImpl {
 public:
  explicit TranslatingSession(const std::string& conninfo) : pg::SessionImpl(conninfo) {}
  Poco::Data::StatementImpl::Ptr createStatementImpl() override { return new TranslatingStatement(*this); }
};

}  // namespace

std::string KeywordConninfo(const std::string& conninfo) {
  if (conninfo.rfind("postgresql://", 0) != 0 && conninfo.rfind("postgres://", 0) != 0) return conninfo;
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (!options) {
    // libpq's message may quote parts of the URI (a password among them).
    if (error) PQfreemem(error);
    throw Poco::Data::PostgreSQL::ConnectionException("the metadata database is not a valid postgresql:// URI");
  }
  std::string out;
  for (const PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val) continue;
    std::string value;
    for (const char* c = o->val; *c; ++c) {
      if (*c == '\\' || *c == '\'') value += '\\';
      value += *c;
    }
    out += (out.empty() ? "" : " ") + std::string(o->keyword) + "='" + value + "'";
  }
  PQconninfoFree(options);
  return out;
}

std::unique_ptr<Poco::Data::Session> OpenPostgresSession(const std::string& conninfo) {
  const std::string keywords = KeywordConninfo(conninfo);
  // Poco's SessionHandle::connect keeps the PGconn of a failed attempt
  // (LeakSanitizer found it when a server was unreachable): the first
  // attempt is made here with libpq and always released, so Poco connects
  // only to a server that just answered.
  {
    PGconn* probe = PQconnectdb(keywords.c_str());
    const bool reachable = probe && PQstatus(probe) == CONNECTION_OK;
    const std::string message = probe ? PQerrorMessage(probe) : "out of memory";
    PQfinish(probe);
    if (!reachable) throw pg::ConnectionException(message);
  }
  Poco::AutoPtr<Poco::Data::SessionImpl> impl(new TranslatingSession(keywords));
  return std::make_unique<Poco::Data::Session>(impl);
}

PGconn* PostgresHandle(Poco::Data::Session& session) {
  return static_cast<PGconn*>(*pg::Utility::handle(session));
}

}  // namespace vault::db
