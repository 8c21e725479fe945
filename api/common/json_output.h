// JSON renderings of core records, one per record type, shared by vaultd's
// answers and `vaultctl --json` so both print a record the same way
// (docs/openapi.yaml names the fields).
//
// Thread-safety: stateless functions; each returns a new object.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "vault/audit/audit_log.h"
#include "vault/borrow/borrow.h"
#include "vault/destruction/destruction.h"
#include "vault/export/export_ledger.h"
#include "vault/identity/identity_store.h"
#include "vault/identity/role_grants.h"
#include "vault/vault.h"

namespace api {

// Documents: the record, its versions, a fixity report.
Poco::JSON::Object::Ptr DocumentJson(const vault::DocumentRecord& d);
Poco::JSON::Object::Ptr VersionJson(const vault::VersionRecord& v);
Poco::JSON::Object::Ptr FixityJson(const vault::FixityReport& r);

// The audit log: an event; a checkpoint without its key (vaultd adds the
// PEM public key).
Poco::JSON::Object::Ptr AuditEventJson(const vault::AuditEvent& e);
Poco::JSON::Object::Ptr CheckpointJson(const vault::AuditCheckpoint& cp);
// The whole log's verification (`vaultctl audit verify --json`, GET
// /api/v1/audit/verification) and one page's chain status.
Poco::JSON::Object::Ptr AuditReportJson(const vault::AuditReport& r);
Poco::JSON::Object::Ptr PageChainJson(const vault::PageChainReport& r);

// People: users, departments, role grants.
Poco::JSON::Object::Ptr UserJson(const vault::User& u);
Poco::JSON::Object::Ptr DepartmentJson(const vault::Department& d);
Poco::JSON::Object::Ptr RoleGrantJson(const vault::RoleGrant& g);

// Loans: a loan as vaultd and vaultctl print it (events only when asked),
// a notification, an incident (altered return, page-count mismatch).
Poco::JSON::Object::Ptr BorrowJson(const vault::Borrow& b, bool with_events);
Poco::JSON::Object::Ptr NotificationJson(const vault::Notification& n);
Poco::JSON::Object::Ptr IncidentJson(const vault::BorrowIncident& i);

// A row of the export ledger.
Poco::JSON::Object::Ptr ExportJson(const vault::ExportRecord& r);

// Destruction: a destruction with its items; a legal hold (id, scope,
// target, reason).
Poco::JSON::Object::Ptr DestructionJson(const vault::Destruction& d);
Poco::JSON::Object::Ptr LegalHoldJson(const vault::LegalHold& h);
// Each record with what protects it from destruction:
// [{"document", "archive_number", "erasable", "protected_by": [..]}].
Poco::JSON::Array::Ptr ProtectionsJson(const std::vector<vault::Protection>& records);
// A certificate as listed (its files are fetched one by one).
Poco::JSON::Object::Ptr CertificateJson(const vault::Certificate& c);

// `obj` as compact JSON text.
std::string Stringify(const Poco::JSON::Object::Ptr& obj);

// [to_json(each)...] for a list of records.
template <typename T, typename ToJson>
Poco::JSON::Array::Ptr ItemsJson(const std::vector<T>& list, ToJson to_json) {
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  for (const T& each : list) items->add(to_json(each));
  return items;
}

}  // namespace api
