// ServeConnection: vaultd's HTTP/1.1 request loop over Poco's request and
// response classes, run by a worker on a connection whose request is ready
// (see WaitingRoom), in place of Poco's HTTPServerConnection, so that
// (1) a request whose head cannot be parsed or is ambiguously framed still
// gets a JSON error with a stable code and is audited; (2) the head and the
// body are read under deadlines the watchdog enforces; (3) a keep-alive
// connection goes back to the waiting room between requests instead of
// holding the worker; and (4) shutdown is ours to bound (see Connections).
#pragma once

#include <Poco/Net/HTTPServerParams.h>

#include <memory>

#include "api/vaultd/client_connection.h"

namespace vaultd {

struct Ctx;

// Serves requests on `c` while they are buffered; says what becomes of the
// connection then.
AfterServe ServeConnection(Ctx& ctx, const Poco::Net::HTTPServerParams::Ptr& params, ClientConnection& c);

}  // namespace vaultd
