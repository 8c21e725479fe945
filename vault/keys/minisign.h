// Minisign files for the vault's Ed25519 signing keys, so auditors can check
// a signed document (a destruction certificate) with the stock `minisign`
// tool, without trusting the vault: `minisign -Vm cert.json -p vault.pub`.
//
// Format (minisign 0.8+): the public key file is an untrusted comment line
// and base64("Ed" || key id (8 bytes) || public key (32)); a signature file
// is an untrusted comment, base64("ED" || key id || Ed25519 over the
// BLAKE2b-512 of the file), a trusted comment, and base64 of the "global"
// Ed25519 signature over (signature || trusted comment). The key id is the
// first 8 bytes of BLAKE2b-256 of the public key (stable per key).
#pragma once

#include <array>
#include <string>

#include "vault/keys/signer.h"

namespace vault {

using MinisignKeyId = std::array<uint8_t, 8>;

MinisignKeyId MinisignKeyIdOf(const Signer::PublicKey& key);
// The public key file (vault.pub), ending in a newline.
std::string MinisignPublicKey(const Signer::PublicKey& key);
// The .minisig for `message`. `trusted_comment` must be one line (no CR
// or LF; they are replaced by spaces).
std::string MinisignSignature(const Signer& signer, const std::string& message, std::string trusted_comment);

}  // namespace vault
