// The checks of the audit log's hash chain and signed checkpoints, shared by
// AuditLog::Verify (the whole log) and AuditLog::CheckPage (the stretch of
// the chain around one page of events), so both say the same thing about the
// same tampering.
//
// Thread-safety: ChainWalker is a value type for one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "vault/audit/audit_log.h"

namespace vault {

// Reports a problem: the first affected event (0 when none) and the words.
using ChainProblem = std::function<void(int64_t seq, const std::string& what)>;

// Follows events in seq order from a known point: the event expected next
// and the hash it must name as its predecessor (64 zeros before event 1, a
// checkpoint's head hash after it).
class ChainWalker {
 public:
  ChainWalker(int64_t next_seq, std::string prev_hash, ChainProblem problem);
  // Checks that `e` is the expected event (none missing before it), that it
  // follows its predecessor and that its own hash matches its fields.
  void Feed(const AuditEvent& e);
  int64_t next_seq() const { return expected_; }
  // The hash of the last event fed (the starting hash before any).
  const std::string& head() const { return prev_; }
  int64_t fed() const { return fed_; }

 private:
  int64_t expected_;
  std::string prev_;
  int64_t fed_ = 0;
  ChainProblem problem_;
};

// Checks a stored checkpoint's note: well formed, signed by its recorded
// key, and naming the stored size and head hash. Returns the problem's
// words, or "" when it holds.
std::string CheckCheckpointNote(const AuditCheckpoint& cp,
                                const std::function<StatusOr<Signer::PublicKey>(const std::string&)>& key_of);

}  // namespace vault
