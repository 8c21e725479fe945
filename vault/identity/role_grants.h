// RoleGrants: four-eyes changes of privileged roles.
//
// archive_admin reads every original and approves destructions, legal
// approves destructions and places holds: one system admin alone once made
// an account with such a role (or promoted one) and so could read any
// original. A grant of such a role is proposed by one admin and takes effect
// only when a different admin approves it; until then the account keeps its
// old role (a new account has kNoRole, identity_store.h, which the policy engine grants
// nothing). admin itself is on the list too: otherwise a lone admin would
// make a second admin account and approve with it.
//
// Proposals, approvals and rejections live in the metadata database (it
// owns table role_grants); an approval sets the user's role through
// IdentityStore::SetRole in the same transaction.
// The caller (vaultd, vaultctl) authorizes the actor and audits the change.
//
// Thread-safety: safe for concurrent use; several processes may share the
// database (writes take BEGIN IMMEDIATE).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/db/client.h"
#include "vault/identity/identity_store.h"

namespace vault {

// True for the roles whose grant needs a second admin: admin,
// archive_admin, legal.
bool NeedsFourEyes(const std::string& role);

struct RoleGrant {
  int64_t id = 0;
  std::string username;
  std::string role;       // the role granted
  std::string from_role;  // the user's role when it was proposed
  std::string state;      // proposed | approved | rejected
  std::string proposed_by;
  std::string proposed_at;
  std::string decided_by;  // empty while proposed
  std::string decided_at;
};

class RoleGrants {
 public:
  static StatusOr<std::unique_ptr<RoleGrants>> Open(std::shared_ptr<db::Database> db, const Clock* clock);
  ~RoleGrants();

  // role_grant.invalid (unknown role), user.not_found, role_grant.unchanged
  // (the user has that role already), role_grant.pending (another grant
  // waits for this user: approve or reject it first).
  StatusOr<RoleGrant> Propose(const std::string& proposer, const std::string& username, const std::string& role);
  // Sets the user's role. role_grant.not_found, role_grant.decided (not
  // pending any more), role_grant.same_admin (the approver proposed it;
  // allowed only with `allow_proposer`, the explicit single-admin opt-out),
  // role_grant.own_grant (the approver is the user being granted).
  StatusOr<RoleGrant> Approve(const std::string& approver, int64_t id, bool allow_proposer = false);
  // Any admin, the proposer included, may withdraw a proposal.
  // role_grant.not_found, role_grant.decided.
  StatusOr<RoleGrant> Reject(const std::string& who, int64_t id);
  // Newest first; only the proposed ones when `pending_only`.
  StatusOr<std::vector<RoleGrant>> List(bool pending_only);

 private:
  RoleGrants(std::shared_ptr<db::Database> db, const Clock* clock);
  StatusOr<RoleGrant> Decide(const std::string& who, int64_t id, bool approve, bool allow_proposer);

  db::Client db_;
  const Clock* clock_;
};

}  // namespace vault
