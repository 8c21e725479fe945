// Request framing: is a request complete in the bytes a connection has
// queued, and is it framed unambiguously (RFC 9112 sections 6 and 5.2)?
//
// vaultd hands a connection to a worker thread only when its request head,
// and a small body, are already queued in the kernel (see WaitingRoom), so a
// client that sends slowly or not at all never holds a worker. The waiting
// room peeks at the queued bytes and asks CheckQueuedRequest() what they
// hold. The same rules are checked again on the parsed head in the worker
// (CheckParsedFraming), which is what covers TLS connections, whose queued
// bytes are encrypted.
//
// Refused as ambiguous (request smuggling behind a proxy): more than one
// Content-Length field, a comma list in it, Content-Length with
// Transfer-Encoding, any Transfer-Encoding other than exactly "chunked",
// obsolete line folding, a header line without a colon, whitespace before
// the colon, and bare LF line ends.
//
// Also the request target's path (DecodePath). Pure functions; thread-safe.
#pragma once

#include <Poco/Net/HTTPRequest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vault/base/status.h"

namespace vaultd {

struct FramingLimits {
  // The whole head (request line, fields, blank line) must fit in this.
  size_t max_head_bytes = 64 * 1024;
  // Bodies up to this size (Content-Length or chunked) must be queued whole
  // before a worker takes the request; larger bodies are streamed by the
  // handler after it authenticated the caller.
  size_t max_waited_body_bytes = 64 * 1024;
};

struct QueuedRequest {
  enum class State {
    kIncomplete,  // wait for more bytes
    kReady,       // hand to a worker
    kRejected,    // answer 400 and close; `error` says why
  };
  State state = State::kIncomplete;
  vault::Status error;
  size_t head_bytes = 0;  // when the head is complete
};

// Looks at the bytes queued on a connection (a prefix of what the client
// sent). `bytes` may end anywhere.
QueuedRequest CheckQueuedRequest(std::string_view bytes, const FramingLimits& limits);

// The same framing rules on a head Poco parsed (duplicate or listed
// Content-Length, Transfer-Encoding other than exactly "chunked", both at
// once). Status::Ok() when the framing is unambiguous.
vault::Status CheckParsedFraming(const Poco::Net::HTTPRequest& req);

// The path of a request target (without its query) as decoded segments.
// Splits the raw path at its slashes, then decodes each segment, so that an
// encoded slash (%2F) stays inside its segment instead of becoming a
// separator; it is refused outright, like "//", "." and "..", which no route
// uses and which proxies and file systems read differently. One trailing
// slash is allowed. request.bad_path otherwise.
vault::Status DecodePath(const std::string& raw, std::vector<std::string>* segments);

}  // namespace vaultd
