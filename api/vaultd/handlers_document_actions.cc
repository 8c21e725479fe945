// GET /api/v1/documents/{id}/actions: what the caller may do with one record
// now, and why not, so a page can offer the allowed actions and explain the
// others instead of letting the user run into a refusal. Asks the same
// parts that decide the real requests (the policy engine, the destruction
// service, the loan service) without acting; the real request still
// decides on its own. Also the loan rule a request for the record falls
// under (periods, kinds, approval chain).
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"

namespace vaultd {

namespace {

Poco::JSON::Object::Ptr Verdict(const vault::Status& s) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("allowed", s.ok());
  if (!s.ok()) o->set("reason", s.reason());
  return o;
}

}  // namespace

void HandleDocumentActions(Exchange& ex, const PathParams& p) {
  vault::DocumentRecord d;
  if (!ex.LoadDocument(p[0], "document.metadata", &d)) return;
  const vault::TimePoint now = ex.ctx().clock->Now();
  const vault::Resource resource = Exchange::ResourceOf(d);
  auto role = [&](const char* action) {
    return ex.ctx().policy->Decide(ex.subject(), action, resource, now).allowed
               ? vault::Status::Ok()
               : vault::Status(vault::StatusCode::kPermissionDenied, "access.denied", "not allowed");
  };
  // The state of the record itself: destroyed, being destroyed.
  vault::Status record = vault::Status::Ok();
  auto cert = ex.ctx().destructions->CertificateOfDestroyed(d.id);
  if (!cert.ok()) {
    record = cert.status();
  } else if (!cert->empty()) {
    record = vault::FailedPreconditionError("document.destroyed", "the document was destroyed");
  } else {
    record = ex.ctx().destructions->CheckUsable(d.id);
  }
  vault::Status exporting = role("document.export");
  if (exporting.ok()) exporting = record;
  if (exporting.ok()) exporting = ex.ctx().borrows->CheckContentAccess(ex.subject().username, d.id);
  vault::Status borrowing = role("borrow.request");
  if (borrowing.ok()) borrowing = record;
  if (!ex.AuditOrFail("document.actions", d.archive_number)) return;

  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("export", Verdict(exporting));
  o->set("borrow", Verdict(borrowing));
  const vault::LoanRule& rule =
      ex.ctx().borrows->policy().RuleFor(d.meta.classification, d.meta.doc_type, d.meta.department);
  Poco::JSON::Object::Ptr r = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  r->set("name", rule.name);
  r->set("default_period", vault::FormatIsoDuration(rule.default_period));
  r->set("max_period", vault::FormatIsoDuration(rule.max_period));
  r->set("default_days", static_cast<Poco::Int64>(rule.default_period.count() / 86400));
  r->set("max_days", static_cast<Poco::Int64>(rule.max_period.count() / 86400));
  r->set("renewals", rule.renewals_allowed);
  Poco::JSON::Array::Ptr kinds = new Poco::JSON::Array;
  for (const auto& k : rule.kinds) kinds->add(k);
  r->set("kinds", kinds);
  Poco::JSON::Array::Ptr chain = new Poco::JSON::Array;
  for (const auto& s : rule.approval_chain) chain->add(s);
  r->set("approval_chain", chain);
  o->set("loan_rule", r);
  ex.SendObject(200, o);
}

}  // namespace vaultd
