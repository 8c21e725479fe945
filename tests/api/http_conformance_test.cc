// Request framing over the real server (RFC 9112): ambiguous lengths,
// transfer codings, obs-fold, colonless lines and path tricks each get a 4xx
// JSON error with a stable code and, where the RFC requires it, a closed
// connection; reason phrases match the status; 100 Continue comes only
// after the caller is authenticated and authorized.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "api/vaultd/exchange.h"
#include "tests/api/raw_client.h"
#include "tests/api/vaultd_fixture.h"

namespace vault::testing {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

struct Case {
  const char* name;
  std::string bytes;
  const char* status;  // the expected status line after "HTTP/1.1 "
  const char* code;
};

class HttpConformanceTest : public VaultdTest {};

// A full disk (blob write ENOSPC/EDQUOT, SQLITE_FULL) is 507 Insufficient
// Storage; other exhausted resources stay 413 (tests/crash/disk_full_test.sh
// goes through the real server on a full tmpfs).
TEST(HttpStatusTest, AFullDiskIs507) {
  EXPECT_EQ(vaultd::HttpStatusFor(ResourceExhaustedError("storage.no_space", "writing blob: no space left")), 507);
  EXPECT_EQ(vaultd::HttpStatusFor(ResourceExhaustedError("upload.too_large", "too large")), 413);
}

TEST_F(HttpConformanceTest, AmbiguousFramingIsRefusedAndTheConnectionClosed) {
  const std::string post = "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\n";
  const std::string body = "{\"username\":\"a\"}";
  const std::string len = std::to_string(body.size());
  const std::vector<Case> cases = {
      {"two equal Content-Length", post + "Content-Length: " + len + "\r\nContent-Length: " + len + "\r\n\r\n" + body,
       "400 Bad Request", "request.ambiguous_length"},
      {"two different Content-Length", post + "Content-Length: " + len + "\r\nContent-Length: 3\r\n\r\n" + body,
       "400 Bad Request", "request.ambiguous_length"},
      {"Content-Length list", post + "Content-Length: " + len + ", " + len + "\r\n\r\n" + body, "400 Bad Request",
       "request.ambiguous_length"},
      {"Content-Length and chunked", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "400 Bad Request", "request.ambiguous_length"},
      {"Transfer-Encoding gzip", post + "Transfer-Encoding: gzip\r\n\r\n", "400 Bad Request",
       "request.bad_transfer_encoding"},
      {"Transfer-Encoding list", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", "400 Bad Request",
       "request.bad_transfer_encoding"},
      {"Transfer-Encoding chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
       "400 Bad Request", "request.bad_transfer_encoding"},
      {"two Transfer-Encoding", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       "400 Bad Request", "request.bad_transfer_encoding"},
      {"obs-fold", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n", "400 Bad Request",
       "request.bad_header"},
      {"header without colon", "GET /healthz HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n", "400 Bad Request",
       "request.bad_header"},
      {"space before colon", "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", "400 Bad Request", "request.bad_header"},
      {"bare LF", "GET /healthz HTTP/1.1\nHost: x\n\n", "400 Bad Request", "request.bad_header"},
  };
  for (const Case& c : cases) {
    RawReply r = RawRequest(server_->port(), c.bytes);
    EXPECT_EQ(r.status_line(), std::string("HTTP/1.1 ") + c.status) << c.name << "\n" << r.bytes;
    EXPECT_THAT(r.bytes, HasSubstr(std::string("\"code\":\"") + c.code + "\"")) << c.name;
    EXPECT_THAT(r.bytes, HasSubstr("Connection: close")) << c.name;
    EXPECT_TRUE(r.closed) << c.name << ": the connection stayed open";
    EXPECT_EQ(r.bytes.find("HTTP/1.1", 1), std::string::npos) << c.name << ": a second response";
  }
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
}

TEST_F(HttpConformanceTest, EncodedSlashesAndEmptySegmentsAreRefused) {
  const std::string token = Login("archivist");
  for (const std::string& path : std::vector<std::string>{"/api/v1/documents%2F" + south_.id, "/api/v1%2Fdocuments",
                                 "/api/v1/documents/" + south_.id + "%2fversions", "//api/v1/documents",
                                 "/api/v1//documents", "/api/v1/documents/%2e%2e/users"}) {
    Reply r = Call("GET", path, token);
    EXPECT_EQ(r.status, 400) << path << " " << r.body;
    EXPECT_EQ(r.error_code(), "request.bad_path") << path;
  }
  EXPECT_EQ(Call("GET", "/api/v1/documents/" + south_.id, token).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/documents/", token).status, 200);  // one trailing slash is fine
}

TEST_F(HttpConformanceTest, ReasonPhrasesMatchTheStatus) {
  EXPECT_EQ(RawRequest(server_->port(), "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status_line(),
            "HTTP/1.1 404 Not Found");
  EXPECT_EQ(RawRequest(server_->port(), "GET /api/v1/documents HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .status_line(),
            "HTTP/1.1 401 Unauthorized");
  const std::string staff = Login("staff_s");
  EXPECT_EQ(RawRequest(server_->port(), "GET /api/v1/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + staff +
                                            "\r\nConnection: close\r\n\r\n")
                .status_line(),
            "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(RawRequest(server_->port(), "DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .status_line(),
            "HTTP/1.1 405 Method Not Allowed");
  EXPECT_EQ(RawRequest(server_->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .status_line(),
            "HTTP/1.1 200 OK");
}

TEST_F(HttpConformanceTest, ContinueIsSentOnlyAfterAuthenticationAndAuthorization) {
  // Nobody logged in: the answer is 401 at once, never an invitation to send
  // 256 MiB.
  const std::string upload_head = "POST /api/v1/trace HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n"
                                  "Content-Length: 268435456\r\nExpect: 100-continue\r\n";
  RawReply anonymous = RawRequest(server_->port(), upload_head + "\r\n", 3000ms);
  EXPECT_EQ(anonymous.status_line(), "HTTP/1.1 401 Unauthorized") << anonymous.bytes;
  EXPECT_THAT(anonymous.bytes, ::testing::Not(HasSubstr("100 Continue")));
  // Logged in, but staff may not trace: 403, still no 100.
  const std::string staff = Login("staff_s");
  RawReply denied =
      RawRequest(server_->port(), upload_head + "Authorization: Bearer " + staff + "\r\n\r\n", 3000ms);
  EXPECT_EQ(denied.status_line(), "HTTP/1.1 403 Forbidden") << denied.bytes;
  EXPECT_THAT(denied.bytes, ::testing::Not(HasSubstr("100 Continue")));
  // An archive admin may: 100 Continue first, then the answer about the body.
  const std::string admin = Login("archivist");
  int fd = ConnectFrom("127.0.0.1", server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(fd, "POST /api/v1/trace HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n"
                          "Content-Length: 9\r\nExpect: 100-continue\r\nAuthorization: Bearer " + admin + "\r\n\r\n"));
  char buf[256];
  pollfd p{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 3000), 1);
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)).rfind("HTTP/1.1 100 Continue", 0), 0u);
  SendAll(fd, "not a pdf");
  RawReply rest = ReadUntilClosed(fd, 3000ms);
  ::close(fd);
  EXPECT_THAT(rest.bytes, HasSubstr("HTTP/1.1 404 Not Found")) << rest.bytes;
  EXPECT_THAT(rest.bytes, HasSubstr("trace.not_found"));
}

TEST_F(HttpConformanceTest, KeepAliveConnectionsServeRequestsAfterAPauseAndPipelined) {
  // Between requests the connection waits in the waiting room, not on a
  // worker; it must come back for the next request, and two requests sent
  // in one packet must both be answered, in order.
  int fd = ConnectFrom("127.0.0.1", server_->port());
  ASSERT_GE(fd, 0);
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(SendAll(fd, get));
    RawReply r = ReadUntilClosed(fd, 300ms);
    EXPECT_EQ(r.status_line(), "HTTP/1.1 200 OK") << i;
    EXPECT_FALSE(r.closed) << i;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_TRUE(SendAll(fd, get + "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  RawReply both = ReadUntilClosed(fd, 3000ms);
  ::close(fd);
  EXPECT_TRUE(both.closed);
  const size_t second = both.bytes.find("HTTP/1.1 404 Not Found");
  EXPECT_EQ(both.bytes.rfind("HTTP/1.1 200 OK", 0), 0u) << both.bytes;
  EXPECT_NE(second, std::string::npos) << both.bytes;
}

TEST_F(HttpConformanceTest, AnAnswerGivenBeforeTheBodyIsReadIsNotLostToAReset) {
  // Refused from the head (no credentials) while the client is still
  // sending 4 MiB: vaultd stops sending and discards the rest for a moment
  // instead of closing at once, which would reset the connection and could
  // destroy the 401 before the client read it.
  const std::string body(4 << 20, 'x');
  for (int i = 0; i < 5; ++i) {
    int fd = ConnectFrom("127.0.0.1", server_->port());
    ASSERT_GE(fd, 0);
    // Like most clients: the whole request first, then the answer.
    const bool sent =
        SendAll(fd, "POST /api/v1/trace HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n") &&
        SendAll(fd, body);
    EXPECT_TRUE(sent) << "round " << i << ": the connection was reset while the body was being sent";
    RawReply r = ReadUntilClosed(fd, 5000ms);
    ::close(fd);
    EXPECT_EQ(r.status_line(), "HTTP/1.1 401 Unauthorized") << "round " << i << ": " << r.bytes.size() << " bytes";
  }
}

}  // namespace
}  // namespace vault::testing
