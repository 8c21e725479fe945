// Stamped exports (the only way non-admins receive content) and tracing a
// leaked copy back to its export.
#include <Poco/JSON/Object.h>

#include "api/common/json_output.h"
#include "api/vaultd/body_source.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/request_bodies.h"
#include "api/vaultd/routes.h"
#include "vault/crypto/sha256.h"
#include "vault/export/pdf_stamper.h"

namespace vaultd {

using vault::Status;

// POST /api/v1/documents/{id}/exports, optional body {"version": N}.
void HandleCreateExport(Exchange& ex, const PathParams& p) {
  if (!ex.Authenticate("document.export", p[0])) return;
  vault::ExportRequest req;
  if (ex.req().getContentLength64() > 0 || ex.req().getChunkedTransferEncoding()) {
    auto body = ex.JsonBody();
    if (!body.ok()) return ex.Error(body.status());
    if (Status parsed = ParseExportRequest(*body, &req); !parsed.ok()) return ex.Error(parsed);
  }
  // One lookup, one decision (vault::DocumentAccess): under a loan, the
  // loan rather than the role's standing grant allows it.
  vault::DocumentRecord d;
  vault::AccessDecision decision;
  if (!ex.AdmitDocument(p[0], vault::AccessRequest{"document.export", req.borrow_id, req.version}, &d, &decision)) {
    return;
  }
  if (!req.borrow_id.empty()) req.version = decision.version;  // the version lent, nothing else
  req.document = d.id;
  req.username = ex.subject().username;
  req.display_name = ex.display_name();
  req.department = ex.subject().department;
  ConcurrencyGate::Slot slot(*ex.ctx().exports);
  if (!slot.held()) {
    Status busy = vault::UnavailableError("export.busy", "too many exports at once; retry shortly");
    ex.Audit("document.export", d.archive_number, busy);
    return ex.Error(busy);
  }
  auto result = ex.ctx().exporter->Export(req, d);
  if (!result.ok()) {
    ex.Audit("document.export", d.archive_number, result.status());
    return ex.Error(result.status());
  }
  const vault::ExportRecord& r = result->record;
  if (!ex.AuditOrFail("document.export", d.archive_number,
                      "export " + r.code + ", version " + std::to_string(r.version) + ", " +
                          std::to_string(r.pages) + " pages, sha256 " + r.output_sha256 +
                          // The alert rule on access without a loan reads this (vault/alerts/).
                          (req.borrow_id.empty() ? "" : ", loan " + req.borrow_id.substr(0, 64)))) {
    return;
  }
  auto& resp = ex.resp();
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType("application/pdf");
  resp.setContentLength64(static_cast<Poco::Int64>(result->pdf.size()));
  resp.set("X-Export-Code", r.code);
  resp.set("X-Export-Id", r.export_id);
  resp.set("X-Content-SHA256", r.output_sha256);
  resp.set("Content-Disposition", "attachment; filename=\"" + r.archive_number + "-" + r.code + ".pdf\"");
  resp.sendBuffer(result->pdf.data(), result->pdf.size());
  ex.ctx().metrics->bytes_sent += static_cast<int64_t>(result->pdf.size());
}

// GET /api/v1/trace/{code}
void HandleTraceCode(Exchange& ex, const PathParams& p) {
  std::string code = p[0];
  for (auto& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!ex.Authenticate("export.trace", code) || !ex.Allowed("export.trace", code)) return;
  auto r = ex.ctx().vault->exports().ByCode(code);
  if (!r.ok()) {
    ex.Audit("export.trace", code, r.status());
    return ex.Error(r.status());
  }
  if (!ex.AuditOrFail("export.trace", code, "by code")) return;
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("export", api::ExportJson(*r));
  ex.SendObject(200, o);
}

// POST /api/v1/trace with a PDF as the body: the token in its metadata, or
// else the code printed by the stamp.
void HandleTraceFile(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("export.trace", "file") || !ex.Allowed("export.trace", "file")) return;
  auto& req = ex.req();
  if (!req.hasContentLength() || req.getChunkedTransferEncoding()) {
    return ex.Error(vault::InvalidArgumentError("upload.length_required", "send the PDF with a Content-Length"));
  }
  const int64_t length = req.getContentLength64();
  if (length <= 0) return ex.Error(vault::InvalidArgumentError("upload.empty", "send the PDF as the body"));
  if (length > ex.ctx().options->max_upload_bytes) {
    return ex.Error(vault::ResourceExhaustedError("upload.too_large", "the file exceeds the size limit"));
  }
  if (Status slot = ex.TakeLargeBodySlot(); !slot.ok()) return ex.Error(slot);
  // Grown as bytes arrive, never allocated from the declared length alone.
  std::string pdf;
  RequestBody body(ex, length);
  uint8_t buf[64 * 1024];
  for (;;) {
    auto n = body.Read(buf, sizeof buf);
    if (!n.ok()) return ex.Error(n.status());
    if (*n == 0) break;
    pdf.append(reinterpret_cast<const char*>(buf), *n);
  }
  ex.resp().setKeepAlive(false);
  vault::ExportLedger& ledger = ex.ctx().vault->exports();
  // Two independent witnesses: the token in the metadata (easy to strip or
  // to transplant from someone else's copy) and the code printed by the
  // stamp on the pages (hard to remove). When they disagree, the printed
  // code wins and the token is reported as not valid.
  vault::TraceEvidence evidence = vault::ReadTraceEvidence(pdf);
  auto& token = evidence.token;
  vault::StatusOr<vault::ExportRecord> by_token = vault::NotFoundError("trace.not_found", "");
  if (token.count("ExportId")) by_token = ledger.ById(token["ExportId"]);
  vault::StatusOr<vault::ExportRecord> by_print = vault::NotFoundError("trace.not_found", "");
  for (const auto& code : evidence.codes) {
    by_print = ledger.ByCode(code);
    if (by_print.ok()) break;
  }
  const bool disagree = by_token.ok() && by_print.ok() && by_token->export_id != by_print->export_id;
  vault::StatusOr<vault::ExportRecord> record = disagree ? by_print : (by_token.ok() ? by_token : by_print);
  std::string found_by = disagree ? "visible_code" : (by_token.ok() ? "metadata" : "visible_code");
  bool signature_valid = !disagree && by_token.ok() && token["ExportCode"] == by_token->code &&
                         vault::Exporter::TokenSignatureValid(*by_token, token["ExportSignature"]);
  if (!record.ok()) {
    Status missing = vault::NotFoundError("trace.not_found", "no export of this vault found in this file");
    ex.Audit("export.trace", "file", missing);
    return ex.Error(missing);
  }
  const bool exact_copy = vault::Sha256::HexOf(pdf) == record->output_sha256;
  if (!ex.AuditOrFail("export.trace", record->code,
                      "by " + found_by + (signature_valid ? ", signature valid" : ", signature not valid") +
                          (disagree ? ", token names another export" : "") + (exact_copy ? ", exact copy" : ""))) {
    return;
  }
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("export", api::ExportJson(*record));
  o->set("signature_valid", signature_valid);
  o->set("found_by", found_by);
  o->set("exact_copy", exact_copy);
  o->set("token_disagrees", disagree);
  ex.SendObject(200, o);
}

}  // namespace vaultd
