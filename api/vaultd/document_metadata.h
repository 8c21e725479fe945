// The metadata of a new document as the API takes it (the "metadata" part
// of an upload, the body of POST /api/v1/documents/validation), and the
// field dictionary's errors as the API answers them:
//   400 {"error": {"code": "field.invalid", "message": "...",
//                  "fields": [{"field": "fields.contact_phone", "reason": "phone"}, ...]}}
// `field` is the member of the metadata JSON (customer, type, title,
// customer_name, department, product_line, region, stage, classification,
// retention, tags, fields.<name>); `reason` is FieldError's stable code; a
// too_long or too_many_tags error also carries "max".
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/documents/document.h"
#include "vault/documents/field_dictionary.h"

namespace vaultd {

class Exchange;

// Parses the metadata JSON object into `m` (request.bad_json,
// request.bad_type, request.unknown_field).
vault::Status ParseDocumentMetadata(const std::string& json, vault::DocumentMetadata* m);
// The same for a body already parsed (a JSON object).
vault::Status ParseDocumentMetadata(const Poco::JSON::Object::Ptr& obj, vault::DocumentMetadata* m);

// The Status that goes with a list of field errors (field.invalid).
vault::Status FieldErrorsStatus(const std::vector<vault::FieldError>& errors);

// Answers 400 field.invalid with the structured list.
void SendFieldErrors(Exchange& ex, const vault::Status& status, const std::vector<vault::FieldError>& errors);

}  // namespace vaultd
