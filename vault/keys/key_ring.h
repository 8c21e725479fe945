// KeyRing: the master keys (KEKs) that wrap every version's data key (DEK).
//
// Security property: a DEK leaves Wrap() only as XChaCha20-Poly1305
// ciphertext whose associated data binds it to the KEK id, the document id
// and the version, so a wrapped key copied onto another document or version
// does not unwrap. Code outside vault/keys never sees KEK bytes.
//
// Lifecycle: Rotate() creates a new primary KEK (persisted before it is
// used); older KEKs stay usable for Unwrap() until Destroy() removes them,
// which the caller does only after every DEK was rewrapped.
//
// Thread-safety: all methods are safe for concurrent use.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/crypto/blob_format.h"
#include "vault/crypto/secret_key.h"

namespace vault {

struct WrappedKey {
  std::string kek_id;
  std::vector<uint8_t> bytes;  // nonce(24) || ciphertext(32) || tag(16)
};

struct KekInfo {
  std::string id;
  bool primary = false;
  std::string created_at;  // RFC 3339 UTC
};

class KeyRing {
 public:
  virtual ~KeyRing() = default;

  StatusOr<WrappedKey> Wrap(const SecretKey& dek, const BlobBinding& binding) const;
  // key.unknown_kek when the KEK is unknown or destroyed; key.unwrap_failed
  // when the wrapped bytes are tampered or bound to another document.
  StatusOr<SecretKey> Unwrap(const WrappedKey& wrapped, const BlobBinding& binding) const;

  std::vector<KekInfo> List() const;
  std::string PrimaryId() const;

  // Derives 32 bytes from the primary KEK for another purpose (keyed
  // BLAKE2b over `label`), e.g. the audit signing seed. Returns the KEK id.
  StatusOr<std::string> DeriveFromPrimary(const std::string& label, uint8_t out[32]) const;
  // The same from the KEK `kek_id`, primary or not (verifying what an older
  // primary signed, e.g. a backup manifest). key.unknown_kek when the ring
  // has no such KEK (never had it, or it was destroyed).
  Status DeriveFrom(const std::string& kek_id, const std::string& label, uint8_t out[32]) const;

  // Adds a fresh random KEK as primary and persists the ring. Returns its id.
  virtual StatusOr<std::string> Rotate();
  // Removes a non-primary KEK for good and persists the ring.
  Status Destroy(const std::string& kek_id);

 protected:
  struct Kek {
    std::string id;
    std::string created_at;
    SecretKey key;
  };
  explicit KeyRing(const Clock* clock) : clock_(clock) {}
  // Adds a KEK while loading (no persistence).
  void Load(Kek kek, bool primary);
  // Persists the ring as it is now.
  Status PersistNow();
  // Writes the current ring to durable storage; called under the lock.
  virtual Status Persist(const std::vector<const Kek*>& keks, const std::string& primary) = 0;

  const Clock* clock_;

 private:
  std::vector<const Kek*> Snapshot() const;

  mutable std::mutex mu_;
  std::map<std::string, Kek> keks_;
  std::string primary_;
};

// A ring that lives in memory only (tests, tools).
class MemoryKeyRing : public KeyRing {
 public:
  explicit MemoryKeyRing(const Clock* clock);

 protected:
  Status Persist(const std::vector<const Kek*>&, const std::string&) override {
    return Status::Ok();
  }
};

// New random KEK id, e.g. "kek-1f2e3d4c5b6a7988".
std::string NewKekId();

}  // namespace vault
