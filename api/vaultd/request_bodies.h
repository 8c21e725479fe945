// The JSON request bodies of vaultd's routes, parsed without a connection:
// the text to a JSON object, and each route's object to the request it
// stands for. Handlers read the body (Exchange::JsonBody) and call these;
// tests/fuzz/json_bodies_fuzzer.cc feeds them arbitrary bytes.
//
// Errors are stable codes: request.bad_json, request.bad_type,
// request.unknown_field, and a route's own (quality.incomplete_check).
// Pure functions; thread-safe.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/borrow/borrow_service.h"
#include "vault/destruction/destruction_service.h"
#include "vault/export/exporter.h"
#include "vault/operations/quality_sampling.h"

namespace vaultd {

// A body that must be one JSON object (request.bad_json otherwise).
vault::StatusOr<Poco::JSON::Object::Ptr> ParseJsonObject(const std::string& body);

// (Bodies of string members only: Exchange::StringFields.)

// POST /api/v1/borrows {"documents": [..], "purpose", "period", "kind"}.
vault::Status ParseBorrowRequest(const Poco::JSON::Object::Ptr& body, vault::BorrowRequest* out);
// POST /api/v1/borrows/{id}/issue {"pages": [n, ...]}.
vault::Status ParseIssuePages(const Poco::JSON::Object::Ptr& body, std::vector<int64_t>* pages);
// POST /api/v1/borrows/{id}/return as JSON: {"pages": n} or
// {"declared_destroyed": true}, exactly one of them.
vault::Status ParseReturnJson(const Poco::JSON::Object::Ptr& body, vault::ReturnInput* in);
// POST /api/v1/documents/{id}/exports {"version": N, "borrow": "..."}.
vault::Status ParseExportRequest(const Poco::JSON::Object::Ptr& body, vault::ExportRequest* out);
// POST /api/v1/destructions {"documents": [..], "reason", "reference"}.
vault::Status ParseDestructionRequest(const Poco::JSON::Object::Ptr& body, vault::DestructionRequest* out);
// POST /api/v1/quality/samples/{id}/checks: every member known and of its
// type, and the four required ones present.
vault::Status ParseQualityCheck(const Poco::JSON::Object::Ptr& body, std::string* document_id,
                                vault::QualityCheck* check);

}  // namespace vaultd
