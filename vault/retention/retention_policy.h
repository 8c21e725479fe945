// RetentionPolicy: how long each document is kept (档案保管期限), from
// policies/retention.json.
//
// A rule per document type key (plus a required "default") gives a period
// counted from an anchor: the record's ingest time, a date field of its
// metadata (contract_end_date), or an event recorded later (business_ended).
// Periods are ISO 8601 years/months/days added by calendar, so "10 years
// from 2020-06-30" is 2030-06-30 whatever the leap days in between. A
// record's non-empty retention_class replaces the rule's period.
//
// The decision fails safe: a record whose anchor date is missing or
// malformed, whose event is not yet recorded, or whose retention_class the
// policy does not know gets no due time and is never Expired. Deciding
// destruction is left to the caller (legal holds, approvals).
//
// Immutable after loading; safe to share between threads. Pure: no clock,
// no storage.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/documents/document.h"

namespace vault {

// Adds an ISO 8601 period of whole years, months and days (P10Y, P6M,
// P1Y6M, P90D, P0D; no weeks, no time part) to an RFC 3339 UTC time
// ("2024-02-29T08:00:00Z"). Years and months first, clamping the day to the
// month's length (2024-02-29 + P1Y = 2025-02-28, 2024-01-31 + P1M =
// 2024-02-29), then days. The time of day is kept. P0D returns the input.
// retention.bad_period for a malformed period, a number over 9999 or a
// result after year 9999; retention.bad_date for a malformed time.
StatusOr<std::string> AddCalendarPeriod(const std::string& rfc3339_utc,
                                        const std::string& iso_period);

// A period as loaded: permanent, or whole years, months and days.
struct RetentionPeriod {
  bool permanent = false;
  int years = 0, months = 0, days = 0;
};

// One rule of retention.json, keyed by document type.
struct RetentionRule {
  std::string key;                            // document type key, or "default"
  std::string label;                          // shown in reasons ("合同")
  std::string anchor;                         // "ingest", "event" or a metadata date field
  std::vector<std::string> fallback_anchors;  // tried in order when empty
  std::string event;                          // with anchor "event"
  RetentionPeriod period;
  bool after_year_end = false;  // count from 1 January after the anchor's year
};

struct RetentionDecision {
  bool permanent = false;      // never due
  bool event_pending = false;  // runs from an event not yet (validly) recorded
  // "ingest", the metadata field used (e.g. "contract_end_date"), or
  // "event:<name>".
  std::string anchor;
  std::string anchor_date;  // RFC 3339 UTC; empty when unknown
  std::string period;       // effective ISO period (P10Y); empty when permanent
  std::string due_at;       // RFC 3339 UTC; empty when not due
  std::string rule;         // the rule key applied ("contract", "default")
  // Human readable, e.g. "合同: 10 years from contract_end_date 2020-06-30".
  std::string reason;
};

class RetentionPolicy {
 public:
  // retention.policy_invalid, naming the offending field
  // ("retention.json: rules.contract.period: ...").
  static StatusOr<std::unique_ptr<RetentionPolicy>> FromJson(const std::string& json);

  // `events`: the dates recorded for the document's events by name
  // ({"business_ended": "2025-01-01T00:00:00Z"}; YYYY-MM-DD also accepted),
  // possibly empty.
  RetentionDecision Decide(const DocumentRecord& doc,
                           const std::map<std::string, std::string>& events) const;

  // True when `d` has a due time, is not permanent nor pending, and
  // due_at <= now (to the second).
  bool Expired(const RetentionDecision& d, TimePoint now) const;

  // By document type key; always holds "default".
  const std::map<std::string, RetentionRule>& rules() const { return rules_; }
  // By retention_class key.
  const std::map<std::string, RetentionPeriod>& classes() const { return classes_; }

 private:
  RetentionPolicy() = default;

  std::map<std::string, RetentionRule> rules_;
  std::map<std::string, RetentionPeriod> classes_;
};

}  // namespace vault
