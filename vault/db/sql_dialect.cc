#include "vault/db/sql_dialect.h"

#include <regex>
#include <vector>

namespace vault::db {
namespace {

struct Rewrite {
  std::regex pattern;
  const char* replacement;
};

const std::vector<Rewrite>& Rewrites() {
  static const auto* kRewrites = new std::vector<Rewrite>{
      {std::regex(R"(\bINSERT\s+OR\s+IGNORE\s+INTO\b)", std::regex::icase), "INSERT INTO"},
      {std::regex(R"(\bgroup_concat\s*\()", std::regex::icase), "string_agg("},
      {std::regex(R"(\bchar\s*\(\s*31\s*\))", std::regex::icase), "chr(31)"},
      {std::regex(R"(\blast_insert_rowid\s*\(\s*\))", std::regex::icase), "lastval()"},
      {std::regex(R"(\bBEGIN\s+IMMEDIATE\b)", std::regex::icase), "BEGIN"},
      {std::regex(R"(\bCOLLATE\s+BINARY\b)", std::regex::icase), "COLLATE \"C\""},
      {std::regex(R"(\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b)", std::regex::icase), "BIGSERIAL PRIMARY KEY"},
      {std::regex(R"(\bINTEGER\b)", std::regex::icase), "BIGINT"},
  };
  return *kRewrites;
}

// Rewrites one stretch of SQL outside quotes; `next` numbers placeholders.
std::string RewriteCode(const std::string& code, int* next, bool* ignore_conflicts) {
  static const std::regex kInsertOrIgnore(R"(\bINSERT\s+OR\s+IGNORE\s+INTO\b)", std::regex::icase);
  if (std::regex_search(code, kInsertOrIgnore)) *ignore_conflicts = true;
  std::string out = code;
  for (const Rewrite& r : Rewrites()) out = std::regex_replace(out, r.pattern, r.replacement);
  std::string numbered;
  numbered.reserve(out.size() + 8);
  for (char ch : out) {
    if (ch == '?') {
      numbered += '$' + std::to_string((*next)++);
    } else {
      numbered += ch;
    }
  }
  return numbered;
}

}  // namespace

std::string ToPostgresSql(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  bool ignore_conflicts = false;
  size_t i = 0;
  while (i < sql.size()) {
    char q = sql[i];
    if (q == '\'' || q == '"') {
      // A quoted string or identifier, with doubled quotes inside: copied as is.
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == q) {
          if (j + 1 < sql.size() && sql[j + 1] == q) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      size_t end = j < sql.size() ? j + 1 : sql.size();
      out.append(sql, i, end - i);
      i = end;
      continue;
    }
    size_t j = sql.find_first_of("'\"", i);
    if (j == std::string::npos) j = sql.size();
    out += RewriteCode(sql.substr(i, j - i), &next, &ignore_conflicts);
    i = j;
  }
  if (ignore_conflicts) {
    size_t end = out.find_last_not_of(" \t\r\n;");
    out.erase(end == std::string::npos ? 0 : end + 1);
    out += " ON CONFLICT DO NOTHING";
  }
  return out;
}

}  // namespace vault::db
