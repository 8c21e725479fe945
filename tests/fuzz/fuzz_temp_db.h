// A throwaway SQLite vault database for the fuzz targets whose parser sits
// behind a store (certificate verification, trace by code): made once per
// process in a fresh temporary directory with every migration applied, and
// removed at exit. It holds no plaintext and no key.
#pragma once

#include <boost/filesystem.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "vault/db/database.h"

namespace vault_fuzz {

inline std::shared_ptr<vault::db::Database> TempDatabase() {
  static std::shared_ptr<vault::db::Database> db = [] {
    static std::string dir = (boost::filesystem::temp_directory_path() /
                              boost::filesystem::unique_path("vault-fuzz-%%%%-%%%%-%%%%"))
                                 .string();
    boost::filesystem::create_directories(dir);
    std::atexit([] {
      boost::system::error_code ignored;
      boost::filesystem::remove_all(dir, ignored);
    });
    auto opened = vault::db::Database::Open(dir + "/metadata.db");
    if (!opened.ok()) {
      std::fprintf(stderr, "fuzz: cannot open a database in %s: %s\n", dir.c_str(), opened.status().message().c_str());
      std::abort();
    }
    return *opened;
  }();
  return db;
}

}  // namespace vault_fuzz
