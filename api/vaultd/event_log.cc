#include "api/vaultd/event_log.h"

#include <cstdio>

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

// A JSON string of `v`: EscapeControl leaves no control character and no
// malformed UTF-8 (each becomes a visible escape), so quoting the quotes and
// backslashes is all that is left. Built by hand: with a Poco::JSON::Object
// per line, logging at info cost /healthz about 20% of its requests per
// second; this way about 13% (docs/operations.md, "Logs").
void AppendJsonString(const std::string& v, std::string* out) {
  const std::string e = vault::EscapeControl(v);
  out->push_back('"');
  for (char c : e) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

EventLog::EventLog(LogSettings settings, const vault::Clock* clock,
                   std::function<void(const std::string&)> sink)
    : settings_(settings), clock_(clock ? clock : vault::SystemClock()), sink_(std::move(sink)) {
  if (!sink_) {
    sink_ = [](const std::string& line) {
      const std::string with_newline = line + "\n";
      std::fwrite(with_newline.data(), 1, with_newline.size(), stdout);
      std::fflush(stdout);  // one write per line: journald sees it at once
    };
  }
}

std::string EventLog::Format(LogLevel level, const std::string& event, const std::vector<LogField>& fields) const {
  const std::string time = vault::FormatUtc(clock_->Now());
  std::string line;
  line.reserve(256);
  if (settings_.format == LogFormat::kJson) {
    line += "{\"time\":\"" + time + "\",\"level\":\"" + LogLevelName(level) + "\",\"event\":";
    AppendJsonString(event, &line);
    for (const LogField& f : fields) {
      line += ",\"";
      line += f.key;  // the callers' constant names: nothing to escape
      line += "\":";
      if (f.is_number) {
        line += std::to_string(f.number);
      } else {
        AppendJsonString(f.text, &line);
      }
    }
    line += '}';
    return line;
  }
  line = time + " " + LogLevelName(level) + " " + TextValue(event);
  for (const LogField& f : fields) {
    line += std::string(" ") + f.key + "=" + (f.is_number ? std::to_string(f.number) : TextValue(f.text));
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
