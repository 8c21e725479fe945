// Exchange: one HTTP request being served, and the steps every handler
// shares: authenticate (IdentityStore), decide (PolicyEngine), audit, and
// answer in JSON with {"error":{"code","message"}} on failure.
//
// Handlers (handlers_*.cc) are free functions over an Exchange, listed in the
// route table (routes.cc). They never decide access themselves: they call
// Authenticate/Allowed (the policy engine) and LoadDocument/AdmitDocument
// (vault::DocumentAccess), which audit every denial and translate it to HTTP.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <atomic>
#include <functional>
#include <initializer_list>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "api/vaultd/server.h"
#include "vault/base/status.h"
#include "vault/documents/document.h"
#include "vault/access/document_access.h"
#include "vault/borrow/borrow_service.h"
#include "vault/export/exporter.h"
#include "vault/local/local_vault.h"
#include "vault/operations/backup_operations.h"
#include "vault/operations/fixity_schedule.h"
#include "vault/operations/key_operations.h"
#include "vault/operations/quality_sampling.h"
#include "vault/policy/policy_engine.h"

namespace vaultd {

// Limits how many expensive operations run at once: password checks
// (Argon2id, 64 MiB each by default) and exports (each holds a document in
// memory), so a burst cannot exhaust memory. Excess is refused, not queued.
class ConcurrencyGate {
 public:
  explicit ConcurrencyGate(int capacity) : free_(capacity) {}
  bool TryEnter() {
    int n = free_.load();
    while (n > 0) {
      if (free_.compare_exchange_weak(n, n - 1)) return true;
    }
    return false;
  }
  void Leave() { ++free_; }

  // Holds a slot for its lifetime.
  class Slot {
   public:
    explicit Slot(ConcurrencyGate& gate) : gate_(gate), held_(gate.TryEnter()) {}
    ~Slot() {
      if (held_) gate_.Leave();
    }
    bool held() const { return held_; }

   private:
    ConcurrencyGate& gate_;
    bool held_;
  };

 private:
  std::atomic<int> free_;
};

class Connections;

// What every request can reach; owned by the server, outlives all requests.
struct Ctx {
  vault::LocalVault* vault;
  const vault::PolicyEngine* policy;
  Metrics* metrics;
  const ServerOptions* options;
  ConcurrencyGate* logins;            // caps concurrent password checks
  Connections* connections;
  const std::atomic<bool>* stopping;  // set when shutdown begins
  vault::Exporter* exporter;          // the one export path
  ConcurrencyGate* exports;           // caps concurrent exports
  vault::BorrowService* borrows;      // the loan lifecycle
  vault::DestructionService* destructions;  // holds, destruction, certificates
  ConcurrencyGate* large_bodies;            // caps bodies over 1 MiB read at once
  const vault::Clock* clock;                // ServerOptions::clock, never null
  const vault::DocumentAccess* access;      // may this subject do this to this document now
  EventLog* log;                            // ServerOptions::log, never null
  // Set after construction by VaultServer::Start.
  vault::KeyOperations* key_ops = nullptr;        // rotation, rewrap, KEK destruction
  vault::FixitySchedule* fixity = nullptr;        // scheduled fixity and its signed reports
  vault::QualitySampling* sampling = nullptr;     // quarterly quality samples
  vault::BackupOperations* backups = nullptr;     // backups and restore drills by vaultd
  std::function<bool()> leading;                  // this node runs the periodic work
};

// The connection a request arrived on, for the deadline of its body.
struct ConnectionRef {
  Connections* registry;
  uint64_t id;
};

int HttpStatusFor(const vault::Status& s);

class Exchange {
 public:
  Exchange(Ctx& ctx, const ConnectionRef& conn, Poco::Net::HTTPServerRequest& req,
           Poco::Net::HTTPServerResponse& resp);

  // Parses the request line, finds the route and runs its handler.
  void Serve();

  Ctx& ctx() { return ctx_; }
  vault::Vault& vault() { return ctx_.vault->vault(); }
  Poco::Net::HTTPServerRequest& req() { return req_; }
  Poco::Net::HTTPServerResponse& resp() { return resp_; }
  const vault::Subject& subject() const { return subject_; }
  const std::string& display_name() const { return display_name_; }
  const std::string& token() const { return token_; }
  // Whether the session came from the browser's cookie, not a bearer token.
  bool cookie_session() const { return cookie_session_; }
  bool tls() const { return !ctx_.options->tls_certificate_file.empty(); }
  const std::string& request_id() const { return request_id_; }
  const std::string& client() const { return client_; }
  // The stable code of the error answered (Error()), or "".
  const std::string& error_code() const { return error_code_; }
  // The message of a server-side error (status >= 500), which the client
  // does not see; for the operational log.
  const std::string& internal_message() const { return internal_message_; }
  const Poco::URI::QueryParameters& query() const { return query_; }
  // For unauthenticated actions (login): who the audit event names.
  void SetActorName(const std::string& name) { subject_.username = name; }

  // --- answering -----------------------------------------------------------
  void SendJson(int status, const std::string& body);
  void SendObject(int status, const Poco::JSON::Object::Ptr& obj);
  void SendItems(const Poco::JSON::Array::Ptr& items);  // 200 {"items": [...]}
  void NoContent();
  void Error(const vault::Status& s);
  // Audits `action` as done; answers 503 and returns false if that failed.
  bool AuditOrFail(const std::string& action, const std::string& object, const std::string& detail = "");
  // Answers a read of a list: a failed read is audited and answered with
  // its error; a good one is audited (503 if that fails), then answered
  // 200 {"items": [to_json(each)...]}.
  template <typename T, typename ToJson>
  void SendAuditedItems(const std::string& action, const std::string& object,
                        const vault::StatusOr<std::vector<T>>& list, ToJson to_json,
                        const std::string& detail = "") {
    if (!list.ok()) {
      Audit(action, object, list.status());
      return Error(list.status());
    }
    if (!AuditOrFail(action, object, detail)) return;
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
    for (const T& each : *list) items->add(to_json(each));
    SendItems(items);
  }

  // --- the shared steps ----------------------------------------------------
  // Appends an audit event for this request (actor, role, client, request
  // id). False when the log could not be written: handlers that are about to
  // return data then answer 503 audit.unavailable instead (fail closed).
  bool Audit(const std::string& action, const std::string& object, const vault::Status& outcome,
             const std::string& detail = "");
  // Fills the subject from the bearer token, or else the browser's session
  // cookie (then a request other than GET/HEAD needs the session's
  // X-CSRF-Token: 403 auth.csrf); otherwise answers 401 and audits.
  bool Authenticate(const std::string& action, const std::string& object);
  // Asks the policy engine about a non-document resource; on deny answers
  // 403 and audits. Call after Authenticate.
  bool Allowed(const std::string& action, const std::string& object);
  // For reads that carry no resource of their own: allowed when the role
  // may ever do one of `actions`; otherwise answers 403 and audits the
  // refusal under `audit_action`. Call after Authenticate.
  bool AllowedAnyOf(const std::string& audit_action, const std::string& object,
                    std::initializer_list<const char*> actions);
  // Authenticate + AdmitDocument. A caller who may not even see the
  // document's metadata gets 404, as if it did not exist.
  bool LoadDocument(const std::string& id, const std::string& action, vault::DocumentRecord* out);
  // For an authenticated caller: looks the document up once and asks
  // DocumentAccess; a refusal is audited and answered. `decision` (optional)
  // receives the answer (the version lent, for an export under a loan).
  bool AdmitDocument(const std::string& id, const vault::AccessRequest& request, vault::DocumentRecord* out,
                     vault::AccessDecision* decision = nullptr);
  // DocumentAccess's decision for a document already in hand, without
  // answering: Ok, or the refusal as the client is told it. Every refusal
  // is audited.
  vault::Status CheckDocument(const vault::DocumentRecord& doc, const std::string& action);
  static vault::Resource ResourceOf(const vault::DocumentRecord& d);

  // --- request bodies ------------------------------------------------------
  // The body stream, for handlers that read it themselves. Call it only
  // after the caller is authenticated and authorized: it sends 100 Continue
  // to a client waiting for one, and starts the body's deadline (the whole
  // body at vaultd.min_body_bytes_per_second after a grace period, or the
  // watchdog cuts the connection).
  std::istream& Body();
  // Bodies over 1 MiB take a slot (vaultd.max_concurrent_large_bodies) for
  // the rest of the request; 503 request.busy when none is free.
  vault::Status TakeLargeBodySlot();
  // A JSON object body of at most 64 KiB (request.bad_json, request.too_large,
  // request.truncated).
  vault::StatusOr<Poco::JSON::Object::Ptr> JsonBody();
  // Reads string members of `body` into `fields`; unknown members and
  // non-strings are request.unknown_field / request.bad_type.
  static vault::Status StringFields(const Poco::JSON::Object::Ptr& body,
                                    const std::vector<std::pair<const char*, std::string*>>& fields);
  // JsonBody, then StringFields into `fields`; false after answering the
  // error.
  bool StringBody(const std::vector<std::pair<const char*, std::string*>>& fields);

 private:
  // The request could not be routed or parsed: answer and audit.
  void Reject(const vault::Status& s);
  // Audits DocumentAccess's refusal of `request` on the document `object`.
  void AuditRefusal(const vault::AccessRequest& request, const std::string& object,
                    const vault::AccessDecision& decision);

  Ctx& ctx_;
  Poco::Net::HTTPServerRequest& req_;
  Poco::Net::HTTPServerResponse& resp_;
  std::string request_id_;
  std::string client_;
  std::string error_code_, internal_message_;
  Poco::URI::QueryParameters query_;
  vault::Subject subject_;
  std::string token_;
  bool cookie_session_ = false;
  std::string display_name_;
  bool keep_alive_ = false;  // what Poco decided before we looked at the body
  ConnectionRef conn_;
  bool body_started_ = false;
  std::unique_ptr<ConcurrencyGate::Slot> large_body_slot_;
};

// Cuts a connection whose response is already under way, so the client sees
// a short body (fewer bytes than Content-Length) rather than a complete-
// looking one.
void AbortConnection(Poco::Net::HTTPServerRequest& req);

}  // namespace vaultd
