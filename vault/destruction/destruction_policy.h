// The overwrite passes of policies/destruction.json (docs/destruction.md).
#pragma once

#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault {

// destruction.policy_invalid naming the field: version 1, "passes" a
// non-empty list (at most 35) of valid overwrite patterns, no other keys
// than "version", "description" and "passes".
StatusOr<std::vector<std::string>> DestructionPassesFromJson(const std::string& json);

}  // namespace vault
