// JSON renderings of core records for `vaultctl --json`.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

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
Poco::JSON::Object::Ptr NotificationJson(const vault::Notification& n);
Poco::JSON::Object::Ptr IncidentJson(const vault::BorrowIncident& i);
std::string Stringify(const Poco::JSON::Object::Ptr& obj);

// [to_json(each)...] for a list of records.
template <typename T, typename ToJson>
Poco::JSON::Array::Ptr ItemsJson(const std::vector<T>& list, ToJson to_json) {
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  for (const T& each : list) items->add(to_json(each));
  return items;
}

// Prints {"items": [...]} and a newline to stdout (vaultctl --json).
void PrintItems(const Poco::JSON::Array::Ptr& items);

}  // namespace vaultctl
