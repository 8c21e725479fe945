// PrimarySigner: the signer for one purpose derived from whichever master
// key (KEK) is primary at the moment of signing.
//
// Long-lived parts of a running vault (the exporter's watermark tokens,
// destruction certificates) hold a PrimarySigner rather than a Signer, so
// an online rotation (vault/operations/key_operations.h) takes effect at
// their next signature, matches the public key the vault publishes
// (derived from the primary too), and no signing key derived from a retired
// KEK stays in memory once that KEK is destroyed. Each Current() derives
// afresh: a keyed BLAKE2b and an Ed25519 key pair from its seed, some
// microseconds, cheap next to what is signed.
//
// Thread-safety: safe for concurrent use (KeyRing is); the Signer returned
// is the caller's and immutable.
#pragma once

#include <memory>
#include <string>

#include "vault/base/status.h"
#include "vault/keys/signer.h"

namespace vault {

class KeyRing;

class PrimarySigner {
 public:
  // `ring` is not owned and must outlive this.
  PrimarySigner(const KeyRing* ring, std::string purpose) : ring_(ring), purpose_(std::move(purpose)) {}

  // The signer of the current primary KEK (key.no_primary without one).
  // Sign everything of one artefact with the one Signer returned.
  StatusOr<std::unique_ptr<Signer>> Current() const { return Signer::FromKeyRing(*ring_, purpose_); }
  const std::string& purpose() const { return purpose_; }

 private:
  const KeyRing* ring_;
  std::string purpose_;
};

}  // namespace vault
