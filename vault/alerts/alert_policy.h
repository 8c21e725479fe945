// AlertPolicy: the anomaly rules of policies/alerts.json, validated.
//
// Five kinds of rule, each with a stable id that alerts carry:
//   bursts       at least `threshold` ok events of some actions by one user
//                within `window` (exports, views);
//   denials      at least `threshold` denied events by one user (or, for
//                requests without a user, one client address) within
//                `window` (probing);
//   after_hours  an ok event of some actions on a record of some
//                classifications outside working hours (fixed UTC offset,
//                working days, [day_start, day_end) local time);
//   loans        an ok event of some actions, not made under a loan, by a
//                user of some roles on a record of some classifications;
//   new_address  a login from a client address the user never logged in
//                from before (a user's first login sets the baseline).
// `window` also bounds merging: a matching event within `window` of an open
// alert's last evidence joins that alert instead of raising another.
//
// Immutable after loading; safe to share between threads. Pure.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault {

struct AlertRuleBase {
  std::string id;
  bool enabled = true;
  std::chrono::seconds window{0};
};

struct BurstRule : AlertRuleBase {
  std::vector<std::string> actions;
  int64_t threshold = 0;
};

struct DenialRule : AlertRuleBase {
  int64_t threshold = 0;
  // Refusals whose reason (the event's detail) is one of these do not count:
  // a browser asking for its session before logging in (auth.missing_token)
  // or with an expired one is routine, not probing.
  std::vector<std::string> ignore_reasons;
};

struct AfterHoursRule : AlertRuleBase {
  std::vector<std::string> actions;
  std::vector<std::string> classifications;
  int utc_offset_minutes = 0;
  std::vector<int> working_days;  // 1 = Monday .. 7 = Sunday
  int day_start_minute = 0;       // minutes after local midnight, inclusive
  int day_end_minute = 0;         // exclusive
};

struct LoanNeededRule : AlertRuleBase {
  std::vector<std::string> actions;
  std::vector<std::string> roles;
  std::vector<std::string> classifications;
};

struct NewAddressRule : AlertRuleBase {};

class AlertPolicy {
 public:
  // alerts.policy_invalid naming the field ("alerts.json: bursts[0].window: ...").
  static StatusOr<std::unique_ptr<AlertPolicy>> FromJson(const std::string& json);

  const std::vector<std::string>& notify_roles() const { return notify_roles_; }
  const std::vector<BurstRule>& bursts() const { return bursts_; }
  const DenialRule& denials() const { return denials_; }
  const AfterHoursRule& after_hours() const { return after_hours_; }
  const LoanNeededRule& loans() const { return loans_; }
  const NewAddressRule& new_address() const { return new_address_; }

  // Whether the instant `t` falls inside after_hours()' working hours
  // (local day and time at its UTC offset).
  bool WithinWorkingHours(std::chrono::system_clock::time_point t) const;

 private:
  AlertPolicy() = default;
  std::vector<std::string> notify_roles_;
  std::vector<BurstRule> bursts_;
  DenialRule denials_;
  AfterHoursRule after_hours_;
  LoanNeededRule loans_;
  NewAddressRule new_address_;
};

}  // namespace vault
