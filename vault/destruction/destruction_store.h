// DestructionStore: legal holds, destructions and their journal, and
// certificates, in the shared metadata database (vault/db/): it owns the
// tables legal_holds, destructions, destruction_items and certificates.
// Data keys, artifacts and the ghosts of destroyed documents belong to
// SqliteMetadataStore and loans to BorrowStore; it asks them (inside its own
// transaction where a check must hold until the write). Crypto-erase runs
// in a transaction with secure_delete on, followed by a TRUNCATE checkpoint
// so no old page of the keys stays in the WAL.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/db/client.h"
#include "vault/destruction/destruction.h"

namespace vault {

class DestructionStore {
 public:
  static StatusOr<std::unique_ptr<DestructionStore>> Open(std::shared_ptr<db::Database> db);
  ~DestructionStore();

  // Holds.
  StatusOr<LegalHold> AddHold(const LegalHold& hold);
  Status ReleaseHold(int64_t id, const std::string& by, const std::string& at);  // hold.not_found
  StatusOr<std::vector<LegalHold>> Holds(bool active_only);
  // Active holds on a document or its customer.
  StatusOr<std::vector<LegalHold>> HoldsOn(const std::string& document_id, const std::string& customer);
  // Everything that could protect a record now (holds on it or on
  // `customer`, open loans, another open destruction than `except_id`,
  // whether it is destroyed), read in one go.
  StatusOr<RecordFacts> FactsOf(const std::string& document_id, const std::string& customer,
                                const std::string& except_id);

  Status Insert(const Destruction& d);
  StatusOr<Destruction> Get(const std::string& id);  // destruction.not_found
  // Load, change, write back in one transaction (as BorrowStore::Update).
  StatusOr<Destruction> Update(const std::string& id, const std::function<Status(Destruction&)>& change);
  // As Update, with the facts of each item (in item order) read inside the
  // same BEGIN IMMEDIATE transaction: a hold or a loan written by anyone
  // (another connection, another process) is either seen by `change` or
  // committed only after it. The start of an execution goes through here.
  StatusOr<Destruction> UpdateWithFacts(
      const std::string& id, const std::function<Status(Destruction&, const std::vector<RecordFacts>&)>& change);
  StatusOr<std::vector<std::string>> Unfinished();  // executing, not completed
  // Another open destruction (not completed) that includes the document.
  StatusOr<std::string> OpenDestructionOf(const std::string& document_id, const std::string& except_id);

  // Crypto-erase: deletes the wrapped data keys of every version of the
  // documents and the keys of the artifacts, then checkpoints the WAL with
  // TRUNCATE. Idempotent.
  Status EraseKeys(const std::vector<std::string>& document_ids, const std::vector<std::string>& artifact_ids);
  // Artifacts (loan copies, returned evidence) made from a document: those
  // sealed with its id and those a loan item links to (older artifacts
  // carry no document id), whether or not a loan still names them.
  StatusOr<std::vector<std::string>> ArtifactsOf(const std::string& document_id);

  Status MarkDestroyed(const std::string& document_id, const std::string& destruction_id, const std::string& at);
  // The destruction that destroyed a document, or "" if none.
  StatusOr<std::string> DestroyedBy(const std::string& document_id);

  // Certificates, chained by seq. Insert assigns seq and the id.
  StatusOr<Certificate> LastCertificate();  // empty id when none
  Status InsertCertificate(const Certificate& cert);
  StatusOr<Certificate> GetCertificate(const std::string& id);  // certificate.not_found
  StatusOr<Certificate> CertificateFor(const std::string& destruction_id);
  StatusOr<std::vector<Certificate>> Certificates();
  // Certificate ids named by completed destructions.
  StatusOr<std::vector<std::string>> ReferencedCertificateIds();
  // Destructions in `state` ("" for all), newest request first, at most
  // `limit` (1..1000).
  StatusOr<std::vector<Destruction>> List(const std::string& state, int limit);
  // Completed destructions, oldest first (the destruction register).
  StatusOr<std::vector<Destruction>> Completed();

  // For BorrowStore, inside its transaction on `c` (throws): whether an
  // executing destruction includes the document.
  static bool BeingExecutedOn(db::Connection& c, const std::string& document_id);

 private:
  explicit DestructionStore(std::shared_ptr<db::Database> db);
  static StatusOr<Destruction> Load(db::Connection& c, const std::string& id);
  StatusOr<Certificate> CertificateWhere(const char* column, const std::string& value, const char* not_found);
  static RecordFacts LoadFacts(db::Connection& c, const std::string& document_id, const std::string& customer,
                               const std::string& except_id);
  static std::vector<LegalHold> ActiveHoldsOn(db::Connection& c, const std::string& document_id,
                                              const std::string& customer);
  static std::string OtherOpenDestruction(db::Connection& c, const std::string& document_id,
                                          const std::string& except_id);
  db::Client db_;
};

}  // namespace vault
