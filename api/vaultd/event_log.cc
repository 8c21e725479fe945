#include "api/vaultd/event_log.h"

#include <Poco/JSON/Object.h>

#include <cstdio>
#include <sstream>

#include "vault/base/printable.h"

namespace vaultd {
namespace {

// A text value stays one token of one line: control characters escaped,
// quoted when it holds a space, a quote or an equals sign.
std::string TextValue(const std::string& v) {
  std::string e = vault::EscapeControl(v);
  if (!e.empty() && e.find_first_of(" \"=") == std::string::npos) return e;
  std::string q = "\"";
  for (char c : e) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

}  // namespace

EventLog::EventLog(LogSettings settings, const vault::Clock* clock,
                   std::function<void(const std::string&)> sink)
    : settings_(settings), clock_(clock ? clock : vault::SystemClock()), sink_(std::move(sink)) {
  if (!sink_) {
    sink_ = [](const std::string& line) {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
    };
  }
}

std::string EventLog::Format(LogLevel level, const std::string& event,
                             const std::vector<LogField>& fields) const {
  const std::string time = vault::FormatUtc(clock_->Now());
  if (settings_.format == LogFormat::kJson) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("time", time);
    o.set("level", LogLevelName(level));
    o.set("event", event);
    for (const LogField& f : fields) {
      if (f.is_number) {
        o.set(f.key, static_cast<Poco::Int64>(f.number));
      } else {
        o.set(f.key, vault::EscapeControl(f.text));  // well-formed UTF-8 for the JSON
      }
    }
    std::ostringstream out;
    o.stringify(out);  // escapes control characters: always one line
    return out.str();
  }
  std::string line = time + " " + LogLevelName(level) + " " + TextValue(event);
  for (const LogField& f : fields) {
    line += std::string(" ") + f.key + "=" +
            (f.is_number ? std::to_string(f.number) : TextValue(f.text));
  }
  return line;
}

void EventLog::Write(LogLevel level, const std::string& event,
                     const std::vector<LogField>& fields) {
  if (!Enabled(level)) return;
  const std::string line = Format(level, event, fields);
  std::lock_guard<std::mutex> lock(mu_);
  sink_(line);
}

}  // namespace vaultd
