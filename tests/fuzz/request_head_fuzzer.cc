// libFuzzer target for the request head and path parser: arbitrary bytes as
// what a client queued on a connection (CheckQueuedRequest), then, when the
// waiting room would hand it on, Poco's parse of the head, the framing rules
// on the parsed head (CheckParsedFraming), the path (DecodePath) and the
// route table (MatchRoute). A verdict or a Status, never a crash.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "api/vaultd/request_framing.h"
#include "api/vaultd/routes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  vaultd::FramingLimits limits;
  limits.max_head_bytes = 8 * 1024;  // small, so the limit itself is reached
  limits.max_waited_body_bytes = 4 * 1024;
  // Every prefix a slow client could have queued must give a verdict too.
  (void)vaultd::CheckQueuedRequest(bytes.substr(0, size / 2), limits);
  const vaultd::QueuedRequest q = vaultd::CheckQueuedRequest(bytes, limits);
  if (q.state != vaultd::QueuedRequest::State::kReady) return 0;
  Poco::Net::HTTPRequest req;
  std::istringstream in{std::string(bytes)};
  try {
    req.read(in);
  } catch (const Poco::Exception&) {
    return 0;  // Poco refuses it: answered 400 by the server
  }
  if (!vaultd::CheckParsedFraming(req).ok()) return 0;
  const std::string& uri = req.getURI();
  std::vector<std::string> segments;
  if (!vaultd::DecodePath(uri.substr(0, uri.find('?')), &segments).ok()) return 0;
  vaultd::PathParams params;
  std::string allowed;
  const vaultd::Route* route = vaultd::MatchRoute(req.getMethod(), segments, &params, &allowed);
  if (route && params.size() > segments.size()) __builtin_trap();  // a parameter is one segment
  return 0;
}
