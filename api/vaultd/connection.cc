#include "api/vaultd/connection.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>

#include <chrono>

#include "api/vaultd/connections.h"
#include "api/vaultd/request_framing.h"
#include "api/vaultd/server_session.h"
#include "api/vaultd/exchange.h"
#include "vault/base/hex.h"
#include "vault/crypto/secret_key.h"

namespace vaultd {
namespace {

using Poco::Net::HTTPResponse;

// The request head could not be parsed, so there is no request object to
// answer through: write the error response directly and audit it.
void RejectUnparsable(Ctx& ctx, Poco::Net::StreamSocket& socket, const std::string& status_line,
                      const std::string& code, const std::string& message) {
  uint8_t rnd[8];
  vault::RandomBytes(rnd, sizeof rnd);
  const std::string request_id = vault::HexEncode(rnd, sizeof rnd);
  ctx.metrics->rejected++;
  std::string client = "-";
  try {
    client = socket.peerAddress().host().toString();
  } catch (const Poco::Exception&) {
  }
  ctx.log->Write(LogLevel::kWarning, "http.rejected", {{"request_id", request_id}, {"client", client}, {"error", code}});
  const vault::AuditRecord r{"-", "-", "request.rejected", "-", "error", client, request_id, code};
  if (!ctx.vault->audit().Append(r).ok()) ctx.metrics->audit_failures++;
  const std::string body = "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}";
  const std::string head = "HTTP/1.1 " + status_line + "\r\nContent-Type: application/json; charset=utf-8\r\n"
                           "Content-Length: " + std::to_string(body.size()) +
                           "\r\nX-Request-Id: " + request_id + "\r\nConnection: close\r\n\r\n";
  try {
    const std::string bytes = head + body;
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    // Closing with unread request bytes would send a reset that can destroy
    // the answer at the client: end our side, then drain briefly.
    socket.shutdownSend();
    socket.setReceiveTimeout(Poco::Timespan(0, 200 * 1000));
    char sink[4096];
    for (int i = 0; i < 64 && socket.receiveBytes(sink, sizeof sink) > 0; ++i) {
    }
  } catch (const Poco::Exception&) {
    // The client is gone or slow; nothing more to do.
  }
}

void RejectBadHead(Ctx& ctx, Poco::Net::StreamSocket& socket) {
  RejectUnparsable(ctx, socket, "400 Bad Request", "request.bad_header",
                   "the request line or headers are malformed or too large (at most 100 fields, "
                   "names of 256 and values of 8192 bytes)");
}

void SendInternalError(Poco::Net::HTTPServerResponseImpl& resp) {
  std::string body = "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}";
  resp.setStatusAndReason(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
  resp.setContentType("application/json");
  resp.setContentLength64(static_cast<Poco::Int64>(body.size()));
  resp.setKeepAlive(false);
  resp.sendBuffer(body.data(), body.size());
}

// One line per request in the operational log: what was asked (method and
// path, never the query, headers or body), by whom, and the answer.
void LogRequest(Ctx& ctx, const Exchange& ex, Poco::Net::HTTPServerRequestImpl& req,
                Poco::Net::HTTPServerResponseImpl& resp, std::chrono::steady_clock::time_point started) {
  const int status = static_cast<int>(resp.getStatus());
  // 503 is flow control (busy, stopping, too many connections) or a database
  // that went away: worth a look, not a fault of vaultd's.
  const LogLevel level = status == 503 ? LogLevel::kWarning : status >= 500 ? LogLevel::kError : LogLevel::kInfo;
  if (!ctx.log->Enabled(level)) return;
  const std::string& uri = req.getURI();
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
  std::vector<LogField> fields{{"request_id", ex.request_id()},
                               {"method", req.getMethod()},
                               {"path", uri.substr(0, uri.find('?'))},
                               {"status", status},
                               {"duration_ms", static_cast<int64_t>(micros / 1000)},
                               {"client", ex.client()}};
  // Only an authenticated user: the name a failed login typed may be a
  // password typed into the wrong field.
  if (!ex.subject().role.empty()) fields.emplace_back("user", ex.subject().username);
  if (!ex.error_code().empty()) fields.emplace_back("error", ex.error_code());
  if (!ex.internal_message().empty()) fields.emplace_back("message", ex.internal_message());
  ctx.log->Write(level, "http.request", fields);
}

void Serve(Ctx& ctx, const ConnectionRef& conn, Poco::Net::HTTPServerRequestImpl& req,
           Poco::Net::HTTPServerResponseImpl& resp) {
  const auto started = std::chrono::steady_clock::now();
  Exchange ex(ctx, conn, req, resp);
  try {
    ex.Serve();
  } catch (const std::exception&) {
    ctx.metrics->errors++;
    if (resp.sent()) {
      AbortConnection(req);
    } else {
      SendInternalError(resp);
    }
  }
  // Every request gets an answer, even from a handler that forgot one.
  if (!resp.sent()) {
    ctx.metrics->errors++;
    SendInternalError(resp);
  }
  LogRequest(ctx, ex, req, resp, started);
}

using After = AfterServe;

After ServeRequests(Ctx& ctx, Poco::Net::HTTPServerParams::Ptr params, ClientConnection& c) {
  Connections& registry = *ctx.connections;
  Poco::Net::StreamSocket& socket = c.socket;
  if (!c.rejection.ok()) {
    // The waiting room found the queued head malformed or ambiguous.
    RejectUnparsable(ctx, socket, "400 Bad Request", c.rejection.reason(), c.rejection.message());
    return After::kClose;
  }
  const auto head_timeout = std::chrono::seconds(ctx.options->request_head_timeout_seconds);
  try {
    if (!c.session) c.session = std::make_unique<ServerSession>(socket, params);
    ServerSession& session = *c.session;
    for (;;) {
      bool keep_alive = false;
      bool had_body = false;
      {
        registry.SetBusy(c.id, true);
        // The whole head (TLS handshake included) by its deadline, however
        // the client paces it: the watchdog cuts the socket otherwise.
        registry.SetReadDeadline(c.id, std::chrono::steady_clock::now() + head_timeout);
        Poco::Net::HTTPServerResponseImpl resp(session);
        Poco::Net::HTTPServerRequestImpl req(resp, session, params.get());  // reads the head
        registry.ClearReadDeadline(c.id);
        if (req.getVersion() != Poco::Net::HTTPMessage::HTTP_1_1 &&
            req.getVersion() != Poco::Net::HTTPMessage::HTTP_1_0) {
          RejectUnparsable(ctx, socket, "505 HTTP Version Not Supported", "request.bad_version",
                           "only HTTP/1.0 and HTTP/1.1 are served");
          return After::kClose;
        }
        if (vault::Status framing = CheckParsedFraming(req); !framing.ok()) {
          RejectUnparsable(ctx, socket, "400 Bad Request", framing.reason(), framing.message());
          return After::kClose;
        }
        resp.setDate(Poco::Timestamp());
        resp.setVersion(req.getVersion());
        resp.setKeepAlive(params->getKeepAlive() && req.getKeepAlive() && session.canKeepAlive());
        // 100 Continue is sent by the handler, once it authenticated and
        // authorized the caller (Exchange::Body).
        Serve(ctx, ConnectionRef{&registry, c.id}, req, resp);
        keep_alive = params->getKeepAlive() && resp.getKeepAlive() && session.canKeepAlive();
        had_body = req.getChunkedTransferEncoding() || req.getContentLength64() > 0;
      }  // the response is flushed here, before the connection counts as idle
      registry.ClearReadDeadline(c.id);
      registry.SetBusy(c.id, false);
      // A request with a body that ends the connection may have been
      // answered before its body was read (refused up front): linger.
      if (!keep_alive || ctx.stopping->load()) return had_body ? After::kLinger : After::kClose;
      // A pipelined request already read into the session is served here;
      // otherwise the connection waits in the room, not on this worker.
      if (session.Buffered() > 0 || (c.tls && socket.available() > 0)) continue;
      return After::kPark;
    }
  } catch (const Poco::Net::NoMessageException&) {
    return After::kClose;  // the client closed the connection
  } catch (const Poco::Net::MessageException&) {
    RejectBadHead(ctx, socket);
  } catch (const Poco::SyntaxException&) {
    RejectBadHead(ctx, socket);  // e.g. Content-Length: x
  } catch (const Poco::Exception&) {
    // Network errors (reset, timeout, watchdog, TLS failure) end the connection.
  }
  return After::kClose;
}

}  // namespace

AfterServe ServeConnection(Ctx& ctx, const Poco::Net::HTTPServerParams::Ptr& params, ClientConnection& c) {
  After after = After::kClose;
  try {
    after = ServeRequests(ctx, params, c);
  } catch (const std::exception&) {
    after = After::kClose;
  }
  ctx.connections->ClearReadDeadline(c.id);
  ctx.connections->SetBusy(c.id, false);
  return after;
}

}  // namespace vaultd
