// EventLog: vaultd's operational log, one line per event: a JSON object per
// line (vaultd.log_format = json, for journald and log shippers) or
// "TIME LEVEL EVENT key=value ..." text. Every line has the time (UTC,
// RFC 3339), the level and the event name; request lines carry the request
// id that the client sees in X-Request-Id and the audit log records.
//
// What is never written: request bodies, headers (Authorization and Cookie
// among them), query strings, passwords, tokens, key material. Callers pass
// named fields, and the request line is built from the method, the path
// without its query, the status and the error code only (connection.cc).
// This is not the audit log: it may be lost or rotated; the audit log is
// the record.
//
// Thread-safety: Write may be called from any thread; lines never interleave.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "api/vaultd/log_settings.h"
#include "vault/base/clock.h"

namespace vaultd {

struct LogField {
  LogField(const char* k, std::string v) : key(k), text(std::move(v)) {}
  LogField(const char* k, const char* v) : key(k), text(v) {}
  LogField(const char* k, int64_t v) : key(k), number(v), is_number(true) {}
  LogField(const char* k, int v) : key(k), number(v), is_number(true) {}
  const char* key;
  std::string text;
  int64_t number = 0;
  bool is_number = false;
};

class EventLog {
 public:
  // `sink` receives each line without its newline; empty: stdout, flushed
  // per line. `clock` null: the system clock.
  EventLog(LogSettings settings, const vault::Clock* clock = nullptr,
           std::function<void(const std::string&)> sink = nullptr);

  bool Enabled(LogLevel level) const { return level >= settings_.level; }
  void Write(LogLevel level, const std::string& event, const std::vector<LogField>& fields = {});

  const LogSettings& settings() const { return settings_; }

 private:
  std::string Format(LogLevel level, const std::string& event,
                     const std::vector<LogField>& fields) const;
  LogSettings settings_;
  const vault::Clock* clock_;
  std::function<void(const std::string&)> sink_;
  std::mutex mu_;
};

}  // namespace vaultd
