#include "api/vaultd/log_settings.h"

namespace vaultd {

vault::StatusOr<LogSettings> LogSettingsFrom(const Poco::Util::AbstractConfiguration& config) {
  LogSettings s;
  const std::string format = config.getString("vaultd.log_format", "text");
  if (format == "json") {
    s.format = LogFormat::kJson;
  } else if (format != "text") {
    return vault::InvalidArgumentError("config.log_format",
                                       "vaultd.log_format must be json or text, got " + format);
  }
  const std::string level = config.getString("vaultd.log_level", "info");
  if (level == "debug") {
    s.level = LogLevel::kDebug;
  } else if (level == "info") {
    s.level = LogLevel::kInfo;
  } else if (level == "warning") {
    s.level = LogLevel::kWarning;
  } else if (level == "error") {
    s.level = LogLevel::kError;
  } else {
    return vault::InvalidArgumentError(
        "config.log_level", "vaultd.log_level must be debug, info, warning or error, got " + level);
  }
  return s;
}

const char* LogFormatName(LogFormat format) { return format == LogFormat::kJson ? "json" : "text"; }

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace vaultd
