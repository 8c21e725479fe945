// AuditLog::CheckPage: the chain and checkpoint checks of Verify (through
// chain_check.h), limited to the stretches of the chain that hold one page
// of events. A stretch runs from the signed checkpoint before an event (or
// event 1) to the first one at or after it (or, past the newest checkpoint,
// to the page's newest event): the page's events are checked together with
// their link to the checkpoint that covers them, and the work is bounded by
// the checkpoint interval instead of the log's size.
#include <algorithm>
#include <map>
#include <set>

#include "vault/audit/audit_log.h"
#include "vault/audit/chain_check.h"

namespace vault {

StatusOr<PageChainReport> AuditLog::CheckPage(const std::vector<AuditEvent>& page, int64_t budget) {
  PageChainReport r;
  if (page.empty()) return r;
  VAULT_ASSIGN_OR_RETURN(std::vector<AuditCheckpoint> checkpoints, Checkpoints());
  std::map<int64_t, AuditCheckpoint> at;  // size -> the first checkpoint of that size
  for (const AuditCheckpoint& cp : checkpoints) {
    if (cp.size > 0) at.emplace(cp.size, cp);
  }
  auto problem = [&r](int64_t seq, const std::string& what) {
    r.ok = false;
    if (seq > 0 && (r.first_bad_seq == 0 || seq < r.first_bad_seq)) r.first_bad_seq = seq;
    if (r.problems.size() < 20 &&
        std::find(r.problems.begin(), r.problems.end(), what) == r.problems.end()) {
      r.problems.push_back(what);
    }
  };
  std::map<int64_t, bool> note_checked;  // checkpoint id -> checked
  auto key_of = [this](const std::string& name) { return PublicKeyOf(name); };
  auto check_note = [&](const AuditCheckpoint& cp) {
    if (note_checked[cp.id]) return;
    note_checked[cp.id] = true;
    if (std::string bad = CheckCheckpointNote(cp, key_of); !bad.empty()) problem(0, bad);
  };

  std::set<int64_t> seqs;
  for (const AuditEvent& e : page) seqs.insert(e.seq);
  const int64_t newest = *seqs.rbegin();
  if (auto cov = at.lower_bound(newest); cov != at.end()) {
    r.covered = true;
    r.covering = cov->second;
  }
  const int64_t last_size = at.empty() ? 0 : at.rbegin()->first;
  for (int64_t s : seqs) {
    if (s > last_size) ++r.uncovered;
  }

  auto it = seqs.begin();
  while (it != seqs.end()) {
    auto up = at.lower_bound(*it);  // the first checkpoint at or after this event
    int64_t start = 0;
    std::string start_hash = kAuditGenesis;
    if (up != at.begin()) {
      const AuditCheckpoint& anchor = std::prev(up)->second;
      start = anchor.size;
      start_hash = anchor.head_hash;
      check_note(anchor);
    }
    const AuditCheckpoint* end_cp = up == at.end() ? nullptr : &up->second;
    const int64_t end = end_cp ? end_cp->size : newest;
    if (r.walked + (end - start) > budget) {
      r.complete = false;
      for (; it != seqs.end(); ++it) ++r.unchecked;
      break;
    }
    ChainWalker walker(start + 1, start_hash, problem);
    AuditFilter f;
    f.after_seq = start;
    f.limit = 1000;
    bool past_end = false;
    while (!past_end && walker.next_seq() <= end) {
      VAULT_ASSIGN_OR_RETURN(std::vector<AuditEvent> events, List(f));
      if (events.empty()) break;
      for (const AuditEvent& e : events) {
        if (e.seq > end) {
          past_end = true;
          break;
        }
        walker.Feed(e);
      }
      f.after_seq = events.back().seq;
    }
    r.walked += walker.fed();
    if (end_cp) {
      check_note(*end_cp);
      const std::string which = "checkpoint " + std::to_string(end_cp->id);
      if (walker.next_seq() <= end) {
        problem(end, which + " covers " + std::to_string(end) + " events but only " +
                         std::to_string(walker.next_seq() - 1) + " exist (tail deleted?)");
      } else if (walker.head() != end_cp->head_hash) {
        problem(end, which + ": the chain's hash at event " + std::to_string(end) +
                         " differs from the signed head (history rewritten)");
      }
    }
    while (it != seqs.end() && *it <= end) ++it;
  }
  return r;
}

}  // namespace vault
