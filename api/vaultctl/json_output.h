// JSON renderings of core records for `vaultctl --json`.
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "vault/audit/audit_log.h"
#include "vault/borrow/borrow.h"
#include "vault/identity/identity_store.h"
#include "vault/identity/role_grants.h"
#include "vault/vault.h"

namespace vaultctl {

Poco::JSON::Object::Ptr DocumentJson(const vault::DocumentRecord& d);
Poco::JSON::Object::Ptr VersionJson(const vault::VersionRecord& v);
Poco::JSON::Object::Ptr FixityJson(const vault::FixityReport& r);
Poco::JSON::Object::Ptr AuditEventJson(const vault::AuditEvent& e);
Poco::JSON::Object::Ptr UserJson(const vault::User& u);
Poco::JSON::Object::Ptr DepartmentJson(const vault::Department& d);
Poco::JSON::Object::Ptr RoleGrantJson(const vault::RoleGrant& g);
// A loan as vaultd and vaultctl print it (events only when asked).
Poco::JSON::Object::Ptr BorrowJson(const vault::Borrow& b, bool with_events);
std::string Stringify(const Poco::JSON::Object::Ptr& obj);

}  // namespace vaultctl
