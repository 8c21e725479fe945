// PassphraseKeyRing: a single KEK derived from a passphrase with Argon2id.
//
// The salt, the Argon2id cost parameters, the KEK id and a check value (a
// keyed BLAKE2b of a fixed label, to tell a wrong passphrase from damage) are
// stored in a small parameters file; the KEK itself is never stored.
//   argon2id-v1 <salt hex> <opslimit> <memlimit> <kek id> <check hex>
// Rotation needs a new passphrase and is not offered by this ring: use a key
// file for rotation (docs/keys.md).
//
// Thread-safety: as KeyRing.
#pragma once

#include <memory>
#include <string>

#include "vault/keys/key_ring.h"

namespace vault {

struct Argon2Params {
  uint64_t opslimit = 3;                // libsodium's MODERATE
  uint64_t memlimit = 256ull << 20;     // 256 MiB
};

class PassphraseKeyRing : public KeyRing {
 public:
  // Creates the parameters file (fresh salt) and derives the KEK.
  static StatusOr<std::unique_ptr<PassphraseKeyRing>> Create(const std::string& params_path,
                                                             const std::string& passphrase,
                                                             const Argon2Params& params,
                                                             const Clock* clock);
  // key.wrong_passphrase when the check value does not match.
  static StatusOr<std::unique_ptr<PassphraseKeyRing>> Open(const std::string& params_path,
                                                           const std::string& passphrase,
                                                           const Clock* clock);

  StatusOr<std::string> Rotate() override;

 protected:
  Status Persist(const std::vector<const Kek*>&, const std::string&) override {
    return Status::Ok();
  }

 private:
  explicit PassphraseKeyRing(const Clock* clock) : KeyRing(clock) {}
};

}  // namespace vault
