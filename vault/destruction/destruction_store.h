// DestructionStore: legal holds, destructions and their journal, ghosts of
// destroyed documents and certificates, in the metadata database (tables of
// migration 9), over its own connection. Also the one place that deletes
// data keys (crypto-erase), in a transaction with secure_delete on, followed
// by a TRUNCATE checkpoint so no old page of the keys stays in the WAL.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/destruction/destruction.h"

namespace Poco::Data {
class Session;
}

namespace vault {

class DestructionStore {
 public:
  static StatusOr<std::unique_ptr<DestructionStore>> Open(const std::string& db_path);
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
  Status InsertCertificate(const Certificate& c);
  StatusOr<Certificate> GetCertificate(const std::string& id);  // certificate.not_found
  StatusOr<Certificate> CertificateFor(const std::string& destruction_id);
  StatusOr<std::vector<Certificate>> Certificates();
  // Certificate ids named by completed destructions.
  StatusOr<std::vector<std::string>> ReferencedCertificateIds();
  // Completed destructions, oldest first (the destruction register).
  StatusOr<std::vector<Destruction>> Completed();

 private:
  explicit DestructionStore(std::unique_ptr<Poco::Data::Session> session);
  StatusOr<Destruction> Load(const std::string& id);
  RecordFacts LoadFacts(const std::string& document_id, const std::string& customer, const std::string& except_id);
  std::mutex mu_;
  std::unique_ptr<Poco::Data::Session> session_;
};

}  // namespace vault
