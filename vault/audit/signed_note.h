// Signed notes (C2SP signed-note) carrying audit checkpoints.
//
// A checkpoint body is three lines: origin, number of events, base64 of the
// chain's head hash (the SHA-256 of the last event's canonical form). The
// note is the body, a blank line, and one signature line per signer:
//   "— <key name> <base64(key hash[4] || Ed25519 signature[64])>"
// The Ed25519 signature covers exactly the body bytes, so an auditor can
// check it with `openssl pkeyutl -verify -rawin` (docs/audit.md).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/keys/signer.h"

namespace vault {

constexpr char kAuditOrigin[] = "sales-vault/audit";

std::string CheckpointBody(int64_t size, const std::string& head_hash_hex);
std::array<uint8_t, 4> NoteKeyHash(const std::string& key_name, const Signer::PublicKey& key);
std::string SignNote(const std::string& body, const Signer& signer);

struct ParsedNote {
  std::string body;
  std::string key_name;
  std::vector<uint8_t> key_hash;   // 4 bytes
  std::vector<uint8_t> signature;  // 64 bytes
};
// note.malformed for anything that is not body + blank line + one signature line.
StatusOr<ParsedNote> ParseNote(const std::string& note);

std::string Base64Encode(const std::string& bytes);
StatusOr<std::string> Base64Decode(const std::string& text);

}  // namespace vault
