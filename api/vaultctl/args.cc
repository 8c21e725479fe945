#include "api/vaultctl/args.h"

#include <cstdio>

namespace vaultctl {

std::string Args::Get(const std::string& opt, const std::string& fallback) const {
  auto it = values.find(opt);
  return it == values.end() ? fallback : it->second;
}

std::vector<std::string> Args::All(const std::string& opt) const {
  std::vector<std::string> out;
  auto range = values.equal_range(opt);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

vault::StatusOr<Args> ParseArgs(const std::vector<std::string>& argv, const ArgSpec& spec) {
  Args args;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string a = argv[i];
    if (a == "-o") a = "--output";
    if (a == "-h") a = "--help";
    if (a.size() < 2 || a[0] != '-' || a == "-") {
      args.positional.push_back(a);
      continue;
    }
    std::string value;
    bool inline_value = false;
    size_t eq = a.find('=');
    if (a.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      inline_value = true;
    }
    if (spec.flag_options.count(a) || a == "--help") {
      if (inline_value) return vault::InvalidArgumentError("usage.flag_value", a + " takes no value");
      args.flags.insert(a);
    } else if (spec.value_options.count(a)) {
      if (!inline_value) {
        if (i + 1 >= argv.size()) return vault::InvalidArgumentError("usage.missing_value", a + " needs a value");
        value = argv[++i];
      }
      args.values.emplace(a, value);
    } else {
      return vault::InvalidArgumentError("usage.unknown_option", "unknown option " + a);
    }
  }
  return args;
}

int ParseCommand(const std::vector<std::string>& argv, const ArgSpec& spec, const char* help,
                 Args& out) {
  auto parsed = ParseArgs(argv, spec);
  if (!parsed.ok()) return Usage(parsed.status().message(), help);
  if (parsed->Has("--help")) {
    std::fputs(help, stdout);
    return 0;
  }
  out = std::move(parsed).value();
  return -1;
}

int Usage(const std::string& what, const char* help) {
  std::fprintf(stderr, "vaultctl: %s\n\n%s", what.c_str(), help);
  return 1;
}

}  // namespace vaultctl
