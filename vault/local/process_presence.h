// A process's presence on this machine, for records that name the process
// working on them (a loan's issue claim): flock(2) on
// DIR/<name>.lock, held while the process lives. The kernel drops the lock
// when the process ends in any way, SIGKILL included, so another process
// can tell at once that a claim's owner is gone instead of waiting for the
// claim to age out. One machine only (a SQLite vault); PostgreSQL nodes use
// an advisory lock of the database instead (db::LeaderLease).
#pragma once

#include <memory>
#include <string>

#include "vault/base/status.h"

namespace vault {

class ProcessPresence {
 public:
  // Creates DIR (0700) if needed and holds DIR/<name>.lock until destroyed
  // (locked before it is renamed into place); removes the files of
  // processes that are gone on the way.
  // `name`: 1 to 64 characters of [0-9a-z]. Errors: presence.bad_name
  // (INVALID_ARGUMENT), storage.io_error (UNAVAILABLE).
  static StatusOr<std::unique_ptr<ProcessPresence>> Hold(const std::string& dir, const std::string& name);
  ~ProcessPresence();
  ProcessPresence(const ProcessPresence&) = delete;
  ProcessPresence& operator=(const ProcessPresence&) = delete;

  // False when no live process holds `name`'s presence in `dir` (its file
  // is gone or unlocked: the stale file is removed); true while one does,
  // and whenever it cannot tell (a bad name, an I/O error), so a caller
  // never takes over from a live process.
  static bool Alive(const std::string& dir, const std::string& name);

 private:
  ProcessPresence(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace vault
