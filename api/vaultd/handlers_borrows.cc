// Loans (借阅): request, approve/reject, issue, renew, recall, revoke,
// return with hash verification, the borrower's copy, the register, the
// notification outbox and incidents. The rules live in vault::BorrowService;
// these handlers parse, call it, audit and answer JSON.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <sodium.h>

#include <algorithm>
#include <memory>

#include "api/vaultd/body_source.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/request_bodies.h"
#include "api/vaultd/routes.h"
#include "api/common/json_output.h"
#include "api/common/parse.h"
#include "vault/borrow/borrow_register.h"
#include "vault/crypto/sha256.h"

namespace vaultd {

using api::BorrowJson;

using vault::Status;

namespace {

// Authenticates; the object of the audit event is the loan id (cut).
bool Begin(Exchange& ex, const std::string& action, const std::string& id) {
  return ex.Authenticate(action, id.substr(0, 64));
}

// Audits the outcome and answers: the loan as JSON, or the error.
void Finish(Exchange& ex, const std::string& action, const std::string& id,
            const vault::StatusOr<vault::Borrow>& result, int status = 200) {
  if (!result.ok()) {
    ex.Audit(action, id.substr(0, 64), result.status());
    return ex.Error(result.status());
  }
  if (!ex.AuditOrFail(action, result->id, "now " + result->state)) return;
  ex.SendObject(status, BorrowJson(*result, true));
}

// An optional JSON body with the given string members.
bool OptionalStrings(Exchange& ex, const std::vector<std::pair<const char*, std::string*>>& fields) {
  if (ex.req().getContentLength64() <= 0 && !ex.req().getChunkedTransferEncoding()) return true;
  return ex.StringBody(fields);
}

// The one query parameter a loan's copy and return take: ?document=ID (the
// record, for a loan of several). False after answering an unknown one.
bool DocumentParameter(Exchange& ex, std::string* document) {
  for (const auto& kv : ex.query()) {
    if (kv.first != "document") {
      ex.Error(vault::InvalidArgumentError("request.unknown_parameter",
                                           "unknown parameter " + kv.first));
      return false;
    }
    *document = kv.second;
  }
  return true;
}

// A state change whose body is optional and holds at most the text member
// `field` (none when null): authenticates, reads it, calls `change` with
// it, audits and answers.
template <typename Change>
void Transition(Exchange& ex, const std::string& id, const char* action, const char* field,
                Change change) {
  if (!Begin(ex, action, id)) return;
  std::string value;
  std::vector<std::pair<const char*, std::string*>> fields;
  if (field != nullptr) fields.push_back({field, &value});
  if (!OptionalStrings(ex, fields)) return;
  Finish(ex, action, id, change(value));
}

// One row of the register with its 12 columns (the Chinese labels of the
// CSV and PDF) and the codes a client filters and translates by.
Poco::JSON::Object::Ptr RegisterRowJson(const vault::RegisterRow& r) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("borrower", r.borrower);
  o->set("department", r.department);
  o->set("title", r.title);
  o->set("archive_number", r.archive_number);
  o->set("classification", r.classification);
  o->set("purpose", r.purpose);
  o->set("approvers", r.approvers);
  o->set("borrowed_at", r.borrowed_at);
  o->set("due_at", r.due_at);
  o->set("returned_at", r.returned_at);
  o->set("state", r.state);
  o->set("note", r.note);
  o->set("borrow_id", r.borrow_id);
  o->set("borrower_id", r.borrower_id);
  o->set("state_code", r.state_code);
  o->set("classification_code", r.classification_code);
  o->set("result", r.result);
  return o;
}

}  // namespace

// POST /api/v1/borrows {"documents": [..], "purpose": "...", "period": "P7D", "kind": "electronic"}
void HandleCreateBorrow(Exchange& ex, const PathParams&) {
  if (!Begin(ex, "borrow.request", "new")) return;
  auto body = ex.JsonBody();
  if (!body.ok()) return ex.Error(body.status());
  vault::BorrowRequest req;
  if (Status parsed = ParseBorrowRequest(*body, &req); !parsed.ok()) return ex.Error(parsed);
  auto result = ex.ctx().borrows->Request(ex.subject(), req);
  Finish(ex, "borrow.request", "new", result, 201);
}

// GET /api/v1/borrows?state=&pending=1&all=1&due_within=P3D&suspended=1&limit=&offset=
void HandleListBorrows(Exchange& ex, const PathParams&) {
  if (!Begin(ex, "borrow.list", "borrows")) return;
  vault::BorrowListQuery q;
  for (const auto& kv : ex.query()) {
    int64_t n = 0;
    if (kv.first == "state") {
      q.state = kv.second;
    } else if (kv.first == "pending" || kv.first == "all" || kv.first == "suspended") {
      const bool on = kv.second == "1" || kv.second == "true";
      (kv.first == "pending" ? q.pending : kv.first == "all" ? q.all : q.suspended) = on;
    } else if (kv.first == "due_within") {
      auto d = vault::ParseIsoDuration(kv.second.substr(0, 32));
      if (kv.second.size() > 32 || !d.ok() || d->count() <= 0) {
        return ex.Error(vault::InvalidArgumentError("request.bad_parameter",
                                                    "due_within must be an ISO 8601 duration such as P3D"));
      }
      q.due_within = *d;
    } else if ((kv.first == "limit" || kv.first == "offset") && api::ParseCount(kv.second, &n)) {
      (kv.first == "limit" ? q.limit : q.offset) = n;
    } else {
      return ex.Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown or bad parameter " + kv.first));
    }
  }
  auto loans = ex.ctx().borrows->List(ex.subject(), q);
  const std::string count = loans.ok() ? std::to_string(loans->size()) + " loans" : "";
  ex.SendAuditedItems(
      "borrow.list", "borrows", loans, [](const auto& b) { return BorrowJson(b, false); }, count);
}

void HandleGetBorrow(Exchange& ex, const PathParams& p) {
  if (!Begin(ex, "borrow.read", p[0])) return;
  auto b = ex.ctx().borrows->Get(ex.subject(), p[0]);
  Finish(ex, "borrow.read", p[0], b);
}

void HandleApproveBorrow(Exchange& ex, const PathParams& p) {
  Transition(ex, p[0], "borrow.approve", "note", [&](const std::string& note) {
    return ex.ctx().borrows->Approve(ex.subject(), p[0], note);
  });
}

void HandleRejectBorrow(Exchange& ex, const PathParams& p) {
  Transition(ex, p[0], "borrow.reject", "reason", [&](const std::string& reason) {
    return ex.ctx().borrows->Reject(ex.subject(), p[0], reason);
  });
}

void HandleWithdrawBorrow(Exchange& ex, const PathParams& p) {
  Transition(ex, p[0], "borrow.withdraw", nullptr,
             [&](const std::string&) { return ex.ctx().borrows->Withdraw(ex.subject(), p[0]); });
}

// POST /api/v1/borrows/{id}/issue, optional {"pages": [n, ...]} for paper.
void HandleIssueBorrow(Exchange& ex, const PathParams& p) {
  if (!Begin(ex, "borrow.issue", p[0])) return;
  std::vector<int64_t> pages;
  if (ex.req().getContentLength64() > 0 || ex.req().getChunkedTransferEncoding()) {
    auto body = ex.JsonBody();
    if (!body.ok()) return ex.Error(body.status());
    if (Status parsed = ParseIssuePages(*body, &pages); !parsed.ok()) return ex.Error(parsed);
  }
  // Issuing stamps a copy per document: it takes an export slot like any export.
  ConcurrencyGate::Slot slot(*ex.ctx().exports);
  if (!slot.held()) {
    Status busy = vault::UnavailableError("export.busy", "too many exports at once; retry shortly");
    ex.Audit("borrow.issue", p[0].substr(0, 64), busy);
    return ex.Error(busy);
  }
  auto result = ex.ctx().borrows->Issue(ex.subject(), p[0], pages);
  if (result.ok()) {
    for (const auto& i : result->items) {
      if (!i.export_id.empty()) ex.Audit("document.export", i.archive_number, Status::Ok(), "for loan " + result->id);
    }
  }
  Finish(ex, "borrow.issue", p[0], result);
}

void HandleRenewBorrow(Exchange& ex, const PathParams& p) {
  Transition(ex, p[0], "borrow.renew", "reason",
             [&](const std::string& reason) { return ex.ctx().borrows->Renew(ex.subject(), p[0], reason); });
}

// POST /api/v1/borrows/{id}/recall, optional {"within": "P1D"}.
void HandleRecallBorrow(Exchange& ex, const PathParams& p) {
  if (!Begin(ex, "borrow.recall", p[0])) return;
  std::string within;
  if (!OptionalStrings(ex, {{"within", &within}})) return;
  vault::Seconds period{0};
  if (!within.empty()) {
    auto parsed = vault::ParseIsoDuration(within);
    if (!parsed.ok()) return ex.Error(parsed.status());
    period = *parsed;
  }
  Finish(ex, "borrow.recall", p[0], ex.ctx().borrows->Recall(ex.subject(), p[0], period));
}

void HandleRevokeBorrow(Exchange& ex, const PathParams& p) {
  Transition(ex, p[0], "borrow.revoke", "reason", [&](const std::string& reason) {
    return ex.ctx().borrows->Revoke(ex.subject(), p[0], reason);
  });
}

// POST /api/v1/borrows/{id}/return[?document=ID]
//   body: the returned file (any type but JSON), or JSON {"pages": n} for a
//   paper loan, or {"declared_destroyed": true}.
void HandleReturnBorrow(Exchange& ex, const PathParams& p) {
  if (!Begin(ex, "borrow.return", p[0])) return;
  vault::ReturnInput in;
  if (!DocumentParameter(ex, &in.document)) return;
  auto& req = ex.req();
  std::unique_ptr<RequestBody> file;
  if (req.getContentType().rfind("application/json", 0) == 0) {
    auto body = ex.JsonBody();
    if (!body.ok()) return ex.Error(body.status());
    if (Status parsed = ParseReturnJson(*body, &in); !parsed.ok()) return ex.Error(parsed);
  } else {
    if (!req.hasContentLength() || req.getChunkedTransferEncoding()) {
      return ex.Error(vault::InvalidArgumentError("upload.length_required", "send the file with a Content-Length"));
    }
    const int64_t length = req.getContentLength64();
    if (length <= 0) return ex.Error(vault::InvalidArgumentError("upload.empty", "send the returned file as the body"));
    if (length > std::min(ex.ctx().options->max_upload_bytes, ex.ctx().borrows->max_return_bytes())) {
      Status big = vault::ResourceExhaustedError("borrow.return_too_large", "the returned file exceeds the size limit");
      ex.Audit("borrow.return", p[0].substr(0, 64), big);
      return ex.Error(big);  // the unread body closes the connection
    }
    if (Status slot = ex.TakeLargeBodySlot(); !slot.ok()) return ex.Error(slot);
    // Streamed: the service checks the loan and its borrower before it
    // reads a byte, and its copy grows only as bytes arrive.
    file = std::make_unique<RequestBody>(ex, length);
    in.kind = vault::ReturnInput::Kind::kFile;
    in.file = file.get();
  }
  Finish(ex, "borrow.return", p[0], ex.ctx().borrows->Return(ex.subject(), p[0], in));
}

// GET /api/v1/borrows/{id}/copy[?document=ID]: the issued copy, the same
// bytes every time.
void HandleBorrowCopy(Exchange& ex, const PathParams& p) {
  if (!Begin(ex, "borrow.copy", p[0])) return;
  std::string document;
  if (!DocumentParameter(ex, &document)) return;
  vault::StringSink sink;
  auto item = ex.ctx().borrows->Copy(ex.subject(), p[0], document, sink);
  if (!item.ok()) {
    ex.Audit("borrow.copy", p[0].substr(0, 64), item.status());
    return ex.Error(item.status());
  }
  if (!ex.AuditOrFail("borrow.copy", p[0], item->archive_number + " sha256 " + item->issued_sha256)) return;
  auto& resp = ex.resp();
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType("application/pdf");
  resp.setContentLength64(static_cast<Poco::Int64>(sink.data().size()));
  resp.set("X-Content-SHA256", item->issued_sha256);
  resp.set("X-Export-Id", item->export_id);
  resp.set("Content-Disposition", "attachment; filename=\"" + item->archive_number + "-" + p[0] + ".pdf\"");
  resp.sendBuffer(sink.data().data(), sink.data().size());
  ex.ctx().metrics->bytes_sent += static_cast<int64_t>(sink.data().size());
}

// GET /api/v1/borrows/register?format=csv|pdf|json
void HandleBorrowRegister(Exchange& ex, const PathParams&) {
  if (!Begin(ex, "borrow.register", "register")) return;
  std::string format = "csv";
  for (const auto& kv : ex.query()) {
    if (kv.first != "format" || (kv.second != "csv" && kv.second != "pdf" && kv.second != "json")) {
      return ex.Error(vault::InvalidArgumentError("request.bad_parameter", "format must be csv, pdf or json"));
    }
    format = kv.second;
  }
  auto rows = ex.ctx().borrows->Register(ex.subject());
  if (!rows.ok()) {
    ex.Audit("borrow.register", "register", rows.status());
    return ex.Error(rows.status());
  }
  if (format == "json") {
    if (!ex.AuditOrFail("borrow.register", "register", "json, " + std::to_string(rows->size()) + " rows")) return;
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    for (const auto& r : *rows) items->add(RegisterRowJson(r));
    return ex.SendItems(items);
  }
  std::string out;
  if (format == "csv") {
    out = vault::RegisterCsv(*rows);
  } else {
    auto pdf = vault::RegisterPdf(*rows, "借阅登记簿（时间均为 UTC）", vault::FormatUtc(ex.ctx().clock->Now()),
                                  ex.ctx().exporter->policy().font_file());
    if (!pdf.ok()) {
      ex.Audit("borrow.register", "register", pdf.status());
      return ex.Error(pdf.status());
    }
    out = std::move(*pdf);
  }
  if (!ex.AuditOrFail("borrow.register", "register", format + ", " + std::to_string(rows->size()) + " rows")) return;
  auto& resp = ex.resp();
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType(format == "csv" ? "text/csv; charset=utf-8" : "application/pdf");
  resp.setContentLength64(static_cast<Poco::Int64>(out.size()));
  resp.set("Content-Disposition", std::string("attachment; filename=\"borrow-register.") + format + "\"");
  resp.sendBuffer(out.data(), out.size());
}

// GET /api/v1/notifications?after=ID&limit=N: the caller's outbox.
void HandleListNotifications(Exchange& ex, const PathParams&) {
  if (!Begin(ex, "notification.list", "notifications")) return;
  int64_t after = 0, limit = 100;
  for (const auto& kv : ex.query()) {
    int64_t n = 0;
    if ((kv.first == "after" || kv.first == "limit") && api::ParseCount(kv.second, &n)) {
      (kv.first == "after" ? after : limit) = n;
    } else {
      return ex.Error(vault::InvalidArgumentError("request.unknown_parameter", "unknown or bad parameter " + kv.first));
    }
  }
  auto notes = ex.ctx().borrows->Notifications(ex.subject(), after, limit);
  const std::string count = notes.ok() ? std::to_string(notes->size()) + " notifications" : "";
  ex.SendAuditedItems("notification.list", "notifications", notes, api::NotificationJson,
                      count);
}

// GET /api/v1/incidents: altered returns and page-count mismatches.
void HandleListIncidents(Exchange& ex, const PathParams&) {
  if (!Begin(ex, "incident.list", "incidents")) return;
  auto incidents = ex.ctx().borrows->Incidents(ex.subject());
  ex.SendAuditedItems("incident.list", "incidents", incidents, api::IncidentJson);
}

}  // namespace vaultd
