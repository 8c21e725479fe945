// Command-line parsing for vaultctl: positionals, --opt VALUE, --opt=VALUE, flags.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vaultctl {

struct Args {
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> values;
  std::set<std::string> flags;

  bool Has(const std::string& flag) const { return flags.count(flag) > 0; }
  std::string Get(const std::string& opt, const std::string& fallback = "") const;
  std::vector<std::string> All(const std::string& opt) const;
};

struct ArgSpec {
  std::set<std::string> value_options;  // e.g. "--customer"
  std::set<std::string> flag_options;   // e.g. "--json"
};

// usage.* errors for unknown options and missing values. "-o" means "--output"
// and "-h" means "--help".
vault::StatusOr<Args> ParseArgs(const std::vector<std::string>& argv, const ArgSpec& spec);

// A command's first step: parses argv into `out`, printing the usage error
// (exit code 1) or, for --help, the help text (exit code 0). Returns -1 when
// the command goes on.
int ParseCommand(const std::vector<std::string>& argv, const ArgSpec& spec, const char* help,
                 Args& out);

// Prints "vaultctl: WHAT" and the help text to stderr; returns exit code 1.
int Usage(const std::string& what, const char* help);

}  // namespace vaultctl
