#include "vault/identity/role_grants.h"

#include "vault/db/rows.h"
#include "vault/identity/identity_store.h"

using namespace vault::db::sql;

namespace vault {
namespace {

constexpr char kColumns[] =
    "id, username, role, from_role, state, proposed_by, proposed_at, decided_by, decided_at";

RoleGrant GrantFrom(RecordSet& rs) {
  RoleGrant g;
  db::Row(rs)("id", &g.id)("username", &g.username)("role", &g.role)("from_role", &g.from_role)("state", &g.state)
      ("proposed_by", &g.proposed_by)("proposed_at", &g.proposed_at)("decided_by", &g.decided_by)
      ("decided_at", &g.decided_at);
  return g;
}

StatusOr<RoleGrant> FindGrant(db::Connection& s, int64_t id) {
  Statement st(s);
  st << "SELECT " << kColumns << " FROM role_grants WHERE id = ?", bind(Poco::Int64{id});
  auto row = db::FirstRow(st, GrantFrom);
  if (!row) return NotFoundError("role_grant.not_found", "no such role grant");
  return *row;
}

}  // namespace

bool NeedsFourEyes(const std::string& role) {
  return role == "admin" || role == "archive_admin" || role == "legal";
}

RoleGrants::RoleGrants(std::shared_ptr<db::Database> db, const Clock* clock)
    : db_(std::move(db), "role_grant.db_error", "role grants"), clock_(clock) {}

RoleGrants::~RoleGrants() = default;

StatusOr<std::unique_ptr<RoleGrants>> RoleGrants::Open(std::shared_ptr<db::Database> db, const Clock* clock) {
  return std::unique_ptr<RoleGrants>(new RoleGrants(std::move(db), clock));
}

StatusOr<RoleGrant> RoleGrants::Propose(const std::string& proposer, const std::string& username,
                                        const std::string& role) {
  if (!IsKnownRole(role)) {
    return InvalidArgumentError("role_grant.invalid",
                                "role: one of admin, archive_admin, dept_manager, staff, legal, auditor");
  }
  RoleGrant g;
  Status st = db_.Write([&](db::Connection& s) -> Status {
    std::optional<std::string> found = IdentityStore::RoleOf(s, username);
    if (!found) return NotFoundError("user.not_found", "no such user");
    const std::string current = *found;
    if (current == role) return FailedPreconditionError("role_grant.unchanged", username + " is " + role + " already");
    Poco::Int64 pending = 0;
    s << "SELECT COUNT(*) FROM role_grants WHERE username = ? AND state = 'proposed'", bind(username),
        into(pending), now;
    if (pending > 0) {
      return FailedPreconditionError("role_grant.pending",
                                     "a role grant for " + username + " waits already: approve or reject it first");
    }
    const std::string at = FormatUtc(clock_->Now());
    s << "INSERT INTO role_grants (username, role, from_role, state, proposed_by, proposed_at) "
         "VALUES (?, ?, ?, 'proposed', ?, ?)",
        bind(username), bind(role), bind(current), bind(proposer), bind(at), now;
    Poco::Int64 id = 0;
    s << "SELECT last_insert_rowid()", into(id), now;
    VAULT_ASSIGN_OR_RETURN(g, FindGrant(s, id));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return g;
}

StatusOr<RoleGrant> RoleGrants::Approve(const std::string& approver, int64_t id, bool allow_proposer) {
  return Decide(approver, id, true, allow_proposer);
}

StatusOr<RoleGrant> RoleGrants::Reject(const std::string& who, int64_t id) { return Decide(who, id, false, true); }

StatusOr<RoleGrant> RoleGrants::Decide(const std::string& who, int64_t id, bool approve, bool allow_proposer) {
  RoleGrant g;
  Status st = db_.Write([&](db::Connection& s) -> Status {
    VAULT_ASSIGN_OR_RETURN(g, FindGrant(s, id));
    if (g.state != "proposed") {
      return FailedPreconditionError("role_grant.decided", "role grant " + std::to_string(id) + " is " + g.state);
    }
    if (approve && who == g.username) {
      return Status(StatusCode::kPermissionDenied, "role_grant.own_grant", "nobody approves a role for themselves");
    }
    if (approve && who == g.proposed_by && !allow_proposer) {
      return Status(StatusCode::kPermissionDenied, "role_grant.same_admin",
                                   "a different admin must approve: " + who + " proposed this grant");
    }
    g.state = approve ? "approved" : "rejected";
    g.decided_by = who;
    g.decided_at = FormatUtc(clock_->Now());
    s << "UPDATE role_grants SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?", bind(g.state),
        bind(g.decided_by), bind(g.decided_at), bind(Poco::Int64{id}), now;
    if (approve && !IdentityStore::SetRole(s, g.username, g.role)) {
      return NotFoundError("user.not_found", "the user of this grant no longer exists");
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return g;
}

StatusOr<std::vector<RoleGrant>> RoleGrants::List(bool pending_only) {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<RoleGrant>> {
    Statement st(c);
    st << "SELECT " << kColumns << " FROM role_grants" << (pending_only ? " WHERE state = 'proposed'" : "")
       << " ORDER BY id DESC LIMIT 1000";
    return db::AllRows(st, GrantFrom);
  });
}

}  // namespace vault
