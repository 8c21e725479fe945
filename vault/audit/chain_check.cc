#include "vault/audit/chain_check.h"

#include <algorithm>

#include "vault/audit/signed_note.h"
#include "vault/crypto/sha256.h"

namespace vault {

ChainWalker::ChainWalker(int64_t next_seq, std::string prev_hash, ChainProblem problem)
    : expected_(next_seq), prev_(std::move(prev_hash)), problem_(std::move(problem)) {}

void ChainWalker::Feed(const AuditEvent& e) {
  if (e.seq != expected_) {
    problem_(expected_, "event " + std::to_string(expected_) + " is missing (deleted?)");
    expected_ = e.seq;
  }
  if (e.prev_hash != prev_) {
    problem_(e.seq, "event " + std::to_string(e.seq) +
                        " does not follow its predecessor (reordered or predecessor changed)");
  }
  if (Sha256::HexOf(CanonicalForm(e)) != e.hash) {
    problem_(e.seq, "event " + std::to_string(e.seq) + " was modified (hash mismatch)");
  }
  prev_ = e.hash;
  ++expected_;
  ++fed_;
}

std::string CheckCheckpointNote(const AuditCheckpoint& cp,
                                const std::function<StatusOr<Signer::PublicKey>(const std::string&)>& key_of) {
  const std::string which = "checkpoint " + std::to_string(cp.id);
  auto parsed = ParseNote(cp.note);
  if (!parsed.ok()) return which + ": " + parsed.status().message();
  auto pk = key_of(parsed->key_name);
  if (!pk.ok()) return which + ": " + pk.status().message();
  auto kh = NoteKeyHash(parsed->key_name, *pk);
  if (!std::equal(kh.begin(), kh.end(), parsed->key_hash.begin()) ||
      !VerifyEd25519(*pk, parsed->body, parsed->signature.data(), parsed->signature.size())) {
    return which + ": signature does not verify";
  }
  if (parsed->body != CheckpointBody(cp.size, cp.head_hash)) {
    return which + ": stored size or head hash differs from the signed note";
  }
  return "";
}

}  // namespace vault
