// libFuzzer target for the policy loaders (policies/*.json seed the corpus):
// the first byte picks the loader, the rest is the file's text. A policy or
// its loader's reason code, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "vault/alerts/alert_policy.h"
#include "vault/borrow/borrow_policy.h"
#include "vault/destruction/destruction_policy.h"
#include "vault/documents/field_dictionary.h"
#include "vault/export/watermark_policy.h"
#include "vault/policy/policy_engine.h"
#include "vault/retention/retention_policy.h"

// Seeds: the byte before each file's text says which loader it is for,
// in this order (scripts/fuzz.sh prefixes policies/*.json the same way).
// 0 roles, 1 watermark, 2 borrowing, 3 retention, 4 destruction, 5 fields, 6 alerts.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 256 * 1024) return 0;
  const std::string json(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 7) {
    case 0: (void)vault::PolicyEngine::FromJson(json); break;
    case 1: (void)vault::WatermarkPolicy::FromJson(json); break;
    case 2: (void)vault::BorrowPolicy::FromJson(json); break;
    case 3: (void)vault::RetentionPolicy::FromJson(json); break;
    case 4: (void)vault::DestructionPassesFromJson(json); break;
    case 5: (void)vault::FieldDictionary::FromJson(json); break;
    default: (void)vault::AlertPolicy::FromJson(json); break;
  }
  return 0;
}
