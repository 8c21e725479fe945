#include "api/vaultd/connection.h"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Exception.h>
#include <Poco/Timestamp.h>

#include "api/vaultd/connections.h"
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
  vault::AuditRecord r;
  r.actor = "-";
  r.role = "-";
  r.action = "request.rejected";
  r.object = "-";
  r.outcome = "error";
  try {
    r.client = socket.peerAddress().host().toString();
  } catch (const Poco::Exception&) {
    r.client = "-";
  }
  r.request_id = request_id;
  r.detail = code;
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
  resp.setStatus(HTTPResponse::HTTP_INTERNAL_SERVER_ERROR);
  resp.setContentType("application/json");
  resp.setContentLength64(static_cast<Poco::Int64>(body.size()));
  resp.setKeepAlive(false);
  resp.sendBuffer(body.data(), body.size());
}

void Serve(Ctx& ctx, Poco::Net::HTTPServerRequestImpl& req, Poco::Net::HTTPServerResponseImpl& resp) {
  try {
    Exchange(ctx, req, resp).Serve();
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
}

}  // namespace

VaultConnection::VaultConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                                 std::shared_ptr<Ctx> ctx)
    : Poco::Net::TCPServerConnection(socket), params_(std::move(params)), ctx_(std::move(ctx)) {}

void VaultConnection::run() {
  Ctx& ctx = *ctx_;
  Connections& registry = *ctx.connections;
  const uint64_t id = registry.Add(socket());
  struct Deregister {
    Connections& registry;
    uint64_t id;
    ~Deregister() { registry.Remove(id); }
  } deregister{registry, id};
  try {
    Poco::Net::HTTPServerSession session(socket(), params_);
    while (!ctx.stopping->load() && session.hasMoreRequests()) {
      try {
        {
          Poco::Net::HTTPServerResponseImpl resp(session);
          Poco::Net::HTTPServerRequestImpl req(resp, session, params_.get());  // reads the head
          if (req.getVersion() != Poco::Net::HTTPMessage::HTTP_1_1 &&
              req.getVersion() != Poco::Net::HTTPMessage::HTTP_1_0) {
            RejectUnparsable(ctx, socket(), "505 HTTP Version Not Supported", "request.bad_version",
                             "only HTTP/1.0 and HTTP/1.1 are served");
            break;
          }
          registry.SetBusy(id, true);
          resp.setDate(Poco::Timestamp());
          resp.setVersion(req.getVersion());
          resp.setKeepAlive(params_->getKeepAlive() && req.getKeepAlive() && session.canKeepAlive());
          if (req.getExpectContinue() && resp.getStatus() == HTTPResponse::HTTP_OK) resp.sendContinue();
          Serve(ctx, req, resp);
          session.setKeepAlive(params_->getKeepAlive() && resp.getKeepAlive() && session.canKeepAlive());
        }  // the response is flushed here, before the connection counts as idle
        registry.SetBusy(id, false);
      } catch (const Poco::Net::NoMessageException&) {
        break;  // the client closed an idle connection
      } catch (const Poco::Net::MessageException&) {
        RejectBadHead(ctx, socket());
        break;
      } catch (const Poco::SyntaxException&) {
        RejectBadHead(ctx, socket());  // e.g. Content-Length: x
        break;
      }
    }
  } catch (const Poco::Exception&) {
    // Network errors (reset, timeout, TLS failure) end the connection.
  }
}

}  // namespace vaultd
