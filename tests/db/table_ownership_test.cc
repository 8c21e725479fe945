// Every table of the metadata database has exactly one owning store, and no
// other source file names it in SQL: a store that needs another's rows asks
// the owner (e.g. DestructionStore asks BorrowStore::OpenLoansOf). The test
// reads the sources, so a new query on a foreign table fails here.
#include <gtest/gtest.h>

#include <boost/filesystem.hpp>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace vault {
namespace {

namespace fs = boost::filesystem;

const std::map<std::string, std::string>& Owners() {
  static const std::map<std::string, std::string> kOwners = {
      {"schema_migrations", "vault/db/database.cc"},
      {"documents", "vault/metadata/sqlite_metadata_store.cc"},
      {"document_tags", "vault/metadata/sqlite_metadata_store.cc"},
      {"versions", "vault/metadata/sqlite_metadata_store.cc"},
      {"wrapped_keys", "vault/metadata/sqlite_metadata_store.cc"},
      {"artifacts", "vault/metadata/sqlite_metadata_store.cc"},
      {"destroyed_keks", "vault/metadata/sqlite_metadata_store.cc"},
      {"destroyed_documents", "vault/metadata/sqlite_metadata_store.cc"},
      {"search_terms", "vault/metadata/sqlite_metadata_store.cc"},
      {"search_index_state", "vault/metadata/sqlite_metadata_store.cc"},
      {"audit_events", "vault/audit/audit_log.cc"},
      {"audit_checkpoints", "vault/audit/audit_log.cc"},
      {"signing_keys", "vault/audit/audit_log.cc"},
      {"users", "vault/identity/identity_store.cc"},
      {"departments", "vault/identity/identity_store.cc"},
      {"user_customers", "vault/identity/identity_store.cc"},
      {"sessions", "vault/identity/identity_store.cc"},
      {"role_grants", "vault/identity/role_grants.cc"},
      {"exports", "vault/export/export_ledger.cc"},
      {"borrows", "vault/borrow/borrow_store.cc"},
      {"borrow_items", "vault/borrow/borrow_store.cc"},
      {"borrow_events", "vault/borrow/borrow_store.cc"},
      {"borrow_incidents", "vault/borrow/borrow_store.cc"},
      {"notifications", "vault/borrow/borrow_store.cc"},
      {"legal_holds", "vault/destruction/destruction_store.cc"},
      {"destructions", "vault/destruction/destruction_store.cc"},
      {"destruction_items", "vault/destruction/destruction_store.cc"},
      {"certificates", "vault/destruction/destruction_store.cc"},
      {"kek_destructions", "vault/operations/key_operations.cc"},
      {"fixity_reports", "vault/operations/fixity_schedule.cc"},
      {"quality_samples", "vault/operations/quality_sampling.cc"},
      {"quality_sample_items", "vault/operations/quality_sampling.cc"},
      {"alerts", "vault/alerts/alert_store.cc"},
      {"alert_evidence", "vault/alerts/alert_store.cc"},
      {"alert_known_clients", "vault/alerts/alert_store.cc"},
      {"alert_scan_state", "vault/alerts/alert_store.cc"},
  };
  return kOwners;
}

// Files that are part of a store's owning file (one store in two files).
const std::map<std::string, std::string>& PartOf() {
  static const std::map<std::string, std::string> kParts = {
      {"vault/metadata/document_search.cc", "vault/metadata/sqlite_metadata_store.cc"},
  };
  return kParts;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p.string(), std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Tables a source names in SQL: after FROM, INTO, UPDATE or JOIN.
std::set<std::string> TablesIn(const std::string& text) {
  static const std::regex kUse(R"(\b(?:FROM|INTO|UPDATE|JOIN)\s+([a-z_]+)\b)");
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), kUse), end; it != end; ++it) out.insert((*it)[1]);
  return out;
}

TEST(TableOwnershipTest, EveryTableOfTheSchemaHasAnOwner) {
  const std::string migrations = Read(fs::path(VAULT_SOURCE_DIR) / "vault/db/migrations.cc");
  static const std::regex kCreate(R"(CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+))");
  int tables = 0;
  for (std::sregex_iterator it(migrations.begin(), migrations.end(), kCreate), end; it != end; ++it) {
    ++tables;
    EXPECT_EQ(Owners().count((*it)[1]), 1u) << "table " << (*it)[1] << " has no owner in this test";
  }
  EXPECT_GT(tables, 20);
}

TEST(TableOwnershipTest, OnlyTheOwnerNamesATableInSql) {
  int checked = 0;
  for (const char* top : {"vault", "api"}) {
    for (fs::recursive_directory_iterator it(fs::path(VAULT_SOURCE_DIR) / top), end; it != end; ++it) {
      const fs::path& p = it->path();
      if (p.extension() != ".cc" && p.extension() != ".h") continue;
      std::string rel = fs::relative(p, VAULT_SOURCE_DIR).generic_string();
      if (rel == "vault/db/migrations.cc") continue;  // creates every table
      if (PartOf().count(rel)) rel = PartOf().at(rel);
      ++checked;
      for (const std::string& table : TablesIn(Read(p))) {
        auto owner = Owners().find(table);
        if (owner == Owners().end()) continue;  // not a table name (e.g. a subquery alias)
        EXPECT_EQ(rel, owner->second) << rel << " names table " << table << ", which " << owner->second << " owns";
      }
    }
  }
  EXPECT_GT(checked, 50);
}

// The check itself: a cross-store query like the one DestructionStore once
// ran is caught.
TEST(TableOwnershipTest, FindsTablesInSql) {
  EXPECT_EQ(TablesIn("SELECT copy_artifact FROM borrow_items WHERE x UNION SELECT id FROM artifacts"),
            (std::set<std::string>{"artifacts", "borrow_items"}));
  EXPECT_EQ(TablesIn("UPDATE users SET role = ?; INSERT OR IGNORE INTO departments"),
            (std::set<std::string>{"departments", "users"}));
}

}  // namespace
}  // namespace vault
