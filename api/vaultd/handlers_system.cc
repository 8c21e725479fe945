// GET /healthz and GET /metrics (Prometheus text format); no authentication.
#include <sstream>

#include "api/vaultd/connections.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"

namespace vaultd {

// The details name the settings that weaken a control, so monitoring sees them.
void HandleHealthz(Exchange& ex, const PathParams&) {
  const bool single_admin = ex.ctx().options->single_admin_role_grants;
  ex.SendJson(200, std::string("{\"status\":\"ok\",\"details\":{\"single_admin_role_grants\":") +
                       (single_admin ? "true" : "false") + "}}");
}

void HandleMetrics(Exchange& ex, const PathParams&) {
  const Metrics& m = *ex.ctx().metrics;
  std::ostringstream out;
  auto counter = [&](const char* name, const char* help, int64_t v) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n"
        << name << " " << v << "\n";
  };
  counter("vaultd_requests_total", "HTTP requests handled.", m.requests.load());
  counter("vaultd_denied_total", "Requests refused by the policy engine.", m.denied.load());
  counter("vaultd_errors_total", "Requests that failed with a server error.", m.errors.load());
  counter("vaultd_rejected_total", "Unroutable or malformed requests.", m.rejected.load());
  counter("vaultd_bytes_sent_total", "Body bytes sent.", m.bytes_sent.load());
  counter("vaultd_audit_failures_total", "Audit events that could not be written.", m.audit_failures.load());
  counter("vaultd_logins_refused_busy_total", "Logins refused because too many were being checked.",
          m.logins_refused_busy.load());
  counter("vaultd_connections_refused_total", "Connections refused by the per-client or global limit.",
          m.connections_refused.load());
  counter("vaultd_connections_evicted_total", "Idle connections closed to make room for new ones.",
          m.connections_evicted.load());
  counter("vaultd_request_timeouts_total", "Connections closed because a request head or body was late.",
          m.head_timeouts.load());
  counter("vaultd_memory_releases_total", "Times the free heap pages were given back to the system after a pause.",
          m.memory_releases.load());
  if (ex.ctx().fixity) {
    counter("vaultd_fixity_bytes_read_total", "Blob bytes the scheduled fixity has read (paced).",
            ex.ctx().fixity->bytes_read());
  }
  out << "# HELP vaultd_connections_open Open client connections.\n# TYPE vaultd_connections_open gauge\n"
      << "vaultd_connections_open " << ex.ctx().connections->size() << "\n";
  std::string body = out.str();
  ex.resp().setContentType("text/plain; version=0.0.4");
  ex.resp().setContentLength64(static_cast<Poco::Int64>(body.size()));
  ex.resp().sendBuffer(body.data(), body.size());
}

}  // namespace vaultd
