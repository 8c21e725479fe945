// Destruction certificates (销毁证明): the list, each one's files (JSON,
// signature, minisign signature, PDF in the configured print font) and the
// check of a presented certificate against the stored chain
// (docs/certificates.md).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <set>

#include "api/common/json_output.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "vault/base/hex.h"
#include "vault/destruction/certificate_check.h"

namespace vaultd {

using vault::Status;

// GET /api/v1/certificates
void HandleListCertificates(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("certificate.read", "certificates") || !ex.Allowed("certificate.read", "certificates")) return;
  auto certs = ex.ctx().vault->destructions().Certificates();
  if (!certs.ok()) return ex.Error(certs.status());
  if (!ex.AuditOrFail("certificate.read", "certificates", std::to_string(certs->size()) + " certificates")) return;
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& c : *certs) items->add(api::CertificateJson(c));
  ex.SendItems(items);
}

// GET /api/v1/certificates/chain: every stored certificate as a link of
// the chain, each with what is wrong with it, and the missing ones
// (VerifyCertificateChain, the walk `vaultctl cert verify --chain` does).
void HandleCertificateChain(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("certificate.read", "chain") || !ex.Allowed("certificate.read", "chain")) return;
  auto certs = ex.ctx().vault->destructions().Certificates();
  auto referenced = ex.ctx().vault->destructions().ReferencedCertificateIds();
  if (!certs.ok()) return ex.Error(certs.status());
  if (!referenced.ok()) return ex.Error(referenced.status());
  const vault::ChainReport report = vault::VerifyCertificateChain(*certs, *referenced);
  if (!ex.AuditOrFail("certificate.read", "chain", report.intact() ? "intact" : "broken")) return;
  std::set<std::string> present;
  Poco::JSON::Array::Ptr links = new Poco::JSON::Array;
  for (const auto& c : *certs) {
    present.insert(c.id);
    auto o = api::CertificateJson(c);
    Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
    for (const auto& pr : report.problems) {
      if (pr.certificate != c.id) continue;
      Poco::JSON::Object::Ptr po = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      po->set("kind", pr.kind);
      po->set("problem", pr.problem);
      problems->add(po);
    }
    o->set("problems", problems);
    links->add(o);
  }
  Poco::JSON::Array::Ptr missing = new Poco::JSON::Array;  // named by a destruction, not stored
  for (const auto& pr : report.problems) {
    if (present.count(pr.certificate)) continue;
    Poco::JSON::Object::Ptr po = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    po->set("certificate", pr.certificate);
    po->set("kind", pr.kind);
    po->set("problem", pr.problem);
    missing->add(po);
  }
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("intact", report.intact());
  o->set("certificates", static_cast<Poco::Int64>(report.certificates));
  o->set("links", links);
  o->set("missing", missing);
  ex.SendObject(200, o);
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
    auto pdf = view.ok() ? vault::CertificatePdf(*view, ex.ctx().exporter->policy().font_file())
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

// POST /api/v1/certificates/verify {"certificate": "<cert.json>", "signature": "<hex of cert.json.sig>"}
// -> {"signature_valid", "known", "certificate", "chain_intact", "chain_problems"}
void HandleVerifyCertificate(Exchange& ex, const PathParams&) {
  if (!ex.Authenticate("certificate.verify", "certificates") || !ex.Allowed("certificate.read", "certificates")) return;
  std::string json, signature;
  auto body = ex.JsonBody();
  Status s = body.ok() ? Exchange::StringFields(*body, {{"certificate", &json}, {"signature", &signature}})
                       : body.status();
  if (!s.ok()) return ex.Error(s);
  auto signer = vault::Signer::FromKeyRing(ex.ctx().vault->keys(), "certificate");
  if (!signer.ok()) return ex.Error(signer.status());
  auto check = vault::CheckPresentedCertificate(ex.ctx().vault->destructions(), (*signer)->public_key(), json,
                                                signature);
  if (!check.ok()) return ex.Error(check.status());
  const std::string& known = check->known;
  if (!ex.AuditOrFail("certificate.verify", known.empty() ? "unknown" : known,
                      std::string(check->signature_valid ? "valid" : "invalid") + ", chain " +
                          (check->chain.intact() ? "intact" : "broken"))) {
    return;
  }
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("signature_valid", check->signature_valid);
  o->set("known", !known.empty());
  o->set("certificate", known);
  o->set("sha256", check->sha256);
  o->set("chain_intact", check->chain.intact());
  Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
  for (const auto& pr : check->chain.problems) problems->add(pr.certificate + ": " + pr.problem);
  o->set("chain_problems", problems);
  ex.SendObject(200, o);
}

}  // namespace vaultd
