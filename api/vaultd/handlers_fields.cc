// The field dictionary for clients that build a metadata form, and the
// check of a new document's metadata before its (possibly large) file is
// sent:
//   GET  /api/v1/fields                 roles with document.create or document.metadata
//   POST /api/v1/documents/validation   roles with document.create; no state change
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "api/vaultd/document_metadata.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"

namespace vaultd {

using vault::Status;
using vault::StatusCode;


// GET /api/v1/fields: the members of fields.json a form needs (document
// types, classifications, business stages, retention classes, limits, the
// free fields with kind, max_chars and label). Nothing in it is secret, but
// it is only for the roles that create or read records.
void HandleGetFields(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("fields.read", "fields")) return;
  if (!ex.AllowedAnyOf("fields.read", "fields", {"document.create", "document.metadata"})) return;
  Poco::JSON::Object::Ptr source;
  try {
    Poco::JSON::Parser parser;
    source = parser.parse(ex.vault().dictionary().json()).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    return ex.Error(vault::InternalError("fields.unavailable", "the field dictionary cannot be read"));
  }
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const char* key : {"document_types", "classifications", "business_stages", "retention_classes", "limits",
                          "fields"}) {
    if (source->has(key)) o->set(key, source->get(key));
  }
  if (!ex.AuditOrFail("fields.read", "fields")) return;
  ex.SendObject(200, o);
}

// POST /api/v1/documents/validation {metadata as in an upload}: 200
// {"valid": true, "type": key, "classification": level} when an upload with
// this metadata would pass the dictionary and the caller may create such a
// record; 400 field.invalid with the list of fields otherwise; 403 when the
// caller may not create it. Nothing is stored; refusals are audited.
void HandleValidateDocument(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("document.validate", "*")) return;
  if (!ex.AllowedAnyOf("document.validate", "*", {"document.create"})) return;
  auto body = ex.JsonBody();
  if (!body.ok()) return ex.Error(body.status());
  vault::DocumentMetadata meta;
  if (Status parsed = ParseDocumentMetadata(*body, &meta); !parsed.ok()) return ex.Error(parsed);
  std::vector<vault::FieldError> errors = ex.vault().dictionary().Check(meta);
  if (!errors.empty()) return SendFieldErrors(ex, FieldErrorsStatus(errors), errors);
  vault::Resource res{meta.department, meta.classification, meta.customer_number};
  vault::Decision d = ex.ctx().policy->Decide(ex.subject(), "document.create", res, ex.ctx().clock->Now());
  if (!d.allowed) {
    Status denied(StatusCode::kPermissionDenied, "access.denied", "not allowed: " + d.reason);
    ex.Audit("document.validate", meta.customer_number + "/" + meta.doc_type, denied);
    return ex.Error(denied);
  }
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("valid", true);
  o->set("type", meta.doc_type);
  o->set("classification", meta.classification);
  ex.SendObject(200, o);
}

}  // namespace vaultd
