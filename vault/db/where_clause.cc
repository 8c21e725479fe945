#include "vault/db/where_clause.h"

using namespace Poco::Data::Keywords;

namespace vault::db {

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
  std::string in = list.empty() ? "1 = 0" : std::string(column) + " IN (" + list + ")";
  sql_ += or_empty ? " AND (" + in + " OR " + column + " = '')" : " AND " + in;
}

void WhereClause::BindTo(Poco::Data::Statement& statement) {
  for (auto& p : params_) statement, useRef(p);
}

}  // namespace vault::db
