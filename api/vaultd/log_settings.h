// LogSettings: how vaultd writes its operational log (event_log.h), from
// vaultd.log_format (json | text) and vaultd.log_level (debug | info |
// warning | error) of its configuration.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <string>

#include "vault/base/status.h"

namespace vaultd {

enum class LogFormat { kJson, kText };
enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

struct LogSettings {
  LogFormat format = LogFormat::kText;
  LogLevel level = LogLevel::kInfo;
};

// config.log_format or config.log_level for a value outside the lists.
// Absent keys: text, info.
vault::StatusOr<LogSettings> LogSettingsFrom(const Poco::Util::AbstractConfiguration& config);

const char* LogFormatName(LogFormat format);
const char* LogLevelName(LogLevel level);

}  // namespace vaultd
