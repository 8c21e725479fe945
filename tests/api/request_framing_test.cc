// CheckQueuedRequest: when a queued request is complete, and which framings
// are refused as ambiguous (the waiting room's half of the smuggling rules).
#include "api/vaultd/request_framing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vaultd {
namespace {

using State = QueuedRequest::State;

QueuedRequest Check(const std::string& bytes) { return CheckQueuedRequest(bytes, FramingLimits{}); }

void ExpectRejected(const std::string& bytes, const std::string& reason) {
  QueuedRequest q = Check(bytes);
  EXPECT_EQ(q.state, State::kRejected) << bytes;
  EXPECT_EQ(q.error.reason(), reason) << bytes;
}

TEST(RequestFramingTest, AHeadWithoutItsBlankLineIsIncomplete) {
  EXPECT_EQ(Check("").state, State::kIncomplete);
  EXPECT_EQ(Check("GET / HTTP/1.1\r\nHost: x\r\n").state, State::kIncomplete);
  EXPECT_EQ(Check("GET / HTTP/1.1\r\nHost: x\r\n\r").state, State::kIncomplete);
  EXPECT_EQ(Check("GET / HTTP/1.1\r\nHost: x\r\n\r\n").state, State::kReady);
  EXPECT_EQ(Check("\r\nGET / HTTP/1.1\r\n\r\n").state, State::kReady);  // one empty line before is allowed
}

TEST(RequestFramingTest, SmallBodiesMustBeQueuedWhole) {
  const std::string head = "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n";
  EXPECT_EQ(Check(head).state, State::kIncomplete);
  EXPECT_EQ(Check(head + "12345").state, State::kIncomplete);
  EXPECT_EQ(Check(head + "1234567890").state, State::kReady);
  const std::string chunked = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(Check(chunked + "5\r\nhello\r\n").state, State::kIncomplete);
  EXPECT_EQ(Check(chunked + "5\r\nhello\r\n0\r\n").state, State::kIncomplete);
  EXPECT_EQ(Check(chunked + "5\r\nhello\r\n0\r\n\r\n").state, State::kReady);
}

TEST(RequestFramingTest, LargeBodiesAndExpectContinueGoToAWorkerAfterTheHead) {
  EXPECT_EQ(Check("POST /x HTTP/1.1\r\nContent-Length: 10000000\r\n\r\n").state, State::kReady);
  EXPECT_EQ(Check("POST /x HTTP/1.1\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n").state, State::kReady);
}

TEST(RequestFramingTest, OversizedHeadIsRefusedBeforeItEnds) {
  ExpectRejected("GET / HTTP/1.1\r\nX: " + std::string(70000, 'a'), "request.bad_header");
}

TEST(RequestFramingTest, DuplicateOrListedContentLengthIsAmbiguous) {
  ExpectRejected("POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "request.ambiguous_length");
  ExpectRejected("POST /x HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 6\r\n\r\nhello", "request.ambiguous_length");
  ExpectRejected("POST /x HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nhello", "request.ambiguous_length");
  ExpectRejected("POST /x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                 "request.ambiguous_length");
  ExpectRejected("POST /x HTTP/1.1\r\nContent-Length: +5\r\n\r\nhello", "request.bad_header");
}

TEST(RequestFramingTest, TransferEncodingOtherThanExactlyChunkedIsRefused) {
  for (const char* te : {"gzip", "chunked, identity", "identity", "gzip, chunked", "xchunked", "chunked;q=1"}) {
    ExpectRejected(std::string("POST /x HTTP/1.1\r\nTransfer-Encoding: ") + te + "\r\n\r\n",
                   "request.bad_transfer_encoding");
  }
  ExpectRejected("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                 "request.bad_transfer_encoding");
  EXPECT_EQ(Check("POST /x HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n").state, State::kReady);
}

TEST(RequestFramingTest, ObsFoldColonlessLinesAndBareLineFeedsAreRefused) {
  ExpectRejected("GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n", "request.bad_header");
  ExpectRejected("GET / HTTP/1.1\r\nX-A: one\r\n\ttwo\r\n\r\n", "request.bad_header");
  ExpectRejected("GET / HTTP/1.1\r\nNoColonHere\r\n\r\n", "request.bad_header");
  ExpectRejected("GET / HTTP/1.1\r\nContent-Length : 5\r\n\r\nhello", "request.bad_header");
  ExpectRejected("GET / HTTP/1.1\r\nHost: x\n\r\n", "request.bad_header");
  ExpectRejected("GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n", "request.bad_header");
}

}  // namespace
}  // namespace vaultd
