// DestructionService: retention-expired (or requested) records destroyed
// with four eyes, a witness, crypto-erase plus in-place overwrite, a ghost
// record and a signed certificate (docs/destruction.md).
//
//   Request (destruction.request) -> Approve (destruction.approve, not the
//   requester; legal for a customer request; names the witness) ->
//   Execute (destruction.execute): preconditions checked again, then the
//   journal steps snapshot -> erase keys -> overwrite blobs -> ghost ->
//   certificate -> completed. Each step is recorded before the next starts
//   and is idempotent, so Resume() after a crash finishes the destruction
//   exactly once with exactly one certificate.
//
// Preconditions for every record: no active legal hold on it or its
// customer, no open loan (a request counts only while its borrower may see
// the record), not already destroyed or in another open destruction, and
// retention expired unless the reason is a customer request approved by
// legal. Execution checks them again inside the transaction of its first
// step, so nothing can slip in between the check and the erase.
//
// Thread-safety: one Execute/Resume at a time per destruction (the journal
// is the lock); safe otherwise.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vault/audit/audit_log.h"
#include "vault/base/canonical_json.h"  // CanonicalJsonOf: the form certificates are signed in
#include "vault/base/clock.h"
#include "vault/destruction/certificate_wording.h"
#include "vault/destruction/destruction_store.h"
#include "vault/identity/identity_store.h"
#include "vault/keys/primary_signer.h"
#include "vault/keys/signer.h"
#include "vault/policy/policy_engine.h"
#include "vault/retention/retention_policy.h"
#include "vault/storage/local_blob_store.h"
#include "vault/vault.h"

namespace vault {

struct DestructionRequest {
  std::vector<std::string> documents;  // ids or archive numbers
  std::string reason;                  // retention_expired | customer_request | business_ended
  std::string reference;               // e.g. the meeting minute or the customer's letter
};

// A record whose retention has expired (RetentionExpired()).
struct ExpiredRecord {
  Protection protection;  // reasons: what still protects it (never retention)
  RetentionDecision retention;
  std::string rule_label;  // the applied rule's label in retention.json ("合同")
  std::string title, customer, doc_type;
};

// What an erasure request for one customer would do.
struct ErasurePlan {
  std::vector<Protection> records;    // every record of the customer
  std::vector<std::string> erasable;  // ids of those nothing protects
};

class DestructionService {
 public:
  struct Deps {
    Vault* vault = nullptr;
    LocalBlobStore* blobs = nullptr;
    DestructionStore* store = nullptr;
    const PolicyEngine* roles = nullptr;
    const RetentionPolicy* retention = nullptr;
    IdentityStore* identity = nullptr;
    AuditLog* audit = nullptr;
    // Purpose "certificate": the primary KEK's when a certificate is made.
    const PrimarySigner* signer = nullptr;
    const Clock* clock = nullptr;
    std::vector<std::string> passes = {"random", "random", "zeros"};
    // Who the certificates say performed the destruction (configuration).
    CertificateWording wording;
    std::function<void(const char*)> crash_point;  // fault-injection tests
  };
  explicit DestructionService(Deps deps) : d_(std::move(deps)) {}

  StatusOr<Destruction> Request(const Subject& who, const DestructionRequest& request);
  // What Request() would meet for each record now, without refusing: the
  // same check, for a person to see before sending (empty reasons: the
  // record may go). access.denied, destruction.bad_reason,
  // destruction.no_documents, document.not_found.
  StatusOr<std::vector<Protection>> Preconditions(const Subject& who, const std::vector<std::string>& documents,
                                                  const std::string& reason);
  // Destructions in `state` ("" for every state), newest first, at most
  // `limit`; for those who may read one (Get()).
  StatusOr<std::vector<Destruction>> List(const Subject& who, const std::string& state, int limit);
  StatusOr<Destruction> Approve(const Subject& who, const std::string& id, const std::string& witness);
  StatusOr<Destruction> Execute(const Subject& who, const std::string& id);
  // Finishes every destruction a crash left executing.
  Status Resume();
  StatusOr<Destruction> Get(const Subject& who, const std::string& id);
  // What stands in the way of destroying each record (data-subject preview).
  // `except_id`: a destruction not to count as "another" one.
  StatusOr<std::vector<Protection>> Check(const std::vector<std::string>& documents, const std::string& reason,
                                          bool legal_approved, const std::string& except_id = "");
  // A data subject's erasure request: every record of `customer`, each
  // with what protects it (reason customer_request, legal approval
  // assumed), and the ids of those it would destroy (destruction_candidates.cc).
  StatusOr<ErasurePlan> PlanErasure(const std::string& customer);
  // The records whose retention has expired and that nothing protects (no
  // hold, no open loan): what a retention_expired request could take now.
  StatusOr<std::vector<Protection>> RetentionDue();
  // Every record whose retention has expired and that is not destroyed yet,
  // protected or not (a hold, an open loan, another destruction), with its
  // retention decision and what protects it.
  StatusOr<std::vector<ExpiredRecord>> RetentionExpired();

  StatusOr<LegalHold> AddHold(const Subject& who, const std::string& scope, const std::string& target,
                              const std::string& reason);
  Status ReleaseHold(const Subject& who, int64_t id);

  // Refuses (409 document.destroyed or document.being_destroyed) when the
  // document is destroyed or in an approved or executing destruction: new
  // versions and loans must not be made of it.
  Status CheckUsable(const std::string& document_id);
  // The certificate of a destroyed document, or "" (for 410 answers).
  StatusOr<std::string> CertificateOfDestroyed(const std::string& document_id);

 private:
  Status RunSteps(const std::string& id, const std::string& actor);
  Status RunStepsLocked(const std::string& id, const std::string& actor);
  StatusOr<Certificate> MakeCertificate(const Destruction& d);
  // Why `doc` cannot be destroyed now, from facts read by the store.
  // `kinds` (if given) gets one Protection kind per reason.
  std::vector<std::string> ReasonsFrom(const DocumentRecord& doc, const RecordFacts& facts, const std::string& reason,
                                       bool legal_approved, TimePoint now,
                                       std::vector<std::string>* kinds = nullptr) const;
  // access.denied for a role that may not request; destruction.bad_reason.
  Status CheckRequester(const Subject& who, const std::string& reason) const;
  // Whether an open loan holds the record back: always once issued; a
  // request only while its borrower may still see the record.
  bool LoanProtects(const OpenLoan& loan, const DocumentRecord& doc, TimePoint now) const;
  // Check() over every page of the documents matching `filter`.
  StatusOr<std::vector<Protection>> CheckMatching(DocumentFilter filter, const std::string& reason,
                                                  bool legal_approved);
  void Crash(const char* point) const {
    if (d_.crash_point) d_.crash_point(point);
  }
  bool Can(const Subject& who, const char* action) const { return d_.roles->RoleMayEver(who.role, action); }
  Deps d_;
  // One execution at a time in this process: two executes of the same
  // destruction (a retried request) never interleave their steps, and
  // certificate numbers are allocated one after the other.
  std::mutex run_mu_;
};

}  // namespace vault

#include "vault/destruction/certificate_pdf.h"

namespace vault {
// The human-readable view of a stored certificate (for cert.pdf), read back
// from its signed JSON so the PDF never says more than the evidence.
StatusOr<CertificateView> ViewOfCertificate(const Certificate& c);
}  // namespace vault
