#include "vault/db/leader_lease.h"

#include <Poco/Exception.h>

#include "vault/db/connection.h"
#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace vault::db {
namespace {

// The advisory lock's two keys: the work's name and the schema, so vaults in
// different schemas of one database (the tests) do not contend.
constexpr char kKeys[] = "hashtext(?), hashtext(current_schema())";

}  // namespace

LeaderLease::LeaderLease(DatabaseTarget target, std::string name) : target_(std::move(target)), name_(std::move(name)) {}

LeaderLease::~LeaderLease() { Release(); }

bool LeaderLease::Hold() {
  if (target_.engine != Engine::kPostgres) return true;
  std::lock_guard<std::mutex> lock(mu_);
  try {
    if (!connection_) {
      held_ = false;
      connection_ = Connection::Open(target_, /*read_only=*/false);
    }
    // Session locks stack: when already held, this takes it a second time,
    // and the unlock below gives that second hold back. It doubles as the
    // check that the connection (and so the lock) is still alive.
    Poco::Int64 got = 0;
    *connection_ << std::string("SELECT pg_try_advisory_lock(") + kKeys + ")::int", bind(name_), into(got), now;
    if (got && held_) {
      Poco::Int64 released = 0;
      *connection_ << std::string("SELECT pg_advisory_unlock(") + kKeys + ")::int", bind(name_), into(released), now;
    }
    held_ = got != 0;
  } catch (const Poco::Exception&) {
    // The connection is gone or broken: so is the lock, if we had it.
    connection_.reset();
    held_ = false;
  }
  return held_;
}

void LeaderLease::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  connection_.reset();  // closing the session releases its advisory locks
  held_ = false;
}

}  // namespace vault::db
