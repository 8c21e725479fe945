// vaultd --check-config: reads vaultd's configuration the way a start would
// and checks what a start needs, without starting: the listen address, the
// data directory (initialized, writable, private), the master key file
// (present, readable, mode 0600, outside the data directory, a valid key
// ring), the metadata database (reachable, schema not newer than this
// binary), the policies, the TLS files, the web UI, the log settings and the
// certificate wording. It changes nothing (no migration, no key, no audit
// event).
//
// Every problem is one line naming the key and a stable reason code; the
// output never contains key bytes, passwords or a database password
// (PostgreSQL settings are printed redacted).
//
// Thread-safety: a pure function of the configuration and the file system.
#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <cstdint>
#include <ostream>
#include <string>

#include "vault/base/status.h"

namespace vaultd {

// "HOST:PORT" or "[IPv6]:PORT" into its parts; config.listen when malformed.
vault::Status ParseListenAddress(const std::string& listen, std::string* host, uint16_t* port);

// Writes one line per check to `out` ("ok: ...", "warning: ...",
// "error [reason]: ...") and a summary; true when no check failed
// (warnings do not fail).
bool CheckConfiguration(const Poco::Util::AbstractConfiguration& config, std::ostream& out);

}  // namespace vaultd
