#include "api/common/json_output.h"

#include <Poco/JSON/Array.h>

#include <sstream>

namespace api {
namespace {

Poco::JSON::Object::Ptr Obj() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

}  // namespace

Poco::JSON::Object::Ptr DocumentJson(const vault::DocumentRecord& d) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", d.id);
  o->set("archive_number", d.archive_number);
  o->set("customer_number", d.meta.customer_number);
  o->set("customer_name", d.meta.customer_name);
  o->set("doc_type", d.meta.doc_type);
  o->set("type_code", d.type_code);
  o->set("title", d.meta.title);
  o->set("department", d.meta.department);
  o->set("product_line", d.meta.product_line);
  o->set("region", d.meta.region);
  o->set("business_stage", d.meta.business_stage);
  o->set("classification", d.meta.classification);
  o->set("retention_class", d.meta.retention_class);
  Poco::JSON::Array::Ptr tags = new Poco::JSON::Array();
  for (const auto& t : d.meta.tags) tags->add(t);
  o->set("tags", tags);
  Poco::JSON::Object::Ptr fields = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& kv : d.meta.fields) fields->set(kv.first, kv.second);
  o->set("fields", fields);
  o->set("version", static_cast<Poco::UInt64>(d.current_version));
  o->set("created_at", d.created_at);
  o->set("updated_at", d.updated_at);
  o->set("created_by", d.created_by);
  return o;
}

Poco::JSON::Object::Ptr VersionJson(const vault::VersionRecord& v) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("version", static_cast<Poco::UInt64>(v.version));
  o->set("size", static_cast<Poco::UInt64>(v.size));
  o->set("sha256", v.sha256);
  o->set("created_at", v.created_at);
  o->set("created_by", v.created_by);
  o->set("reason", v.reason);
  o->set("filename", v.filename);
  return o;
}

Poco::JSON::Object::Ptr FixityJson(const vault::FixityReport& r) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("intact", r.intact());
  o->set("ok", static_cast<Poco::Int64>(r.ok));
  o->set("changed", static_cast<Poco::Int64>(r.changed));
  o->set("missing", static_cast<Poco::Int64>(r.missing));
  o->set("untracked", static_cast<Poco::Int64>(r.untracked));
  Poco::JSON::Array::Ptr entries = new Poco::JSON::Array();
  for (const auto& e : r.entries) {
    if (e.state == vault::FixityEntry::State::kOk) continue;
    Poco::JSON::Object::Ptr x = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    x->set("state", std::string(vault::FixityStateName(e.state)));
    x->set("document_id", e.document_id);
    x->set("archive_number", e.archive_number);
    x->set("version", static_cast<Poco::UInt64>(e.version));
    x->set("blob", e.blob_name);
    x->set("detail", e.detail);
    entries->add(x);
  }
  o->set("problems", entries);
  return o;
}

Poco::JSON::Object::Ptr AuditEventJson(const vault::AuditEvent& e) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("seq", static_cast<Poco::Int64>(e.seq));
  o->set("time", e.time);
  o->set("actor", e.record.actor);
  o->set("role", e.record.role);
  o->set("action", e.record.action);
  o->set("object", e.record.object);
  o->set("outcome", e.record.outcome);
  o->set("client", e.record.client);
  o->set("request_id", e.record.request_id);
  o->set("detail", e.record.detail);
  o->set("hash", e.hash);
  return o;
}

Poco::JSON::Object::Ptr DepartmentJson(const vault::Department& d) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("name", d.name);
  o->set("display_name", d.display_name);
  o->set("created_at", d.created_at);
  o->set("users", static_cast<Poco::Int64>(d.users));
  return o;
}

Poco::JSON::Object::Ptr UserJson(const vault::User& u) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("username", u.username);
  o->set("display_name", u.display_name);
  o->set("role", u.role);
  o->set("department", u.department);
  o->set("clearance", u.clearance);
  o->set("disabled", u.disabled);
  Poco::JSON::Array::Ptr customers = new Poco::JSON::Array;
  for (const auto& c : u.customers) customers->add(c);
  o->set("customers", customers);
  return o;
}

Poco::JSON::Object::Ptr RoleGrantJson(const vault::RoleGrant& g) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", static_cast<Poco::Int64>(g.id));
  o->set("username", g.username);
  o->set("role", g.role);
  o->set("from_role", g.from_role);
  o->set("state", g.state);
  o->set("proposed_by", g.proposed_by);
  o->set("proposed_at", g.proposed_at);
  o->set("decided_by", g.decided_by);
  o->set("decided_at", g.decided_at);
  return o;
}

std::string Stringify(const Poco::JSON::Object::Ptr& obj) {
  std::ostringstream out;
  obj->stringify(out);
  return out.str();
}

Poco::JSON::Object::Ptr BorrowJson(const vault::Borrow& b, bool with_events) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("id", b.id);
  o->set("state", b.state);
  o->set("borrower", b.borrower);
  o->set("department", b.borrower_department);
  o->set("purpose", b.purpose);
  o->set("kind", b.kind);
  o->set("period", vault::FormatIsoDuration(b.period));
  o->set("rule", b.rule);
  Poco::JSON::Array::Ptr chain = new Poco::JSON::Array;
  for (const auto& s : b.chain) chain->add(s);
  o->set("approval_chain", chain);
  const bool pending = b.state == vault::borrow_state::kRequested || b.state == vault::borrow_state::kRenewalRequested;
  o->set("waiting_for", pending && b.step < static_cast<int>(b.chain.size()) ? b.chain[static_cast<size_t>(b.step)]
                                                                             : std::string());
  o->set("renewals", b.renewals);
  o->set("requested_at", b.requested_at);
  o->set("approved_at", b.approved_at);
  o->set("issued_at", b.issued_at);
  o->set("due_at", b.due_at);
  o->set("closed_at", b.closed_at);
  o->set("suspended", b.suspended);
  o->set("note", b.note);
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& i : b.items) {
    Poco::JSON::Object::Ptr it = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    it->set("document", i.document_id);
    it->set("archive_number", i.archive_number);
    it->set("title", i.title);
    it->set("classification", i.classification);
    it->set("version", static_cast<Poco::UInt64>(i.version));
    it->set("export_id", i.export_id);
    it->set("issued_sha256", i.issued_sha256);
    it->set("issued_pages", static_cast<Poco::Int64>(i.issued_pages));
    it->set("returned_sha256", i.returned_sha256);
    it->set("returned_pages", static_cast<Poco::Int64>(i.returned_pages));
    it->set("result", i.result);
    it->set("returned_at", i.returned_at);
    items->add(it);
  }
  o->set("items", items);
  if (with_events) {
    Poco::JSON::Array::Ptr events = new Poco::JSON::Array;
    for (const auto& e : b.events) {
      Poco::JSON::Object::Ptr ev = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      ev->set("at", e.at);
      ev->set("actor", e.actor);
      ev->set("action", e.action);
      ev->set("from", e.from_state);
      ev->set("to", e.to_state);
      ev->set("round", e.round);
      ev->set("detail", e.detail);
      events->add(ev);
    }
    o->set("events", events);
  }
  return o;
}

Poco::JSON::Object::Ptr NotificationJson(const vault::Notification& n) {
  auto o = Obj();
  o->set("id", static_cast<Poco::Int64>(n.id));
  o->set("borrow", n.borrow_id);
  o->set("kind", n.kind);
  o->set("created_at", n.created_at);
  o->set("message", n.message);
  return o;
}

Poco::JSON::Object::Ptr IncidentJson(const vault::BorrowIncident& i) {
  auto o = Obj();
  o->set("id", static_cast<Poco::Int64>(i.id));
  o->set("borrow", i.borrow_id);
  o->set("document", i.document_id);
  o->set("at", i.at);
  o->set("kind", i.kind);
  o->set("detail", i.detail);
  o->set("evidence", i.evidence_artifact);
  return o;
}

Poco::JSON::Object::Ptr ExportJson(const vault::ExportRecord& r) {
  auto o = Obj();
  o->set("id", r.export_id);
  o->set("code", r.code);
  o->set("user", r.username);
  o->set("document", r.document_id);
  o->set("archive_number", r.archive_number);
  o->set("version", static_cast<Poco::UInt64>(r.version));
  o->set("borrow", r.borrow_id);
  o->set("time", r.created_at);
  o->set("source_sha256", r.source_sha256);
  o->set("output_sha256", r.output_sha256);
  o->set("pages", static_cast<Poco::Int64>(r.pages));
  o->set("bytes", static_cast<Poco::Int64>(r.bytes));
  return o;
}

Poco::JSON::Object::Ptr CheckpointJson(const vault::AuditCheckpoint& cp) {
  auto o = Obj();
  o->set("id", static_cast<Poco::Int64>(cp.id));
  o->set("size", static_cast<Poco::Int64>(cp.size));
  o->set("head_hash", cp.head_hash);
  o->set("key_name", cp.key_name);
  o->set("created_at", cp.created_at);
  o->set("note", cp.note);
  return o;
}

Poco::JSON::Object::Ptr AuditReportJson(const vault::AuditReport& r) {
  auto o = Obj();
  o->set("ok", r.ok);
  o->set("events", static_cast<Poco::Int64>(r.events));
  o->set("checkpoints", static_cast<Poco::Int64>(r.checkpoints));
  o->set("first_bad_seq", static_cast<Poco::Int64>(r.first_bad_seq));
  Poco::JSON::Array::Ptr problems = new Poco::JSON::Array();
  for (const auto& p : r.problems) problems->add(p);
  o->set("problems", problems);
  return o;
}

Poco::JSON::Object::Ptr PageChainJson(const vault::PageChainReport& r) {
  auto o = Obj();
  o->set("ok", r.ok);
  o->set("complete", r.complete);
  o->set("walked", static_cast<Poco::Int64>(r.walked));
  o->set("unchecked", static_cast<Poco::Int64>(r.unchecked));
  o->set("uncovered", static_cast<Poco::Int64>(r.uncovered));
  o->set("first_bad_seq", static_cast<Poco::Int64>(r.first_bad_seq));
  Poco::JSON::Array::Ptr problems = new Poco::JSON::Array();
  for (const auto& p : r.problems) problems->add(p);
  o->set("problems", problems);
  if (r.covered) {
    auto cp = Obj();
    cp->set("id", static_cast<Poco::Int64>(r.covering.id));
    cp->set("size", static_cast<Poco::Int64>(r.covering.size));
    cp->set("key_name", r.covering.key_name);
    cp->set("created_at", r.covering.created_at);
    o->set("checkpoint", cp);
  } else {
    o->set("checkpoint", Poco::Dynamic::Var());
  }
  return o;
}

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
    it->set("customer", i.customer);
    it->set("classification", i.classification);
    it->set("versions", static_cast<Poco::Int64>(i.versions));
    it->set("bytes", static_cast<Poco::Int64>(i.bytes));
    it->set("blobs", static_cast<Poco::Int64>(i.blobs.size()));
    items->add(it);
  }
  o->set("items", items);
  return o;
}

Poco::JSON::Object::Ptr LegalHoldJson(const vault::LegalHold& h) {
  auto o = Obj();
  o->set("id", static_cast<Poco::Int64>(h.id));
  o->set("scope", h.scope);
  o->set("target", h.target);
  o->set("reason", h.reason);
  return o;
}

Poco::JSON::Array::Ptr ProtectionsJson(const std::vector<vault::Protection>& records) {
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  for (const auto& c : records) {
    auto o = Obj();
    o->set("document", c.document_id);
    o->set("archive_number", c.archive_number);
    o->set("erasable", c.reasons.empty());
    Poco::JSON::Array::Ptr why = new Poco::JSON::Array;
    for (const auto& r : c.reasons) why->add(r);
    o->set("protected_by", why);
    Poco::JSON::Array::Ptr kinds = new Poco::JSON::Array;
    for (const auto& k : c.kinds) kinds->add(k);
    o->set("kinds", kinds);
    out->add(o);
  }
  return out;
}

Poco::JSON::Object::Ptr CertificateJson(const vault::Certificate& c) {
  auto o = Obj();
  o->set("id", c.id);
  o->set("sequence", static_cast<Poco::Int64>(c.seq));
  o->set("destruction", c.destruction_id);
  o->set("sha256", c.sha256);
  o->set("previous_sha256", c.previous_sha256);
  o->set("key_name", c.key_name);
  o->set("created_at", c.created_at);
  return o;
}

}  // namespace api
