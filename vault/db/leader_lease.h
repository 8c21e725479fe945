// LeaderLease: which node of several sharing one PostgreSQL database does
// the periodic work (loan scheduler passes, audit checkpoints, resuming an
// interrupted destruction). The holder keeps a session-level advisory lock
// on a connection of its own; when its process dies, the server drops the
// connection and with it the lock, and the next Hold() of another node
// takes it. On SQLite there is one node per file: Hold() is always true.
//
// Every pass asks Hold() first, so leadership is re-checked at each pass:
// a lost connection (server restart, network cut) makes Hold() false until
// the lock is taken again on a fresh connection, so two nodes never both
// believe they lead while the database can tell them apart.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "vault/db/engine.h"

namespace vault::db {

class Connection;

class LeaderLease {
 public:
  // `name` names the work; nodes contend per name and per schema.
  LeaderLease(DatabaseTarget target, std::string name);
  ~LeaderLease();
  LeaderLease(const LeaderLease&) = delete;
  LeaderLease& operator=(const LeaderLease&) = delete;

  // True if this process holds the lease now, taking it when it is free.
  // Never throws: a database error means "not the leader" for now.
  bool Hold();
  // Gives the lease up (so another node takes over at once).
  void Release();

 private:
  const DatabaseTarget target_;
  const std::string name_;
  std::mutex mu_;
  std::unique_ptr<Connection> connection_;  // PostgreSQL only; holds the lock
  bool held_ = false;
};

}  // namespace vault::db
