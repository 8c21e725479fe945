// Signed reports of the scheduled fixity (vault/operations/fixity_schedule.h),
// for archive admins (fixity.verify) and auditors (audit.read):
//   GET /api/v1/fixity/reports               newest first, counts only
//   GET /api/v1/fixity/reports/FIX-N.json    the signed canonical JSON
//   GET /api/v1/fixity/reports/FIX-N.sig     its raw 64-byte Ed25519 signature
// Check with `openssl pkeyutl -verify -pubin -inkey signing.pem -rawin -in
// FIX-N.json -sigfile FIX-N.sig` (signing.pem: GET /api/v1/keys/signing.pem).
#include <Poco/JSON/Array.h>

#include "api/common/parse.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "vault/base/hex.h"

namespace vaultd {
namespace {

bool MayRead(Exchange& ex, const std::string& object) {
  return ex.Authenticate("fixity.read", object) &&
         ex.AllowedAnyOf("fixity.read", object, {"fixity.verify", "audit.read"});
}

std::string FileName(int64_t id) { return "FIX-" + std::to_string(id); }

Poco::JSON::Object::Ptr RunJson(const vault::FixityRun& r) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", FileName(r.id));
  o->set("started_at", r.started_at);
  o->set("finished_at", r.finished_at);
  o->set("intact", r.intact());
  o->set("checked", static_cast<Poco::Int64>(r.checked));
  o->set("ok", static_cast<Poco::Int64>(r.ok));
  o->set("changed", static_cast<Poco::Int64>(r.changed));
  o->set("missing", static_cast<Poco::Int64>(r.missing));
  o->set("untracked", static_cast<Poco::Int64>(r.untracked));
  o->set("bytes_read", static_cast<Poco::Int64>(r.bytes));
  o->set("signing_key", r.key_name);
  return o;
}

}  // namespace

void HandleListFixityReports(Exchange& ex, const PathParams&) {
  if (!MayRead(ex, "fixity")) return;
  ex.SendAuditedItems("fixity.read", "fixity", ex.ctx().fixity->List(100), RunJson);
}

void HandleGetFixityReportFile(Exchange& ex, const PathParams& p) {
  const std::string file = p[0].substr(0, 64);
  if (!MayRead(ex, file)) return;
  const size_t dot = file.find('.');
  const std::string kind = dot == std::string::npos ? "" : file.substr(dot + 1);
  int64_t id = 0;
  if (file.compare(0, 4, "FIX-") != 0 || (kind != "json" && kind != "sig") ||
      !api::ParseCount(file.substr(4, dot - 4), &id)) {
    vault::Status bad = vault::NotFoundError("fixity.not_found", "ask for FIX-N.json or FIX-N.sig");
    ex.Audit("fixity.read", file, bad);
    return ex.Error(bad);
  }
  auto run = ex.ctx().fixity->Get(id);
  if (!run.ok()) {
    ex.Audit("fixity.read", file, run.status());
    return ex.Error(run.status());
  }
  std::string body = run->report, type = "application/json";
  if (kind == "sig") {
    auto sig = vault::HexDecode(run->signature_hex);
    if (!sig) return ex.Error(vault::DataLossError("fixity.malformed", "the stored signature is malformed"));
    body.assign(sig->begin(), sig->end());
    type = "application/octet-stream";
  }
  if (!ex.AuditOrFail("fixity.read", file)) return;
  auto& resp = ex.resp();
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType(type);
  resp.set("X-Signing-Key", run->key_name);
  resp.setContentLength64(static_cast<Poco::Int64>(body.size()));
  resp.sendBuffer(body.data(), body.size());
}

}  // namespace vaultd
