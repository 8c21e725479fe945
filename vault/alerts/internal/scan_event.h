// The audit event a rule looks at, with what every rule needs of it.
#pragma once

#include <string>

#include "vault/alerts/alert_scanner.h"

namespace vault {

struct AlertScanner::Event {
  const AuditEvent& audit;
  TimePoint time;
  // The user, or "client ADDRESS" for a request without one.
  std::string subject;
  bool anonymous = false;
};

}  // namespace vault
