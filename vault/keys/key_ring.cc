#include "vault/keys/key_ring.h"

#include <sodium.h>

#include <cstring>

#include "vault/base/hex.h"

namespace vault {
namespace {

constexpr char kWrapLabel[] = "sales-vault dek v1";
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kWrappedSize = kNonce + SecretKey::kSize + kTag;

std::vector<uint8_t> AssociatedData(const std::string& kek_id, const BlobBinding& b) {
  std::vector<uint8_t> ad;
  ad.reserve(64);
  for (const char* p = kWrapLabel; *p; ++p) ad.push_back(static_cast<uint8_t>(*p));
  ad.push_back(0);
  for (char c : kek_id) ad.push_back(static_cast<uint8_t>(c));
  ad.push_back(0);
  ad.insert(ad.end(), b.document_id.begin(), b.document_id.end());
  for (int shift = 24; shift >= 0; shift -= 8) ad.push_back(static_cast<uint8_t>(b.version >> shift));
  return ad;
}

}  // namespace

std::string NewKekId() {
  uint8_t rnd[8];
  RandomBytes(rnd, sizeof rnd);
  return "kek-" + HexEncode(rnd, sizeof rnd);
}

void KeyRing::Load(Kek kek, bool primary) {
  std::lock_guard<std::mutex> lock(mu_);
  if (primary) primary_ = kek.id;
  std::string id = kek.id;
  keks_.emplace(id, std::move(kek));
}

std::vector<const KeyRing::Kek*> KeyRing::Snapshot() const {
  std::vector<const Kek*> out;
  for (const auto& kv : keks_) out.push_back(&kv.second);
  return out;
}

Status KeyRing::PersistNow() {
  std::lock_guard<std::mutex> lock(mu_);
  return Persist(Snapshot(), primary_);
}

StatusOr<WrappedKey> KeyRing::Wrap(const SecretKey& dek, const BlobBinding& binding) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keks_.find(primary_);
  if (it == keks_.end()) return FailedPreconditionError("key.no_primary", "key ring has no primary KEK");
  WrappedKey out;
  out.kek_id = primary_;
  out.bytes.resize(kWrappedSize);
  RandomBytes(out.bytes.data(), kNonce);
  std::vector<uint8_t> ad = AssociatedData(out.kek_id, binding);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.bytes.data() + kNonce, &clen, dek.secret_bytes(),
                                             SecretKey::kSize, ad.data(), ad.size(), nullptr,
                                             out.bytes.data(), it->second.key.secret_bytes());
  return out;
}

StatusOr<SecretKey> KeyRing::Unwrap(const WrappedKey& wrapped, const BlobBinding& binding) const {
  if (wrapped.bytes.size() != kWrappedSize) {
    return DataLossError("key.unwrap_failed", "wrapped data key has the wrong length");
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keks_.find(wrapped.kek_id);
  if (it == keks_.end()) {
    return FailedPreconditionError(
        "key.unknown_kek", "master key " + wrapped.kek_id + " is not in the key ring (destroyed?)");
  }
  std::vector<uint8_t> ad = AssociatedData(wrapped.kek_id, binding);
  uint8_t plain[SecretKey::kSize];
  unsigned long long mlen = 0;
  int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
      plain, &mlen, nullptr, wrapped.bytes.data() + kNonce, wrapped.bytes.size() - kNonce,
      ad.data(), ad.size(), wrapped.bytes.data(), it->second.key.secret_bytes());
  if (rc != 0 || mlen != SecretKey::kSize) {
    sodium_memzero(plain, sizeof plain);
    return DataLossError("key.unwrap_failed",
                         "wrapped data key failed authentication (tampered or misbound)");
  }
  SecretKey dek = SecretKey::FromBytes(plain);
  sodium_memzero(plain, sizeof plain);
  return dek;
}

StatusOr<std::string> KeyRing::DeriveFromPrimary(const std::string& label, uint8_t out[32]) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keks_.find(primary_);
  if (it == keks_.end()) return FailedPreconditionError("key.no_primary", "key ring has no primary KEK");
  crypto_generichash(out, 32, reinterpret_cast<const uint8_t*>(label.data()), label.size(),
                     it->second.key.secret_bytes(), SecretKey::kSize);
  return primary_;
}

Status KeyRing::DeriveFrom(const std::string& kek_id, const std::string& label, uint8_t out[32]) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keks_.find(kek_id);
  if (it == keks_.end()) return NotFoundError("key.unknown_kek", "the key ring has no master key " + kek_id);
  crypto_generichash(out, 32, reinterpret_cast<const uint8_t*>(label.data()), label.size(),
                     it->second.key.secret_bytes(), SecretKey::kSize);
  return Status::Ok();
}

std::vector<KekInfo> KeyRing::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<KekInfo> out;
  for (const auto& kv : keks_) {
    out.push_back(KekInfo{kv.first, kv.first == primary_, kv.second.created_at});
  }
  return out;
}

std::string KeyRing::PrimaryId() const {
  std::lock_guard<std::mutex> lock(mu_);
  return primary_;
}

StatusOr<std::string> KeyRing::Rotate() {
  std::lock_guard<std::mutex> lock(mu_);
  Kek kek{NewKekId(), FormatUtc(clock_->Now()), SecretKey::Random()};
  std::string id = kek.id;
  std::string old_primary = primary_;
  keks_.emplace(id, std::move(kek));
  primary_ = id;
  Status s = Persist(Snapshot(), primary_);
  if (!s.ok()) {
    keks_.erase(id);
    primary_ = old_primary;
    return s;
  }
  return id;
}

Status KeyRing::Destroy(const std::string& kek_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keks_.find(kek_id);
  if (it == keks_.end()) return NotFoundError("key.unknown_kek", "no master key " + kek_id);
  if (kek_id == primary_) {
    return FailedPreconditionError("key.is_primary", "the primary master key cannot be destroyed");
  }
  Kek removed = std::move(it->second);
  keks_.erase(it);
  Status s = Persist(Snapshot(), primary_);
  if (!s.ok()) {
    keks_.emplace(kek_id, std::move(removed));
    return s;
  }
  return Status::Ok();
}

MemoryKeyRing::MemoryKeyRing(const Clock* clock) : KeyRing(clock) {
  Load(Kek{NewKekId(), FormatUtc(clock->Now()), SecretKey::Random()}, true);
}

}  // namespace vault
