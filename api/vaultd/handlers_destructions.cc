// Destructions (销毁): request, approve, execute, read, the customer
// erasure request and the destruction register. Parse, call
// vault::DestructionService, audit, answer (docs/destruction.md).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "api/common/json_output.h"
#include "api/common/parse.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/request_bodies.h"
#include "api/vaultd/routes.h"
#include "vault/destruction/destruction_register.h"

namespace vaultd {

using vault::Status;

namespace {

void Answer(Exchange& ex, const std::string& action, const std::string& object,
            const vault::StatusOr<vault::Destruction>& d, int status = 200) {
  if (!d.ok()) {
    ex.Audit(action, object.substr(0, 64), d.status());
    return ex.Error(d.status());
  }
  if (!ex.AuditOrFail(action, d->id, "now " + d->state + (d->certificate_id.empty() ? "" : ", " + d->certificate_id))) {
    return;
  }
  ex.SendObject(status, api::DestructionJson(*d));
}

}  // namespace

// POST /api/v1/destructions {"documents": [..], "reason": "...", "reference": "..."}
void HandleCreateDestruction(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("destruction.request", "new")) return;
  auto body = ex.JsonBody();
  if (!body.ok()) return ex.Error(body.status());
  vault::DestructionRequest req;
  if (Status parsed = ParseDestructionRequest(*body, &req); !parsed.ok()) return ex.Error(parsed);
  Answer(ex, "destruction.request", "new", ex.ctx().destructions->Request(ex.subject(), req), 201);
}

// GET /api/v1/destructions?state=requested|approved|executing|completed&limit=N
// (newest first): the approvers' inbox and the archive's list.
void HandleListDestructions(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("destruction.read", "destructions")) return;
  std::string state;
  int64_t limit = 200;
  for (const auto& kv : ex.query()) {
    if (kv.first == "state" && kv.second.size() <= 16) {
      state = kv.second;
    } else if (kv.first != "limit" || !api::ParseCount(kv.second, &limit) || limit < 1 || limit > 1000) {
      return ex.Error(vault::InvalidArgumentError("request.bad_parameter", "state, or limit from 1 to 1000"));
    }
  }
  auto list = ex.ctx().destructions->List(ex.subject(), state, static_cast<int>(limit));
  if (!list.ok()) {
    ex.Audit("destruction.read", "destructions", list.status());
    return ex.Error(list.status());
  }
  if (!ex.AuditOrFail("destruction.read", "destructions", std::to_string(list->size()) + " listed")) return;
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& d : *list) items->add(api::DestructionJson(d));
  ex.SendItems(items);
}

// GET /api/v1/destructions/preconditions?documents=ID,ID&reason=...: what a
// request would meet for each record now (the service's own check), read
// only, so a person sees it before sending.
void HandleDestructionPreconditions(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("destruction.preconditions", "preconditions")) return;
  std::vector<std::string> documents;
  std::string reason;
  for (const auto& kv : ex.query()) {
    if (kv.first == "reason" && kv.second.size() <= 32) {
      reason = kv.second;
    } else if (kv.first == "documents" && documents.empty() && kv.second.size() <= 1000 * 65) {
      std::string::size_type start = 0;
      while (start <= kv.second.size()) {
        const auto comma = kv.second.find(',', start);
        const std::string id = kv.second.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (id.empty() || id.size() > 64) {
          return ex.Error(vault::InvalidArgumentError("request.bad_parameter", "documents: ids of 1 to 64 bytes"));
        }
        documents.push_back(id);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else {
      return ex.Error(vault::InvalidArgumentError("request.bad_parameter", "documents and reason only"));
    }
  }
  auto checks = ex.ctx().destructions->Preconditions(ex.subject(), documents, reason);
  if (!checks.ok()) {
    ex.Audit("destruction.preconditions", "preconditions", checks.status());
    return ex.Error(checks.status());
  }
  if (!ex.AuditOrFail("destruction.preconditions", "preconditions", std::to_string(documents.size()) + " records")) {
    return;
  }
  ex.SendItems(api::ProtectionsJson(*checks));
}

void HandleGetDestruction(Exchange& ex, const PathParams& p) {
  if (!ex.Authenticate("destruction.read", p[0].substr(0, 64))) return;
  Answer(ex, "destruction.read", p[0], ex.ctx().destructions->Get(ex.subject(), p[0]));
}

// POST /api/v1/destructions/{id}/approve {"witness": "..."}
void HandleApproveDestruction(Exchange& ex, const PathParams& p) {
  if (!ex.Authenticate("destruction.approve", p[0].substr(0, 64))) return;
  std::string witness;
  auto body = ex.JsonBody();
  Status s = body.ok() ? Exchange::StringFields(*body, {{"witness", &witness}}) : body.status();
  if (!s.ok()) return ex.Error(s);
  Answer(ex, "destruction.approve", p[0], ex.ctx().destructions->Approve(ex.subject(), p[0], witness));
}

// POST /api/v1/destructions/{id}/execute
void HandleExecuteDestruction(Exchange& ex, const PathParams& p) {
  if (!ex.Authenticate("destruction.execute", p[0].substr(0, 64))) return;
  Answer(ex, "destruction.execute", p[0], ex.ctx().destructions->Execute(ex.subject(), p[0]));
}

// POST /api/v1/customers/{customer}/erasure {"reference"}: a destruction
// request (reason customer_request) for the erasable records only.
void HandleErasureRequest(Exchange& ex, const PathParams& p) {
  if (!ex.Authenticate("destruction.request", p[0].substr(0, 64))) return;
  if (!ex.ctx().policy->RoleMayEver(ex.subject().role, "destruction.request")) {
    Status denied(vault::StatusCode::kPermissionDenied, "access.denied", "your role may not request destructions");
    ex.Audit("destruction.request", p[0].substr(0, 64), denied);
    return ex.Error(denied);
  }
  std::string reference;
  auto body = ex.JsonBody();
  Status s = body.ok() ? Exchange::StringFields(*body, {{"reference", &reference}}) : body.status();
  if (!s.ok()) return ex.Error(s);
  auto plan = ex.ctx().destructions->PlanErasure(p[0]);
  if (!plan.ok()) return ex.Error(plan.status());
  if (plan->erasable.empty()) {
    Status none = vault::FailedPreconditionError("destruction.nothing_erasable",
                                                 "every record of this customer is protected (see the preview)");
    ex.Audit("destruction.request", p[0].substr(0, 64), none);
    return ex.Error(none);
  }
  vault::DestructionRequest req;
  req.documents = plan->erasable;
  req.reason = "customer_request";
  req.reference = reference;
  auto d = ex.ctx().destructions->Request(ex.subject(), req);
  if (!d.ok()) {
    ex.Audit("destruction.request", p[0].substr(0, 64), d.status());
    return ex.Error(d.status());
  }
  if (!ex.AuditOrFail("destruction.request", d->id, "erasure for customer " + p[0].substr(0, 64))) return;
  auto o = api::DestructionJson(*d);
  o->set("preview", api::ProtectionsJson(plan->records));
  ex.SendObject(201, o);
}

// GET /api/v1/destructions/register?format=csv|pdf (销毁清册), in the
// configured print font (the watermark policy's font_file).
void HandleDestructionRegister(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("destruction.register", "register") || !ex.Allowed("certificate.read", "register")) return;
  std::string format = "csv";
  for (const auto& kv : ex.query()) {
    if (kv.first != "format" || (kv.second != "csv" && kv.second != "pdf")) {
      return ex.Error(vault::InvalidArgumentError("request.bad_parameter", "format must be csv or pdf"));
    }
    format = kv.second;
  }
  auto done = ex.ctx().vault->destructions().Completed();
  if (!done.ok()) return ex.Error(done.status());
  const std::vector<vault::DestructionRegisterRow> rows = vault::DestructionRegisterRows(*done);
  std::string out;
  if (format == "csv") {
    out = vault::DestructionRegisterCsv(rows);
  } else {
    auto pdf = vault::DestructionRegisterPdf(rows, "销毁清册（时间均为 UTC）", vault::FormatUtc(ex.ctx().clock->Now()),
                                             ex.ctx().exporter->policy().font_file());
    if (!pdf.ok()) return ex.Error(pdf.status());
    out = std::move(*pdf);
  }
  if (!ex.AuditOrFail("destruction.register", "register", format + ", " + std::to_string(rows.size()) + " rows")) return;
  auto& resp = ex.resp();
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType(format == "csv" ? "text/csv; charset=utf-8" : "application/pdf");
  resp.setContentLength64(static_cast<Poco::Int64>(out.size()));
  resp.sendBuffer(out.data(), out.size());
}

}  // namespace vaultd
