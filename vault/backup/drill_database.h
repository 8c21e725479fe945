// The throwaway PostgreSQL database a drill of a PostgreSQL backup restores
// into (docs/operations.md "Restore drills"): created on the server the
// drill is given (`vaultctl backup drill --drill-database CONN`, a role
// with CREATEDB), named vault_drill_<random>, and dropped (WITH (FORCE))
// when the object goes, whatever the drill found.
//
// Thread-safety: one thread per object.
#pragma once

#include <memory>
#include <string>

#include "vault/backup/backup_manifest.h"

namespace vault {

class ScratchDatabase {
 public:
  // For a PostgreSQL manifest: a new empty database on `server` and the
  // setting that reaches the backup's schema in it. Errors:
  // backup.drill_database_required (FAILED_PRECONDITION) when `server` is
  // empty or not PostgreSQL, backup.database_error.
  static StatusOr<std::unique_ptr<ScratchDatabase>> Create(const std::string& server, const BackupManifest& m);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& setting() const { return setting_; }

 private:
  ScratchDatabase(std::string server, std::string name, std::string setting)
      : server_(std::move(server)), name_(std::move(name)), setting_(std::move(setting)) {}
  std::string server_, name_, setting_;
};

}  // namespace vault
