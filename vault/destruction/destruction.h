// A destruction (销毁) of one or more records, its journal, and its
// certificate, as stored by DestructionStore (docs/destruction.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vault {

// requested -> approved (a second person, with a witness) -> executing
// (journal steps below) -> completed. Refused at any point: the state does
// not change.
namespace destruction_step {
inline constexpr char kNone[] = "";              // not started
inline constexpr char kSnapshotted[] = "snapshotted";  // hashes and names recorded
inline constexpr char kErased[] = "erased";      // data keys deleted, WAL truncated
inline constexpr char kOverwritten[] = "overwritten";  // every blob overwritten and removed
inline constexpr char kGhosted[] = "ghosted";    // documents marked destroyed
inline constexpr char kCertified[] = "certified";  // certificate stored
}  // namespace destruction_step

struct DestructionItem {
  int position = 0;
  std::string document_id, archive_number, title, customer, classification;
  int64_t versions = 0;
  int64_t bytes = 0;
  std::vector<std::string> plaintext_sha256;   // per version, recorded at ingest
  std::vector<std::string> ciphertext_sha256;  // per version, of the blob, before destruction
  std::vector<std::string> blobs;              // blob names (versions, then artifacts)
  std::vector<std::string> artifacts;          // loan copies and returned evidence of the record
};

struct Destruction {
  std::string id;  // XH + 12 characters
  std::string state;  // requested | approved | executing | completed
  std::string reason;  // retention_expired | customer_request | business_ended
  std::string reference;
  std::string requested_by, requested_at, approved_by, approved_at, witness;
  std::string step;    // destruction_step
  std::string passes;  // JSON array of pass results, filled by the overwrite step
  std::string certificate_id;
  std::string started_at, completed_at;
  std::vector<DestructionItem> items;
};

// Why a record cannot be destroyed now (empty: it can).
struct Protection {
  std::string document_id, archive_number;
  std::vector<std::string> reasons;  // e.g. "legal hold 3: 诉讼", "open loan", "retention until 2031-06-30"
  // One per reason, stable for a UI to translate: destroyed | hold |
  // in_destruction | open_loan | retention.
  std::vector<std::string> kinds;
};

struct LegalHold {
  int64_t id = 0;
  std::string scope;   // document | customer
  std::string target;  // document id, or customer number
  std::string reason, created_by, created_at, released_by, released_at;
};

// An open loan (requested .. overdue) that includes a record.
struct OpenLoan {
  std::string borrow_id, borrower, state;
};

// What the database says, at one moment, could stand in the way of
// destroying one record; DestructionService turns it into reasons.
struct RecordFacts {
  std::string destroyed_by;       // the destruction that destroyed it, or ""
  std::vector<LegalHold> holds;   // active, on the record or its customer
  std::vector<OpenLoan> loans;    // open loans including the record
  std::string other_destruction;  // another open destruction including it, or ""
};

struct Certificate {
  std::string id;  // CERT-000001
  int64_t seq = 0;
  std::string destruction_id;
  std::string json;        // canonical JSON, the evidence
  std::string sha256;      // of json
  std::string signature;   // hex Ed25519 over json
  std::string minisig;     // minisign signature file
  std::string key_name, public_key;  // hex
  std::string previous_sha256;
  std::string created_at;
};

}  // namespace vault
