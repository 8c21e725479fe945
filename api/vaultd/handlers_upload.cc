// Uploads: POST /api/v1/documents (a new document) and
// POST /api/v1/documents/{id}/versions (a new version of one).
//
// multipart/form-data with a "metadata" part (JSON) first and a "file" part.
// The file streams straight into the vault's sealing pipeline; nothing is
// buffered on disk in clear. A body that ends early, breaks the multipart
// framing or exceeds the size limit aborts the ingest, which removes its
// blob: nothing partial is stored.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <map>

#include "api/common/json_output.h"
#include "api/vaultd/document_metadata.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/multipart_upload.h"
#include "api/vaultd/routes.h"
#include "vault/documents/field_dictionary.h"

namespace vaultd {

using vault::Status;
using vault::StatusCode;

namespace {

// Runs an upload on the request: the connection is closed afterwards (the
// body may not have been read to its end); bodies this large take a slot.
Status RunUpload(Exchange& ex, MultipartUpload& upload) {
  ex.req().response().setKeepAlive(false);
  VAULT_RETURN_IF_ERROR(upload.CheckHead(ex.req()));
  VAULT_RETURN_IF_ERROR(ex.TakeLargeBodySlot());
  return upload.Read(ex.req(), ex.Body());
}

Poco::JSON::Object::Ptr ParseJsonObject(const std::string& json, Status* error) {
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(json);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    *error = vault::InvalidArgumentError("request.bad_json", "metadata must be a JSON object");
  } catch (const Poco::Exception&) {
    *error = vault::InvalidArgumentError("request.bad_json", "metadata is not valid JSON");
  }
  return nullptr;
}

std::string IgnoredDetail(const MultipartUpload& upload) {
  if (upload.ignored_parts() == 0) return "";
  return "ignored " + std::to_string(upload.ignored_parts()) + " part(s) after the stored file";
}

}  // namespace

void HandleCreateDocument(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("document.create", "*")) return;
  std::string object = "*";
  vault::DocumentRecord stored;
  std::vector<vault::FieldError> field_errors;
  MultipartUpload upload(/*metadata_required=*/true, ex.ctx().options->max_upload_bytes,
                         [&](const std::string& json, const std::string& filename, vault::ByteSource& content) {
    vault::IngestRequest r;
    VAULT_RETURN_IF_ERROR(ParseDocumentMetadata(json, &r.meta));
    // The dictionary's errors, field by field (Ingest checks again).
    field_errors = ex.vault().dictionary().Check(r.meta);
    if (!field_errors.empty()) return FieldErrorsStatus(field_errors);
    r.filename = filename;
    r.actor = ex.subject().username;
    object = r.meta.customer_number + "/" + r.meta.doc_type;
    vault::Resource res{r.meta.department, r.meta.classification.empty() ? "internal" : r.meta.classification,
                        r.meta.customer_number};
    vault::Decision d = ex.ctx().policy->Decide(ex.subject(), "document.create", res, ex.ctx().clock->Now());
    if (!d.allowed) return Status(StatusCode::kPermissionDenied, "access.denied", "not allowed: " + d.reason);
    auto doc = ex.vault().Ingest(std::move(r), content);
    if (!doc.ok()) return doc.status();
    stored = *doc;
    return Status::Ok();
  });
  Status outcome = RunUpload(ex, upload);
  ex.Audit("document.create", stored.archive_number.empty() ? object : stored.archive_number, outcome,
           IgnoredDetail(upload));
  if (!field_errors.empty() && outcome.reason() == "field.invalid") return SendFieldErrors(ex, outcome, field_errors);
  if (!outcome.ok()) return ex.Error(outcome);
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", stored.id);
  o->set("archive_number", stored.archive_number);
  o->set("version", static_cast<Poco::UInt64>(stored.current_version));
  o->set("sha256", upload.sha256());
  ex.SendObject(201, o);
}

// A new version of an existing document: optional "metadata" part
// {"reason": "..."} and the "file" part.
void HandleAddVersion(Exchange& ex, const PathParams& p) {
  vault::DocumentRecord d;
  if (!ex.LoadDocument(p[0], "document.version", &d)) return;
  vault::VersionRecord added;
  vault::FieldError reason_error;
  MultipartUpload upload(/*metadata_required=*/false, ex.ctx().options->max_upload_bytes,
                         [&](const std::string& json, const std::string& filename, vault::ByteSource& content) {
    std::string reason;
    if (!json.empty()) {
      Status error;
      Poco::JSON::Object::Ptr obj = ParseJsonObject(json, &error);
      if (!obj) return error;
      VAULT_RETURN_IF_ERROR(Exchange::StringFields(obj, {{"reason", &reason}}));
    }
    if (reason.empty()) {
      reason_error = vault::FieldError{"reason", "required"};
    } else if (!vault::FieldDictionary::IsValidUtf8(reason)) {
      reason_error = vault::FieldError{"reason", "bad_utf8"};
    } else if (vault::FieldDictionary::CountChars(reason) > 500) {
      reason_error = vault::FieldError{"reason", "too_long", false, 500};
    }
    if (!reason_error.reason.empty()) return FieldErrorsStatus({reason_error});
    auto v = ex.vault().AddVersion(d.id, reason, ex.subject().username, filename, content);
    if (!v.ok()) return v.status();
    added = *v;
    return Status::Ok();
  });
  Status outcome = RunUpload(ex, upload);
  ex.Audit("document.version", d.archive_number, outcome,
           outcome.ok() ? "version " + std::to_string(added.version) +
                              (upload.ignored_parts() ? "; " + IgnoredDetail(upload) : "")
                        : "");
  if (!reason_error.reason.empty() && outcome.reason() == "field.invalid") {
    return SendFieldErrors(ex, outcome, {reason_error});
  }
  if (!outcome.ok()) return ex.Error(outcome);
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", d.id);
  o->set("archive_number", d.archive_number);
  o->set("version", static_cast<Poco::UInt64>(added.version));
  o->set("sha256", added.sha256);
  o->set("size", static_cast<Poco::Int64>(added.size));
  ex.SendObject(201, o);
}

}  // namespace vaultd
