#include "vault/identity/identity_store.h"

#include <sodium.h>

#include <algorithm>

#include "vault/base/hex.h"
#include "vault/crypto/secret_key.h"
#include "vault/crypto/sha256.h"
#include "vault/db/rows.h"
#include "vault/documents/field_dictionary.h"

using namespace vault::db::sql;

namespace vault {
namespace {

constexpr char kUserColumns[] =
    "id, username, display_name, role, department, clearance, password_hash, disabled, "
    "failed_logins, locked_until, created_at";
// The same columns, from a query that joins users as `u`.
constexpr char kUserColumnsOfU[] =
    "u.id AS id, u.username AS username, u.display_name AS display_name, u.role AS role, "
    "u.department AS department, u.clearance AS clearance, u.password_hash AS password_hash, "
    "u.disabled AS disabled, u.failed_logins AS failed_logins, u.locked_until AS locked_until, "
    "u.created_at AS created_at";
constexpr size_t kTokenBytes = 32;

int64_t UnixNow(const Clock* clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock->Now().time_since_epoch()).count();
}

struct UserRow {
  User user;
  std::string password_hash;
  int64_t failed = 0;
  int64_t locked_until = 0;
};

template <typename Row>
UserRow RowFrom(Row& rs) {
  UserRow r;
  db::Row(rs)("id", &r.user.id)("username", &r.user.username)("display_name", &r.user.display_name)
      ("role", &r.user.role)("department", &r.user.department)("clearance", &r.user.clearance)
      ("disabled", &r.user.disabled)("created_at", &r.user.created_at)("password_hash", &r.password_hash)
      ("failed_logins", &r.failed)("locked_until", &r.locked_until);
  return r;
}

bool ValidUsername(const std::string& s) {
  if (s.size() < 2 || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

bool ValidText(const std::string& s, size_t max_chars) {
  if (s.empty() || !FieldDictionary::IsValidUtf8(s) || FieldDictionary::CountChars(s) > max_chars) {
    return false;
  }
  return std::none_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

Status CheckPassword(const std::string& p) {
  if (!FieldDictionary::IsValidUtf8(p) || FieldDictionary::CountChars(p) < 10 || p.size() > 1024) {
    return InvalidArgumentError("user.invalid",
                                "password: must be valid UTF-8, 10 to 1024 characters");
  }
  return Status::Ok();
}

void LoadCustomers(db::Connection& s, User& u) {
  u.customers.clear();
  Statement st(s);
  st << "SELECT customer_number FROM user_customers WHERE user_id = ? ORDER BY customer_number",
      bind(Poco::Int64{u.id}), into(u.customers);
  st.execute();
}

StatusOr<UserRow> FindUser(db::Connection& s, const std::string& username) {
  Statement st(s);
  st << "SELECT " << kUserColumns << " FROM users WHERE username = ?", bind(username);
  st.execute();
  RecordSet rs(st);
  if (!rs.moveFirst()) return NotFoundError("user.not_found", "no such user");
  UserRow row = RowFrom(rs);
  LoadCustomers(s, row.user);
  return row;
}

void RegisterDepartment(db::Connection& s, const std::string& name, const std::string& now_text) {
  s << "INSERT OR IGNORE INTO departments (name, display_name, created_at) VALUES (?, ?, ?)", bind(name),
      bind(name), bind(now_text), now;
}

bool ValidClearance(const std::string& c) { return c == "public" || c == "internal" || c == "confidential"; }

}  // namespace

bool IsKnownRole(const std::string& role) {
  static const char* kRoles[] = {"admin", "archive_admin", "dept_manager", "staff", "legal", "auditor"};
  return std::any_of(std::begin(kRoles), std::end(kRoles), [&](const char* r) { return role == r; });
}

IdentityStore::IdentityStore(std::shared_ptr<db::Database> db, const Clock* clock, LoginPolicy policy)
    : db_(std::move(db), "identity.db_error", "identity"), clock_(clock), policy_(policy) {}

IdentityStore::~IdentityStore() = default;

StatusOr<std::unique_ptr<IdentityStore>> IdentityStore::Open(std::shared_ptr<db::Database> db, const Clock* clock,
                                                             LoginPolicy policy) {
  return std::unique_ptr<IdentityStore>(new IdentityStore(std::move(db), clock, policy));
}

StatusOr<std::string> IdentityStore::HashPassword(const std::string& password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), policy_.argon2_opslimit,
                            policy_.argon2_memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return ResourceExhaustedError("identity.hash_failed", "Argon2id failed (out of memory?)");
  }
  return std::string(out);
}

StatusOr<User> IdentityStore::AddUser(const NewUser& u) {
  std::vector<std::string> errors;
  if (!ValidUsername(u.username)) errors.push_back("username: 2-64 of a-z, 0-9, '.', '_', '-'");
  if (!IsKnownRole(u.role) && u.role != kNoRole) {
    errors.push_back("role: one of admin, archive_admin, dept_manager, staff, legal, auditor");
  }
  if (!ValidText(u.department, 100)) errors.push_back("department: required, at most 100 characters");
  if (!u.display_name.empty() && !ValidText(u.display_name, 100)) {
    errors.push_back("display_name: at most 100 characters, no control characters");
  }
  if (u.clearance != "public" && u.clearance != "internal" && u.clearance != "confidential") {
    errors.push_back("clearance: public, internal or confidential");
  }
  if (!CheckPassword(u.password).ok()) errors.push_back("password: 10 to 1024 characters");
  if (!errors.empty()) {
    std::string msg = "invalid user: ";
    for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + errors[i];
    return InvalidArgumentError("user.invalid", msg);
  }
  VAULT_ASSIGN_OR_RETURN(std::string hash, HashPassword(u.password));
  return db_.Write([&](db::Connection& c) -> StatusOr<User> {
    Poco::Int64 exists = 0;
    c << "SELECT COUNT(*) FROM users WHERE username = ?", bind(u.username), into(exists), now;
    if (exists) return AlreadyExistsError("user.exists", "user " + u.username + " already exists");
    std::string display = u.display_name.empty() ? u.username : u.display_name;
    c << "INSERT INTO users (username, display_name, role, department, clearance, "
                 "password_hash, created_at) VALUES (?,?,?,?,?,?,?)",
        bind(u.username), bind(display), bind(u.role), bind(u.department), bind(u.clearance),
        bind(hash), bind(FormatUtc(clock_->Now())), now;
    RegisterDepartment(c, u.department, FormatUtc(clock_->Now()));
    VAULT_ASSIGN_OR_RETURN(UserRow row, FindUser(c, u.username));
    return row.user;
  });
}

StatusOr<User> IdentityStore::GetUser(const std::string& username) {
  return db_.Read([&](db::Connection& c) -> StatusOr<User> {
    VAULT_ASSIGN_OR_RETURN(UserRow row, FindUser(c, username));
    return row.user;
  });
}

StatusOr<std::vector<User>> IdentityStore::ListUsers() {
  // With each user's assigned customers, in one query.
  return db_.ReadAll(std::string("SELECT ") + kUserColumns +
                         ", (SELECT group_concat(customer_number, char(31)) FROM (SELECT customer_number FROM "
                         "user_customers WHERE user_id = users.id ORDER BY customer_number) AS uc) AS customers_joined"
                         " FROM users ORDER BY username",
                     [](RecordSet& rs) {
                       User u = RowFrom(rs).user;
                       u.customers = db::SplitList(db::Text(rs, "customers_joined"));
                       return u;
                     });
}

Status IdentityStore::SetDisabled(const std::string& username, bool disabled) {
  return db_.Write([&](db::Connection& c) -> Status {
    VAULT_ASSIGN_OR_RETURN(UserRow row, FindUser(c, username));
    c << "UPDATE users SET disabled = ? WHERE id = ?", bind(Poco::Int64{disabled ? 1 : 0}),
        bind(Poco::Int64{row.user.id}), now;
    if (disabled) {
      c << "UPDATE sessions SET revoked = 1 WHERE user_id = ?", bind(Poco::Int64{row.user.id}), now;
    }
    return Status::Ok();
  });
}

Status IdentityStore::SetPassword(const std::string& username, const std::string& password) {
  VAULT_RETURN_IF_ERROR(CheckPassword(password));
  VAULT_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  return db_.Write([&](db::Connection& c) -> Status {
    VAULT_ASSIGN_OR_RETURN(UserRow row, FindUser(c, username));
    c << "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0 WHERE id = ?",
        bind(hash), bind(Poco::Int64{row.user.id}), now;
    // A new password ends every session opened with the old one.
    c << "UPDATE sessions SET revoked = 1 WHERE user_id = ?", bind(Poco::Int64{row.user.id}), now;
    return Status::Ok();
  });
}

StatusOr<LoginResult> IdentityStore::Login(const std::string& username, const std::string& password) {
  const Status failed(StatusCode::kUnauthenticated, "auth.failed", "wrong user name or password");
  StatusOr<UserRow> row = NotFoundError("user.not_found", "");
  VAULT_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    row = FindUser(c, username);
    return Status::Ok();
  }));
  const int64_t now_s = UnixNow(clock_);
  if (!row.ok()) {
    // A hash to verify against when the user does not exist, so that both
    // paths cost one Argon2id verification. Made on first need, not on open.
    std::call_once(dummy_once_, [this] {
      auto h = HashPassword("not a real password, ever");
      dummy_hash_ = h.ok() ? *h : std::string();
    });
    // Same cost as a real check; the result is meaningless by design.
    volatile int ignored =
        crypto_pwhash_str_verify(dummy_hash_.c_str(), password.data(), password.size());
    (void)ignored;
    return failed;
  }
  if (row->locked_until > now_s) {
    return Status(StatusCode::kUnauthenticated, "auth.locked",
                  "too many failed logins; try again later or ask an administrator");
  }
  // Argon2id runs outside the lock: logins must not serialize on it.
  bool ok = crypto_pwhash_str_verify(row->password_hash.c_str(), password.data(), password.size()) == 0;
  // The failure count is read, raised and turned into a lock inside one
  // write transaction (BEGIN IMMEDIATE), on the row as it is now, not as it
  // was before the slow check above: parallel wrong guesses (threads here, or
  // another process on the same database) once overwrote each other's counts
  // and 16 of them did not lock the account. A guess that finds the account
  // locked meanwhile is refused uncounted, as it would be sequentially.
  const Poco::Int64 id = row->user.id;
  Status outcome = Status::Ok();
  LoginResult result;
  Status st = db_.Write([&](db::Connection& c) -> Status {
    Poco::Int64 failures = 0;
    Poco::Int64 locked_until = 0;
    Statement q(c);
    q << "SELECT failed_logins, locked_until FROM users WHERE id = ?", bind(id), into(failures),
        into(locked_until);
    if (q.execute() == 0) {
      outcome = failed;  // deleted meanwhile
      return Status::Ok();
    }
    if (locked_until > now_s) {
      outcome = Status(StatusCode::kUnauthenticated, "auth.locked",
                       "too many failed logins; try again later or ask an administrator");
      return Status::Ok();
    }
    if (!ok) {
      failures += 1;
      locked_until = 0;
      if (failures >= policy_.max_failures) {
        locked_until = now_s + policy_.lockout.count();
        failures = 0;
      }
      c << "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?", bind(failures),
          bind(locked_until), bind(id), now;
      outcome = locked_until ? Status(StatusCode::kUnauthenticated, "auth.locked",
                                      "too many failed logins; the account is locked for a while")
                             : failed;
      return Status::Ok();
    }
    if (row->user.disabled) {
      outcome = Status(StatusCode::kPermissionDenied, "auth.disabled", "this account is disabled");
      return Status::Ok();
    }
    uint8_t raw[kTokenBytes];
    RandomBytes(raw, sizeof raw);
    result.token = HexEncode(raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    const int64_t expires = now_s + policy_.token_lifetime.count();
    result.expires_at = FormatUtc(std::chrono::system_clock::time_point(std::chrono::seconds(expires)));
    result.user = row->user;
    c << "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?", bind(id), now;
    c << "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?,?,?,?)",
        bind(Sha256::HexOf(result.token)), bind(id), bind(FormatUtc(clock_->Now())),
        bind(Poco::Int64{expires}), now;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (!outcome.ok()) return outcome;
  return result;
}

StatusOr<User> IdentityStore::Authenticate(const std::string& token) {
  if (token.size() != 2 * kTokenBytes || !HexDecode(token)) {
    return Status(StatusCode::kUnauthenticated, "auth.invalid_token", "invalid or unknown token");
  }
  return db_.Read([&](db::Connection& c) -> StatusOr<User> {
    // One cached statement (session, user and customers): this runs on
    // every API call.
    db::PreparedQuery rs = c.Prepared(
        std::string("SELECT s.expires_at AS session_expires, s.revoked AS session_revoked, ") + kUserColumnsOfU +
        ", (SELECT group_concat(customer_number, char(31)) FROM user_customers WHERE user_id = u.id)"
        " AS customers_joined FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?");
    rs.Bind(1, Sha256::HexOf(token));
    if (!rs.Step()) {
      return Status(StatusCode::kUnauthenticated, "auth.invalid_token", "invalid or unknown token");
    }
    if (rs.Int("session_revoked")) {
      return Status(StatusCode::kUnauthenticated, "auth.revoked", "the session was ended");
    }
    if (rs.Int("session_expires") <= UnixNow(clock_)) {
      return Status(StatusCode::kUnauthenticated, "auth.expired", "the session expired; log in again");
    }
    UserRow row = RowFrom(rs);
    if (row.user.disabled) return Status(StatusCode::kPermissionDenied, "auth.disabled", "this account is disabled");
    row.user.customers = db::SplitList(db::Text(rs, "customers_joined"));
    return row.user;
  });
}

Status IdentityStore::AssignCustomer(const std::string& username, const std::string& customer) {
  if (customer.empty() || customer.size() > 32 ||
      customer.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") !=
          std::string::npos) {
    return InvalidArgumentError("user.invalid", "customer_number: must be 1-32 ASCII letters, digits or '-'");
  }
  return db_.Write([&](db::Connection& c) -> Status {
    VAULT_ASSIGN_OR_RETURN(UserRow row, FindUser(c, username));
    c << "INSERT OR IGNORE INTO user_customers (user_id, customer_number) VALUES (?, ?)",
        bind(Poco::Int64{row.user.id}), bind(customer), now;
    return Status::Ok();
  });
}

Status IdentityStore::UnassignCustomer(const std::string& username, const std::string& customer) {
  return db_.Write([&](db::Connection& c) -> Status {
    VAULT_ASSIGN_OR_RETURN(UserRow row, FindUser(c, username));
    c << "DELETE FROM user_customers WHERE user_id = ? AND customer_number = ?",
        bind(Poco::Int64{row.user.id}), bind(customer), now;
    return Status::Ok();
  });
}

Status IdentityStore::Logout(const std::string& token) {
  VAULT_RETURN_IF_ERROR(Authenticate(token).status());
  return db_.Write([&](db::Connection& c) -> Status {
    c << "UPDATE sessions SET revoked = 1 WHERE token_hash = ?", bind(Sha256::HexOf(token)), now;
    return Status::Ok();
  });
}

StatusOr<User> IdentityStore::UpdateUser(const std::string& username, const UserChanges& c) {
  std::vector<std::string> errors;
  if (!c.role.empty() && !IsKnownRole(c.role)) {
    errors.push_back("role: one of admin, archive_admin, dept_manager, staff, legal, auditor");
  }
  if (!c.department.empty() && !ValidText(c.department, 100)) errors.push_back("department: at most 100 characters");
  if (!c.display_name.empty() && !ValidText(c.display_name, 100)) {
    errors.push_back("display_name: at most 100 characters, no control characters");
  }
  if (!c.clearance.empty() && !ValidClearance(c.clearance)) errors.push_back("clearance: public, internal or confidential");
  if (c.role.empty() && c.department.empty() && c.display_name.empty() && c.clearance.empty()) {
    errors.push_back("nothing to change");
  }
  if (!errors.empty()) {
    std::string msg = "invalid change: ";
    for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : "") + errors[i];
    return InvalidArgumentError("user.invalid", msg);
  }
  return db_.Write([&](db::Connection& s) -> StatusOr<User> {
    VAULT_ASSIGN_OR_RETURN(UserRow row, FindUser(s, username));
    User& u = row.user;
    if (!c.role.empty()) u.role = c.role;
    if (!c.department.empty()) u.department = c.department;
    if (!c.display_name.empty()) u.display_name = c.display_name;
    if (!c.clearance.empty()) u.clearance = c.clearance;
    s << "UPDATE users SET role = ?, department = ?, display_name = ?, clearance = ? WHERE id = ?", bind(u.role),
        bind(u.department), bind(u.display_name), bind(u.clearance), bind(Poco::Int64{u.id}), now;
    RegisterDepartment(s, u.department, FormatUtc(clock_->Now()));
    return u;
  });
}

StatusOr<Department> IdentityStore::AddDepartment(const std::string& name, const std::string& display_name) {
  const std::string display = display_name.empty() ? name : display_name;
  if (!ValidText(name, 100) || !ValidText(display, 100)) {
    return InvalidArgumentError("department.invalid",
                                "name and display_name: 1 to 100 characters, no control characters");
  }
  return db_.Write([&](db::Connection& c) -> StatusOr<Department> {
    Poco::Int64 exists = 0;
    c << "SELECT COUNT(*) FROM departments WHERE name = ?", bind(name), into(exists), now;
    if (exists) return AlreadyExistsError("department.exists", "department " + name + " already exists");
    Department d;
    d.name = name;
    d.display_name = display;
    d.created_at = FormatUtc(clock_->Now());
    c << "INSERT INTO departments (name, display_name, created_at) VALUES (?, ?, ?)", bind(d.name),
        bind(d.display_name), bind(d.created_at), now;
    return d;
  });
}

StatusOr<std::vector<Department>> IdentityStore::ListDepartments() {
  return db_.Read([&](db::Connection& c) -> StatusOr<std::vector<Department>> {
    Statement st(c);
    st << "SELECT d.name AS name, d.display_name AS display_name, d.created_at AS created_at, "
          "(SELECT COUNT(*) FROM users u WHERE u.department = d.name) AS users "
          "FROM departments d ORDER BY d.name";
    return db::AllRows(st, [&](RecordSet& rs) {
      Department d;
      db::Row(rs)("name", &d.name)("display_name", &d.display_name)("created_at", &d.created_at)
          ("users", &d.users);
      return d;
    });
  });
}

std::optional<std::string> IdentityStore::RoleOf(db::Connection& c, const std::string& username) {
  std::vector<std::string> roles;
  c << "SELECT role FROM users WHERE username = ?", bind(username), into(roles), now;
  if (roles.empty()) return std::nullopt;
  return roles.front();
}

bool IdentityStore::SetRole(db::Connection& c, const std::string& username, const std::string& role) {
  Statement set(c);
  set << "UPDATE users SET role = ? WHERE username = ?", bind(role), bind(username);
  return set.execute() > 0;
}

}  // namespace vault
