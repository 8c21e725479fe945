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
