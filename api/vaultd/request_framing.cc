#include "api/vaultd/request_framing.h"

#include <Poco/String.h>
#include <Poco/URI.h>

#include <cctype>

namespace vaultd {
namespace {

using State = QueuedRequest::State;

QueuedRequest Reject(const char* reason, const std::string& message) {
  QueuedRequest q;
  q.state = State::kRejected;
  q.error = vault::InvalidArgumentError(reason, message);
  return q;
}

QueuedRequest Ready(size_t head_bytes) {
  QueuedRequest q;
  q.state = State::kReady;
  q.head_bytes = head_bytes;
  return q;
}

bool IsTokenChar(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Where a chunked body that starts at `body` ends, if it is queued whole:
// npos while incomplete. Malformed framing counts as "complete" here: the
// worker's parser refuses it with its own error.
size_t ChunkedBodyEnd(std::string_view bytes, size_t body) {
  size_t pos = body;
  for (int chunks = 0; chunks < 4096; ++chunks) {
    size_t eol = bytes.find("\r\n", pos);
    if (eol == std::string_view::npos) return std::string_view::npos;
    std::string_view line = bytes.substr(pos, eol - pos);
    line = line.substr(0, line.find(';'));  // chunk extensions
    uint64_t size = 0;
    size_t digits = 0;
    for (char c : Trim(line)) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) || ++digits > 15) return bytes.size();
      size = size * 16 + static_cast<uint64_t>(std::isdigit(static_cast<unsigned char>(c))
                                                    ? c - '0'
                                                    : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
    }
    if (digits == 0) return bytes.size();
    pos = eol + 2;
    if (size == 0) {
      // Trailer fields, then the empty line.
      for (;;) {
        size_t end = bytes.find("\r\n", pos);
        if (end == std::string_view::npos) return std::string_view::npos;
        if (end == pos) return end + 2;
        pos = end + 2;
      }
    }
    if (bytes.size() - pos < size + 2) return std::string_view::npos;
    pos += static_cast<size_t>(size) + 2;
  }
  return bytes.size();
}

}  // namespace

QueuedRequest CheckQueuedRequest(std::string_view bytes, const FramingLimits& limits) {
  size_t start = 0;
  while (bytes.substr(start, 2) == "\r\n") start += 2;  // RFC 9112 2.2: empty lines before the request line
  const size_t end = bytes.find("\r\n\r\n", start);
  const size_t searched = end == std::string_view::npos ? bytes.size() : end + 4;
  for (size_t i = start; i < searched; ++i) {
    if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
      return Reject("request.bad_header", "header lines must end with CRLF");
    }
  }
  if (end == std::string_view::npos) {
    if (bytes.size() - start > limits.max_head_bytes) {
      return Reject("request.bad_header", "the request head is larger than " +
                                              std::to_string(limits.max_head_bytes / 1024) + " KiB");
    }
    return QueuedRequest{};
  }
  const size_t head_bytes = end + 4;
  if (head_bytes - start > limits.max_head_bytes) {
    return Reject("request.bad_header",
                  "the request head is larger than " + std::to_string(limits.max_head_bytes / 1024) + " KiB");
  }
  int content_lengths = 0;
  uint64_t content_length = 0;
  int transfer_encodings = 0;
  bool chunked = false;
  bool expect_continue = false;
  size_t line_start = bytes.find("\r\n", start) + 2;  // after the request line
  while (line_start < end + 2) {
    const size_t line_end = bytes.find("\r\n", line_start);
    std::string_view line = bytes.substr(line_start, line_end - line_start);
    line_start = line_end + 2;
    if (line.front() == ' ' || line.front() == '\t') {
      return Reject("request.bad_header", "obsolete line folding is not accepted");
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Reject("request.bad_header", "a header line has no field name and colon");
    }
    std::string_view name = line.substr(0, colon);
    for (unsigned char c : name) {
      if (!IsTokenChar(c)) return Reject("request.bad_header", "a field name holds a character not allowed there");
    }
    std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsNoCase(name, "Content-Length")) {
      if (++content_lengths > 1) {
        return Reject("request.ambiguous_length", "send exactly one Content-Length field");
      }
      if (value.find(',') != std::string_view::npos) {
        return Reject("request.ambiguous_length", "Content-Length must be one number, not a list");
      }
      if (value.empty() || value.size() > 18) {
        return Reject("request.bad_header", "Content-Length must be a decimal number");
      }
      for (char c : value) {
        if (!std::isdigit(static_cast<unsigned char>(c))) {
          return Reject("request.bad_header", "Content-Length must be a decimal number");
        }
        content_length = content_length * 10 + static_cast<uint64_t>(c - '0');
      }
    } else if (EqualsNoCase(name, "Transfer-Encoding")) {
      if (++transfer_encodings > 1 || !EqualsNoCase(value, "chunked")) {
        return Reject("request.bad_transfer_encoding", "the only transfer coding accepted is exactly 'chunked'");
      }
      chunked = true;
    } else if (EqualsNoCase(name, "Expect")) {
      expect_continue = EqualsNoCase(value, "100-continue");
    }
  }
  if (chunked && content_lengths > 0) {
    return Reject("request.ambiguous_length", "send either Content-Length or chunked encoding, not both");
  }
  // A client that asked for 100 Continue waits for it before its body.
  if (expect_continue) return Ready(head_bytes);
  const size_t queued_body = bytes.size() - head_bytes;
  if (chunked) {
    if (queued_body > limits.max_waited_body_bytes) return Ready(head_bytes);
    return ChunkedBodyEnd(bytes, head_bytes) == std::string_view::npos ? QueuedRequest{} : Ready(head_bytes);
  }
  if (content_length > limits.max_waited_body_bytes || queued_body >= content_length) return Ready(head_bytes);
  return QueuedRequest{};
}

vault::Status CheckParsedFraming(const Poco::Net::HTTPRequest& req) {
  int lengths = 0;
  int encodings = 0;
  for (const auto& field : req) {
    if (Poco::icompare(field.first, "Content-Length") == 0) {
      if (++lengths > 1 || field.second.find(',') != std::string::npos) {
        return vault::InvalidArgumentError("request.ambiguous_length", "send exactly one Content-Length number");
      }
    } else if (Poco::icompare(field.first, "Transfer-Encoding") == 0) {
      if (++encodings > 1 || Poco::icompare(Poco::trim(field.second), "chunked") != 0) {
        return vault::InvalidArgumentError("request.bad_transfer_encoding",
                                           "the only transfer coding accepted is exactly 'chunked'");
      }
    }
  }
  if (lengths > 0 && encodings > 0) {
    return vault::InvalidArgumentError("request.ambiguous_length",
                                       "send either Content-Length or chunked encoding, not both");
  }
  return vault::Status::Ok();
}

vault::Status DecodePath(const std::string& raw, std::vector<std::string>* segments) {
  if (raw.empty() || raw[0] != '/') return vault::InvalidArgumentError("request.bad_path", "the path must start with '/'");
  size_t pos = 1;
  while (pos <= raw.size()) {
    size_t slash = raw.find('/', pos);
    if (slash == std::string::npos) slash = raw.size();
    const std::string encoded = raw.substr(pos, slash - pos);
    const bool last = slash == raw.size();
    if (encoded.empty()) {
      if (last) break;  // one trailing slash
      return vault::InvalidArgumentError("request.bad_path", "empty path segments ('//') are not allowed");
    }
    std::string segment;
    try {
      Poco::URI::decode(encoded, segment);
    } catch (const Poco::Exception&) {
      return vault::InvalidArgumentError("request.bad_path", "the path is not valid URL encoding");
    }
    for (unsigned char c : segment) {
      if (c < 0x20 || c == 0x7f) return vault::InvalidArgumentError("request.bad_path", "control characters in the path");
      if (c == '/' || c == '\\') {
        return vault::InvalidArgumentError("request.bad_path", "encoded slashes are not allowed in a path segment");
      }
    }
    if (segment == "." || segment == "..") {
      return vault::InvalidArgumentError("request.bad_path", "'.' and '..' are not allowed in paths");
    }
    segments->push_back(std::move(segment));
    pos = slash + 1;
  }
  return vault::Status::Ok();
}

}  // namespace vaultd
