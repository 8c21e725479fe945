// Signer: Ed25519 signatures for audit checkpoints (and, later, certificates).
//
// The signing key is derived from the primary KEK with a keyed BLAKE2b and a
// purpose label, so it needs no storage of its own and never leaves the key
// ring's owner; the matching public key is published (metadata, PEM) for
// verifiers. Each KEK yields its own signing key: after a rotation, new
// signatures use the new key and old ones stay verifiable with the recorded
// old public key.
//
// Thread-safety: immutable after creation.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "vault/base/status.h"

namespace vault {

class KeyRing;

class Signer {
 public:
  static constexpr size_t kPublicKeySize = 32;
  static constexpr size_t kSignatureSize = 64;
  using PublicKey = std::array<uint8_t, kPublicKeySize>;
  using Signature = std::array<uint8_t, kSignatureSize>;

  // Derives the signer for `purpose` (e.g. "audit") from the primary KEK.
  static StatusOr<std::unique_ptr<Signer>> FromKeyRing(const KeyRing& ring, const std::string& purpose);
  // The signer for `purpose` derived from the KEK `kek_id` (key.unknown_kek).
  static StatusOr<std::unique_ptr<Signer>> FromKek(const KeyRing& ring, const std::string& kek_id,
                                                   const std::string& purpose);
  ~Signer();

  // "sales-vault-<purpose>+<kek id>": the key name in signed notes.
  const std::string& key_name() const { return key_name_; }
  const PublicKey& public_key() const { return public_key_; }
  Signature Sign(const std::string& message) const;

 private:
  Signer() = default;
  std::string key_name_;
  PublicKey public_key_{};
  std::array<uint8_t, 64> secret_{};
};

bool VerifyEd25519(const Signer::PublicKey& key, const std::string& message,
                   const uint8_t* signature, size_t signature_len);
// SubjectPublicKeyInfo PEM, as `openssl pkeyutl -pubin` reads it.
std::string Ed25519PublicKeyPem(const Signer::PublicKey& key);

}  // namespace vault
