#include "vault/keys/signer.h"

#include <sodium.h>

#include <Poco/Base64Encoder.h>

#include <sstream>

#include "vault/keys/key_ring.h"

namespace vault {

StatusOr<std::unique_ptr<Signer>> Signer::FromKeyRing(const KeyRing& ring, const std::string& purpose) {
  std::unique_ptr<Signer> s(new Signer());
  uint8_t seed[crypto_sign_SEEDBYTES];
  VAULT_ASSIGN_OR_RETURN(std::string kek_id,
                         ring.DeriveFromPrimary("sales-vault signing key v1 " + purpose, seed));
  crypto_sign_seed_keypair(s->public_key_.data(), s->secret_.data(), seed);
  sodium_memzero(seed, sizeof seed);
  s->key_name_ = "sales-vault-" + purpose + "+" + kek_id;
  return s;
}

StatusOr<std::unique_ptr<Signer>> Signer::FromKek(const KeyRing& ring, const std::string& kek_id,
                                                  const std::string& purpose) {
  std::unique_ptr<Signer> s(new Signer());
  uint8_t seed[crypto_sign_SEEDBYTES];
  VAULT_RETURN_IF_ERROR(ring.DeriveFrom(kek_id, "sales-vault signing key v1 " + purpose, seed));
  crypto_sign_seed_keypair(s->public_key_.data(), s->secret_.data(), seed);
  sodium_memzero(seed, sizeof seed);
  s->key_name_ = "sales-vault-" + purpose + "+" + kek_id;
  return s;
}

Signer::~Signer() { sodium_memzero(secret_.data(), secret_.size()); }

Signer::Signature Signer::Sign(const std::string& message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(message.data()),
                       message.size(), secret_.data());
  return sig;
}

bool VerifyEd25519(const Signer::PublicKey& key, const std::string& message,
                   const uint8_t* signature, size_t signature_len) {
  if (signature_len != Signer::kSignatureSize) return false;
  return crypto_sign_verify_detached(signature, reinterpret_cast<const uint8_t*>(message.data()),
                                     message.size(), key.data()) == 0;
}

std::string Ed25519PublicKeyPem(const Signer::PublicKey& key) {
  // DER SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING key }.
  static const uint8_t kPrefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b,
                                    0x65, 0x70, 0x03, 0x21, 0x00};
  std::string der(reinterpret_cast<const char*>(kPrefix), sizeof kPrefix);
  der.append(reinterpret_cast<const char*>(key.data()), key.size());
  std::ostringstream b64;
  Poco::Base64Encoder enc(b64);
  enc.rdbuf()->setLineLength(64);
  enc << der;
  enc.close();
  return "-----BEGIN PUBLIC KEY-----\n" + b64.str() + "\n-----END PUBLIC KEY-----\n";
}

}  // namespace vault
