// RequestBody: a request body of a declared length as a vault::ByteSource,
// read as the core asks for it, so no memory is committed for a body before
// the core has checked who sends it and why (the first Read() is what sends
// 100 Continue). A body shorter than its Content-Length is
// request.truncated, never a shorter file.
//
// Not thread-safe; one request at a time.
#pragma once

#include <algorithm>
#include <cstdint>

#include "api/vaultd/exchange.h"
#include "vault/base/byte_stream.h"

namespace vaultd {

class RequestBody : public vault::ByteSource {
 public:
  RequestBody(Exchange& ex, int64_t length) : ex_(ex), left_(length) {}

  vault::StatusOr<size_t> Read(uint8_t* buf, size_t max) override {
    if (left_ <= 0 || max == 0) return size_t{0};
    std::istream& in = ex_.Body();
    const auto want = static_cast<std::streamsize>(std::min<int64_t>(left_, static_cast<int64_t>(max)));
    try {
      in.read(reinterpret_cast<char*>(buf), want);
    } catch (const std::exception&) {
      return vault::InvalidArgumentError("request.truncated", "the body ended before its Content-Length");
    }
    const std::streamsize got = in.gcount();
    if (got <= 0) return vault::InvalidArgumentError("request.truncated", "the body ended before its Content-Length");
    left_ -= got;
    return static_cast<size_t>(got);
  }

 private:
  Exchange& ex_;
  int64_t left_;
};

}  // namespace vaultd
