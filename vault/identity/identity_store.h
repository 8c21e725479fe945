// IdentityStore: users, departments, passwords and bearer sessions.
//
// Passwords are stored only as Argon2id strings (libsodium crypto_pwhash_str,
// salt and parameters inside). A session token is 32 random bytes handed to
// the client once; the database keeps only its SHA-256, so a copy of the
// database does not let anyone log in. Tokens expire (injected clock) and can
// be revoked. Repeated failed logins lock the account for a while; an
// unknown user name costs the same Argon2id work as a wrong password, so
// response time does not reveal which user names exist.
//
// Owns the tables users, departments, user_customers and sessions of the
// shared metadata database (vault/db/database.h).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/db/client.h"

namespace vault {

// Roles from ../shared/MISSION.md.
bool IsKnownRole(const std::string& role);
// The role of an account created while its requested role waits for a
// second admin (role_grants.h); the policy engine grants it nothing.
inline constexpr char kNoRole[] = "none";

struct User {
  int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string role;
  std::string department;
  std::string clearance;  // public | internal | confidential
  bool disabled = false;
  std::string created_at;
  std::vector<std::string> customers;  // assigned customer numbers
};

struct NewUser {
  std::string username;
  std::string display_name;
  std::string role;
  std::string department;
  std::string clearance = "internal";
  std::string password;
};

// A change to a user; empty members stay as they are.
struct UserChanges {
  std::string display_name;
  std::string role;
  std::string department;
  std::string clearance;
};

struct Department {
  std::string name;
  std::string display_name;
  std::string created_at;
  int64_t users = 0;  // accounts in the department, disabled ones included
};

struct LoginPolicy {
  int max_failures = 5;                                   // then the account locks
  std::chrono::seconds lockout{15 * 60};
  std::chrono::seconds token_lifetime{8 * 60 * 60};
  uint64_t argon2_opslimit = 2;                           // libsodium INTERACTIVE
  size_t argon2_memlimit = 64u << 20;
};

struct LoginResult {
  std::string token;       // give to the client; never stored
  std::string expires_at;  // RFC 3339
  User user;
};

class IdentityStore {
 public:
  static StatusOr<std::unique_ptr<IdentityStore>> Open(std::shared_ptr<db::Database> db, const Clock* clock,
                                                       LoginPolicy policy = {});
  ~IdentityStore();

  // user.invalid (name, role, clearance, weak password), user.exists. The
  // role may be kNoRole.
  StatusOr<User> AddUser(const NewUser& user);
  StatusOr<User> GetUser(const std::string& username);
  StatusOr<std::vector<User>> ListUsers();
  Status SetDisabled(const std::string& username, bool disabled);
  // Role, department, clearance or display name; takes effect on the user's
  // next request (sessions are re-read every time). user.invalid, user.not_found.
  StatusOr<User> UpdateUser(const std::string& username, const UserChanges& changes);

  // A user's department is registered on first use; admins may register
  // one ahead, with a display name. department.invalid, department.exists.
  StatusOr<Department> AddDepartment(const std::string& name, const std::string& display_name);
  StatusOr<std::vector<Department>> ListDepartments();
  Status SetPassword(const std::string& username, const std::string& password);
  // Customers a user looks after; staff see only documents of these.
  Status AssignCustomer(const std::string& username, const std::string& customer_number);
  Status UnassignCustomer(const std::string& username, const std::string& customer_number);

  // auth.failed for a wrong name or password (the same message for both),
  // auth.locked while locked out, auth.disabled for a disabled account.
  StatusOr<LoginResult> Login(const std::string& username, const std::string& password);
  // auth.invalid_token, auth.expired, auth.revoked, auth.disabled.
  StatusOr<User> Authenticate(const std::string& token);
  Status Logout(const std::string& token);

  // For RoleGrants, inside its transaction on `c`; they throw. A user's
  // role (nullopt: no such user); setting it returns false for no such user.
  static std::optional<std::string> RoleOf(db::Connection& c, const std::string& username);
  static bool SetRole(db::Connection& c, const std::string& username, const std::string& role);

 private:
  IdentityStore(std::shared_ptr<db::Database> db, const Clock* clock, LoginPolicy policy);
  StatusOr<std::string> HashPassword(const std::string& password) const;

  db::Client db_;
  const Clock* clock_;
  LoginPolicy policy_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // verified against for unknown users
};

}  // namespace vault
