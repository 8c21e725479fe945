// Alert: one anomaly raised by a rule of policies/alerts.json for one
// subject (a user, or "client ADDRESS" for requests without one), with the
// audit events that are its evidence.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vault {

struct Alert {
  int64_t id = 0;
  std::string rule;          // the rule's id, e.g. "export_burst"
  std::string subject;       // the user, or "client 10.0.0.7"
  std::string window_start;  // time of the first evidence event (RFC 3339 UTC)
  std::string window_end;    // time of the last one
  int64_t last_seq = 0;      // seq of the last evidence event
  int64_t events = 0;        // evidence events, including any past the stored cap
  std::string raised_at;
  std::string summary;       // what happened, for people; no content, no secrets
  std::string state;         // "open" or "acknowledged"
  std::string acknowledged_by;
  std::string acknowledged_at;
  std::string note;          // the acknowledger's note
  std::vector<int64_t> evidence;  // audit event seqs, oldest first (at most kMaxAlertEvidence)
};

// Evidence events stored per alert; later ones still count in `events` and
// move `window_end`.
inline constexpr int64_t kMaxAlertEvidence = 1000;

}  // namespace vault
