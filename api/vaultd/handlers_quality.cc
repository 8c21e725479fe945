// Quarterly quality sampling (vault/operations/quality_sampling.h):
//   POST /api/v1/quality/samples {"period"?}          draw this quarter's sample (quality.check)
//   GET  /api/v1/quality/samples                      samples with their tallies
//   GET  /api/v1/quality/samples/{id}                 one sample, its records and their outcomes
//   POST /api/v1/quality/samples/{id}/checks          the outcome for one record (quality.check):
//        {"document_id", "metadata_complete", "scan_legible", "classification_right", "remarks"?}
// Archive admins draw and check; auditors read (audit.read). Audited.
#include <Poco/JSON/Array.h>

#include "api/common/parse.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/request_bodies.h"
#include "api/vaultd/routes.h"

namespace vaultd {

using vault::Status;

namespace {

bool MayCheck(Exchange& ex, const std::string& object) {
  return ex.Authenticate("quality.check", object) && ex.Allowed("quality.check", object);
}

bool MayRead(Exchange& ex, const std::string& object) {
  return ex.Authenticate("quality.read", object) &&
         ex.AllowedAnyOf("quality.read", object, {"quality.check", "audit.read"});
}

Poco::JSON::Object::Ptr SampleJson(const vault::QualitySample& s) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", static_cast<Poco::Int64>(s.id));
  o->set("period", s.period);
  o->set("percent", static_cast<Poco::Int64>(s.percent));
  o->set("population", static_cast<Poco::Int64>(s.population));
  o->set("size", static_cast<Poco::Int64>(s.size));
  o->set("checked", static_cast<Poco::Int64>(s.checked));
  o->set("passed", static_cast<Poco::Int64>(s.passed));
  o->set("failed", static_cast<Poco::Int64>(s.failed));
  o->set("created_by", s.created_by);
  o->set("created_at", s.created_at);
  return o;
}

Poco::JSON::Object::Ptr ItemJson(const vault::QualityItem& i) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("document_id", i.document_id);
  o->set("archive_number", i.archive_number);
  o->set("outcome", i.outcome);
  o->set("metadata_complete", i.check.metadata_complete);
  o->set("scan_legible", i.check.scan_legible);
  o->set("classification_right", i.check.classification_right);
  o->set("remarks", i.check.remarks);
  o->set("checked_by", i.checked_by);
  o->set("checked_at", i.checked_at);
  return o;
}

bool SampleId(Exchange& ex, const std::string& text, const std::string& action, int64_t* id) {
  if (api::ParseCount(text, id) && *id > 0) return true;
  Status bad = vault::NotFoundError("quality.not_found", "no such quality sample");
  ex.Audit(action, text.substr(0, 32), bad);
  ex.Error(bad);
  return false;
}

}  // namespace

void HandleListQualitySamples(Exchange& ex, const PathParams&) {
  if (!MayRead(ex, "quality")) return;
  ex.SendAuditedItems("quality.read", "quality", ex.ctx().sampling->List(), SampleJson);
}

// {"period"?: "YYYY-Qn"}; empty body: the current quarter.
void HandleDrawQualitySample(Exchange& ex, const PathParams&) {
  if (!MayCheck(ex, "quality")) return;
  std::string period;
  if (!ex.StringBody({{"period", &period}})) return;
  auto s = ex.ctx().sampling->Draw(ex.subject().username, period);
  if (!s.ok()) {
    ex.Audit("quality.draw", period.empty() ? "quality" : period.substr(0, 16), s.status());
    return ex.Error(s.status());
  }
  if (!ex.AuditOrFail("quality.draw", s->period,
                      std::to_string(s->size) + " of " + std::to_string(s->population) + " record(s)")) {
    return;
  }
  ex.SendObject(201, SampleJson(*s));
}

void HandleGetQualitySample(Exchange& ex, const PathParams& p) {
  if (!MayRead(ex, "quality")) return;
  int64_t id = 0;
  if (!SampleId(ex, p[0], "quality.read", &id)) return;
  auto& sampling = *ex.ctx().sampling;
  auto s = sampling.Get(id);
  auto items = s.ok() ? sampling.Items(id) : vault::StatusOr<std::vector<vault::QualityItem>>(s.status());
  if (!items.ok()) {
    ex.Audit("quality.read", p[0].substr(0, 32), items.status());
    return ex.Error(items.status());
  }
  if (!ex.AuditOrFail("quality.read", s->period)) return;
  Poco::JSON::Object::Ptr o = SampleJson(*s);
  Poco::JSON::Array::Ptr arr = new Poco::JSON::Array();
  for (const auto& i : *items) arr->add(ItemJson(i));
  o->set("items", arr);
  ex.SendObject(200, o);
}

void HandleRecordQualityCheck(Exchange& ex, const PathParams& p) {
  if (!MayCheck(ex, "quality")) return;
  int64_t id = 0;
  if (!SampleId(ex, p[0], "quality.check", &id)) return;
  auto body = ex.JsonBody();
  std::string document_id;
  vault::QualityCheck check;
  Status parsed = body.ok() ? ParseQualityCheck(*body, &document_id, &check) : body.status();
  if (!parsed.ok()) return ex.Error(parsed);
  auto item = ex.ctx().sampling->Record(ex.subject().username, id, document_id, check);
  if (!item.ok()) {
    ex.Audit("quality.check", document_id.substr(0, 64), item.status());
    return ex.Error(item.status());
  }
  if (!ex.AuditOrFail("quality.check", item->archive_number, "sample " + std::to_string(id) + ": " + item->outcome)) {
    return;
  }
  ex.SendObject(200, ItemJson(*item));
}

}  // namespace vaultd
