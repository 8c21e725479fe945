// Retention, legal holds, destruction (销毁) and certificates: parse, call
// vault::DestructionService, audit, answer (docs/destruction.md).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "vault/base/hex.h"
#include "vault/base/parse.h"
#include "vault/crypto/sha256.h"
#include "vault/destruction/certificate_check.h"
#include "vault/destruction/destruction_register.h"

namespace vaultd {

using vault::Status;

namespace {

Poco::JSON::Object::Ptr Obj() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

Poco::JSON::Object::Ptr DestructionJson(const vault::Destruction& d) {
  auto o = Obj();
  o->set("id", d.id);
  o->set("state", d.state);
  o->set("reason", d.reason);
  o->set("reference", d.reference);
  o->set("requested_by", d.requested_by);
  o->set("requested_at", d.requested_at);
  o->set("approved_by", d.approved_by);
  o->set("approved_at", d.approved_at);
  o->set("witness", d.witness);
  o->set("step", d.step);
  o->set("certificate", d.certificate_id);
  o->set("started_at", d.started_at);
  o->set("completed_at", d.completed_at);
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& i : d.items) {
    auto it = Obj();
    it->set("document", i.document_id);
    it->set("archive_number", i.archive_number);
    it->set("title", i.title);
    items->add(it);
  }
  o->set("items", items);
  return o;
}

void Answer(Exchange& ex, const std::string& action, const std::string& object,
            const vault::StatusOr<vault::Destruction>& d, int status = 200) {
  if (!d.ok()) {
    ex.Audit(action, object.substr(0, 64), d.status());
    return ex.Error(d.status());
  }
  if (!ex.AuditOrFail(action, d->id, "now " + d->state + (d->certificate_id.empty() ? "" : ", " + d->certificate_id))) {
    return;
  }
  ex.SendObject(status, DestructionJson(*d));
}

}  // namespace

// POST /api/v1/destructions {"documents": [..], "reason": "...", "reference": "..."}
void HandleCreateDestruction(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("destruction.request", "new")) return;
  auto body = ex.JsonBody();
  if (!body.ok()) return ex.Error(body.status());
  vault::DestructionRequest req;
  for (const auto& kv : **body) {
    if (kv.first == "documents") {
      try {
        auto a = kv.second.extract<Poco::JSON::Array::Ptr>();
        for (size_t i = 0; i < a->size(); ++i) req.documents.push_back(a->getElement<std::string>(static_cast<unsigned>(i)));
      } catch (const Poco::Exception&) {
        return ex.Error(vault::InvalidArgumentError("request.bad_type", "documents must be an array of ids"));
      }
    } else if ((kv.first == "reason" || kv.first == "reference") && kv.second.isString()) {
      (kv.first == "reason" ? req.reason : req.reference) = kv.second.toString();
    } else {
      return ex.Error(vault::InvalidArgumentError("request.unknown_field", "unknown or bad field " + kv.first));
    }
  }
  Answer(ex, "destruction.request", "new", ex.ctx().destructions->Request(ex.subject(), req), 201);
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

// GET /api/v1/certificates
void HandleListCertificates(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("certificate.read", "certificates") || !ex.Allowed("certificate.read", "certificates")) return;
  auto certs = ex.ctx().vault->destructions().Certificates();
  if (!certs.ok()) return ex.Error(certs.status());
  if (!ex.AuditOrFail("certificate.read", "certificates", std::to_string(certs->size()) + " certificates")) return;
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& c : *certs) {
    auto o = Obj();
    o->set("id", c.id);
    o->set("sequence", static_cast<Poco::Int64>(c.seq));
    o->set("destruction", c.destruction_id);
    o->set("sha256", c.sha256);
    o->set("previous_sha256", c.previous_sha256);
    o->set("key_name", c.key_name);
    o->set("created_at", c.created_at);
    items->add(o);
  }
  ex.SendItems(items);
}

// GET /api/v1/certificates/{CERT-ID}.json | .sig | .minisig | .pdf
void HandleGetCertificateFile(Exchange& ex, const PathParams& p) {
  const std::string& file = p[0];
  if (!ex.Authenticate("certificate.read", file.substr(0, 64)) || !ex.Allowed("certificate.read", file.substr(0, 64))) {
    return;
  }
  const size_t dot = file.find('.');
  const std::string id = file.substr(0, dot), kind = dot == std::string::npos ? "" : file.substr(dot + 1);
  if (kind != "json" && kind != "sig" && kind != "minisig" && kind != "pdf") {
    return ex.Error(vault::NotFoundError("certificate.not_found", "ask for CERT-ID.json, .sig, .minisig or .pdf"));
  }
  auto c = ex.ctx().vault->destructions().GetCertificate(id);
  if (!c.ok()) {
    ex.Audit("certificate.read", id.substr(0, 64), c.status());
    return ex.Error(c.status());
  }
  std::string body, type = "application/json";
  if (kind == "json") {
    body = c->json;
  } else if (kind == "sig") {
    auto sig = vault::HexDecode(c->signature);
    if (!sig) return ex.Error(vault::DataLossError("certificate.malformed", "the stored signature is malformed"));
    body.assign(sig->begin(), sig->end());
    type = "application/octet-stream";
  } else if (kind == "minisig") {
    body = c->minisig;
    type = "text/plain; charset=utf-8";
  } else {
    auto view = vault::ViewOfCertificate(*c);
    auto pdf = view.ok() ? vault::CertificatePdf(*view, "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
                         : vault::StatusOr<std::string>(view.status());
    if (!pdf.ok()) return ex.Error(pdf.status());
    body = std::move(*pdf);
    type = "application/pdf";
  }
  if (!ex.AuditOrFail("certificate.read", file.substr(0, 64))) return;
  auto& resp = ex.resp();
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType(type);
  resp.setContentLength64(static_cast<Poco::Int64>(body.size()));
  resp.set("X-Certificate-SHA256", c->sha256);
  resp.sendBuffer(body.data(), body.size());
}

// GET /api/v1/holds ; POST /api/v1/holds {"scope", "target", "reason"} ;
// POST /api/v1/holds/{id}/release
void HandleListHolds(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("hold.read", "holds")) return;
  if (!ex.ctx().policy->RoleMayEver(ex.subject().role, "hold.manage") &&
      !ex.ctx().policy->RoleMayEver(ex.subject().role, "destruction.request")) {
    Status denied(vault::StatusCode::kPermissionDenied, "access.denied", "not allowed");
    ex.Audit("hold.read", "holds", denied);
    return ex.Error(denied);
  }
  auto holds = ex.ctx().vault->destructions().Holds(true);
  if (!holds.ok()) return ex.Error(holds.status());
  if (!ex.AuditOrFail("hold.read", "holds")) return;
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& h : *holds) {
    auto o = Obj();
    o->set("id", static_cast<Poco::Int64>(h.id));
    o->set("scope", h.scope);
    o->set("target", h.target);
    o->set("reason", h.reason);
    o->set("created_by", h.created_by);
    o->set("created_at", h.created_at);
    items->add(o);
  }
  ex.SendItems(items);
}

void HandleCreateHold(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("hold.create", "holds")) return;
  std::string scope, target, reason;
  auto body = ex.JsonBody();
  Status s = body.ok() ? Exchange::StringFields(*body, {{"scope", &scope}, {"target", &target}, {"reason", &reason}})
                       : body.status();
  if (!s.ok()) return ex.Error(s);
  auto h = ex.ctx().destructions->AddHold(ex.subject(), scope, target, reason);
  if (!h.ok()) {
    ex.Audit("hold.create", target.substr(0, 64), h.status());
    return ex.Error(h.status());
  }
  if (!ex.AuditOrFail("hold.create", scope + ":" + h->target, reason.substr(0, 128))) return;
  auto o = Obj();
  o->set("id", static_cast<Poco::Int64>(h->id));
  o->set("scope", h->scope);
  o->set("target", h->target);
  o->set("reason", h->reason);
  ex.SendObject(201, o);
}

void HandleReleaseHold(Exchange& ex, const PathParams& p) {
  if (!ex.Authenticate("hold.release", p[0].substr(0, 32))) return;
  int64_t id = 0;
  if (!vault::ParseCount(p[0], &id)) return ex.Error(vault::NotFoundError("hold.not_found", "no such hold"));
  Status s = ex.ctx().destructions->ReleaseHold(ex.subject(), id);
  if (!s.ok()) {
    ex.Audit("hold.release", p[0], s);
    return ex.Error(s);
  }
  if (!ex.AuditOrFail("hold.release", p[0])) return;
  ex.NoContent();
}

// GET /api/v1/retention/due: records whose retention has expired and that
// nothing protects (no hold, no open loan), for a destruction request.
void HandleRetentionDue(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("retention.read", "retention")) return;
  if (!ex.ctx().policy->RoleMayEver(ex.subject().role, "destruction.request")) {
    Status denied(vault::StatusCode::kPermissionDenied, "access.denied", "not allowed");
    ex.Audit("retention.read", "retention", denied);
    return ex.Error(denied);
  }
  vault::DocumentFilter f;
  f.limit = 1000;
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (;;) {
    auto page = ex.vault().Search(f);
    if (!page.ok()) return ex.Error(page.status());
    std::vector<std::string> ids;
    for (const auto& d : page->documents) ids.push_back(d.id);
    auto checks = ex.ctx().destructions->Check(ids, "retention_expired", false);
    if (!checks.ok()) return ex.Error(checks.status());
    for (const auto& c : *checks) {
      if (!c.reasons.empty()) continue;
      auto o = Obj();
      o->set("document", c.document_id);
      o->set("archive_number", c.archive_number);
      items->add(o);
    }
    if (static_cast<int64_t>(page->documents.size()) < f.limit) break;
    f.offset += f.limit;
  }
  if (!ex.AuditOrFail("retention.read", "retention", std::to_string(items->size()) + " due")) return;
  ex.SendItems(items);
}

}  // namespace vaultd

namespace vaultd {

// POST /api/v1/certificates/verify {"certificate": "<cert.json>", "signature": "<hex of cert.json.sig>"}
// -> {"signature_valid", "known", "certificate", "chain_intact", "chain_problems"}
void HandleVerifyCertificate(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("certificate.verify", "certificates") || !ex.Allowed("certificate.read", "certificates")) return;
  std::string json, signature;
  auto body = ex.JsonBody();
  Status s = body.ok() ? Exchange::StringFields(*body, {{"certificate", &json}, {"signature", &signature}})
                       : body.status();
  if (!s.ok()) return ex.Error(s);
  auto sig = vault::HexDecode(signature);
  auto signer = vault::Signer::FromKeyRing(ex.ctx().vault->keys(), "certificate");
  if (!signer.ok()) return ex.Error(signer.status());
  auto& store = ex.ctx().vault->destructions();
  auto certs = store.Certificates();
  auto referenced = store.ReferencedCertificateIds();
  if (!certs.ok() || !referenced.ok()) return ex.Error(certs.ok() ? referenced.status() : certs.status());
  const std::string sha = vault::Sha256::HexOf(json);
  bool valid = sig && vault::CertificateSignatureValid(json, std::string(sig->begin(), sig->end()),
                                                       (*signer)->public_key());
  std::string known;
  for (const auto& c : *certs) {
    if (c.sha256 == sha) known = c.id;
    // Signed by an earlier key (before a rotation): its own recorded key.
    auto pk = vault::HexDecode(c.public_key);
    if (!valid && c.sha256 == sha && sig && pk && pk->size() == 32) {
      vault::Signer::PublicKey key{};
      std::copy(pk->begin(), pk->end(), key.begin());
      valid = vault::CertificateSignatureValid(json, std::string(sig->begin(), sig->end()), key);
    }
  }
  vault::ChainReport chain = vault::VerifyCertificateChain(*certs, *referenced);
  if (!ex.AuditOrFail("certificate.verify", known.empty() ? "unknown" : known,
                      std::string(valid ? "valid" : "invalid") + ", chain " + (chain.intact() ? "intact" : "broken"))) {
    return;
  }
  auto o = Obj();
  o->set("signature_valid", valid);
  o->set("known", !known.empty());
  o->set("certificate", known);
  o->set("sha256", sha);
  o->set("chain_intact", chain.intact());
  Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
  for (const auto& p : chain.problems) problems->add(p.certificate + ": " + p.problem);
  o->set("chain_problems", problems);
  ex.SendObject(200, o);
}

// GET /api/v1/destructions/register?format=csv|pdf (销毁清册)
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
  static const std::map<std::string, std::string> kReasons = {{"retention_expired", "保管期满"},
                                                              {"customer_request", "客户申请删除"},
                                                              {"business_ended", "业务终止"}};
  std::vector<vault::DestructionRegisterRow> rows;
  for (const auto& d : *done) {
    for (const auto& i : d.items) {
      vault::DestructionRegisterRow r;
      r.seq = std::to_string(rows.size() + 1);
      r.archive_number = i.archive_number;
      r.title = i.title;
      r.quantity = std::to_string(i.versions) + " 版本";
      auto reason = kReasons.find(d.reason);
      r.reason = (reason == kReasons.end() ? d.reason : reason->second) + "（" + d.reference + "）";
      r.destroyed_at = d.completed_at;
      r.approvers = d.approved_by;
      r.archivist = d.requested_by;
      r.witness = d.witness;
      rows.push_back(std::move(r));
    }
  }
  std::string out;
  if (format == "csv") {
    out = vault::DestructionRegisterCsv(rows);
  } else {
    auto pdf = vault::DestructionRegisterPdf(rows, "销毁清册（时间均为 UTC）", vault::FormatUtc(ex.ctx().clock->Now()),
                                             "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc");
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

// GET /api/v1/customers/{customer}/erasure: what a data subject's erasure
// request would destroy, and what is protected and why.
// POST /api/v1/customers/{customer}/erasure {"reference"}: a destruction
// request (reason customer_request) for the erasable records only.
namespace {
struct ErasurePlan {
  std::vector<std::string> erasable;
  Poco::JSON::Array::Ptr json = new Poco::JSON::Array;
};
vault::StatusOr<ErasurePlan> PlanErasure(Exchange& ex, const std::string& customer) {
  vault::DocumentFilter f;
  f.customer_number = customer;
  f.limit = 1000;
  ErasurePlan plan;
  for (;;) {
    auto page = ex.vault().Search(f);
    if (!page.ok()) return page.status();
    std::vector<std::string> ids;
    for (const auto& d : page->documents) ids.push_back(d.id);
    VAULT_ASSIGN_OR_RETURN(auto checks, ex.ctx().destructions->Check(ids, "customer_request", true));
    for (const auto& c : checks) {
      auto o = Obj();
      o->set("document", c.document_id);
      o->set("archive_number", c.archive_number);
      o->set("erasable", c.reasons.empty());
      Poco::JSON::Array::Ptr why = new Poco::JSON::Array;
      for (const auto& r : c.reasons) why->add(r);
      o->set("protected_by", why);
      plan.json->add(o);
      if (c.reasons.empty()) plan.erasable.push_back(c.document_id);
    }
    if (static_cast<int64_t>(page->documents.size()) < f.limit) break;
    f.offset += f.limit;
  }
  return plan;
}
}  // namespace

void HandleErasurePreview(Exchange& ex, const PathParams& p) {
  if (!ex.Authenticate("erasure.preview", p[0].substr(0, 64))) return;
  if (!ex.ctx().policy->RoleMayEver(ex.subject().role, "destruction.request") &&
      !ex.ctx().policy->RoleMayEver(ex.subject().role, "hold.manage")) {
    Status denied(vault::StatusCode::kPermissionDenied, "access.denied", "not allowed");
    ex.Audit("erasure.preview", p[0].substr(0, 64), denied);
    return ex.Error(denied);
  }
  auto plan = PlanErasure(ex, p[0]);
  if (!plan.ok()) return ex.Error(plan.status());
  if (!ex.AuditOrFail("erasure.preview", p[0].substr(0, 64), std::to_string(plan->erasable.size()) + " erasable")) {
    return;
  }
  auto o = Obj();
  o->set("customer", p[0]);
  o->set("records", plan->json);
  ex.SendObject(200, o);
}

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
  auto plan = PlanErasure(ex, p[0]);
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
  auto o = DestructionJson(*d);
  o->set("preview", plan->json);
  ex.SendObject(201, o);
}

}  // namespace vaultd
