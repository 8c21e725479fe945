// libFuzzer target for the signed-note (checkpoint) parser: arbitrary bytes
// as a stored checkpoint's note, checked as `vaultctl audit verify` and
// AuditLog::Verify check it (CheckCheckpointNote: ParseNote, the key hash,
// the Ed25519 signature, the body against the stored size and head hash).
// The key is fixed (a seed of 32 bytes 0x07), so committed seeds carry a
// valid signature (tests/fuzz/corpus/signed_note, made by
// scripts/fuzz_seeds.py). A verdict, never a crash.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "vault/audit/audit_log.h"
#include "vault/audit/chain_check.h"
#include "vault/audit/signed_note.h"

namespace {

const vault::Signer::PublicKey& Key() {
  static const vault::Signer::PublicKey pk = [] {
    vault::Signer::PublicKey key{};
    unsigned char seed[crypto_sign_SEEDBYTES], sk[crypto_sign_SECRETKEYBYTES];
    for (auto& b : seed) b = 7;
    if (sodium_init() < 0 || crypto_sign_seed_keypair(key.data(), sk, seed) != 0) __builtin_trap();
    sodium_memzero(sk, sizeof sk);
    return key;
  }();
  return pk;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vault::AuditCheckpoint cp;
  cp.id = 1;
  cp.size = 3;
  cp.head_hash = std::string(64, 'a');
  cp.key_name = "sales-vault";
  cp.note.assign(reinterpret_cast<const char*>(data), size);
  (void)vault::CheckCheckpointNote(cp, [](const std::string& name) -> vault::StatusOr<vault::Signer::PublicKey> {
    if (name != "sales-vault") return vault::NotFoundError("audit.unknown_key", "no such key");
    return Key();
  });
  auto parsed = vault::ParseNote(cp.note);
  if (parsed.ok()) (void)vault::Base64Decode(vault::Base64Encode(parsed->body));
  return 0;
}
