#include "vault/db/rows.h"

#include <algorithm>
#include <sstream>

namespace vault::db {

std::string Text(Poco::Data::RecordSet& rs, const char* column) {
  const Poco::Dynamic::Var& v = rs[column];
  return v.isEmpty() ? std::string() : v.convert<std::string>();
}

int64_t Int(Poco::Data::RecordSet& rs, const char* column) {
  const Poco::Dynamic::Var& v = rs[column];
  return v.isEmpty() ? 0 : v.convert<Poco::Int64>();
}

std::string UpsertClause(const std::string& columns, const std::string& keys) {
  auto split = [](const std::string& list) {
    std::vector<std::string> out;
    std::stringstream ss(list);
    for (std::string part; std::getline(ss, part, ',');) {
      size_t b = part.find_first_not_of(" \n"), e = part.find_last_not_of(" \n");
      if (b != std::string::npos) out.push_back(part.substr(b, e - b + 1));
    }
    return out;
  };
  std::vector<std::string> key_list = split(keys);
  std::string set;
  for (const std::string& c : split(columns)) {
    if (std::find(key_list.begin(), key_list.end(), c) != key_list.end()) continue;
    set += (set.empty() ? "" : ", ") + c + " = excluded." + c;
  }
  return " ON CONFLICT (" + keys + ") DO UPDATE SET " + set;
}

std::string JoinCommaList(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i];
  return out;
}

std::vector<std::string> SplitCommaList(const std::string& joined) {
  std::vector<std::string> out;
  std::stringstream ss(joined);
  for (std::string part; std::getline(ss, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
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

}  // namespace vault::db
