// libFuzzer target for the certificate-verify upload
// (POST /api/v1/certificates/verify): arbitrary bytes as the request body,
// read as the handler reads it (ParseJsonObject, then the "certificate"
// and "signature" members), and checked against a real destruction store
// in a throwaway SQLite file (CheckPresentedCertificate: the JSON's hash,
// the hex signature, the stored chain). A report or a Status, never a
// crash.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "api/vaultd/exchange.h"
#include "api/vaultd/request_bodies.h"
#include "tests/fuzz/fuzz_temp_db.h"
#include "vault/destruction/certificate_check.h"
#include "vault/destruction/destruction_store.h"

namespace {

vault::DestructionStore& Store() {
  static std::unique_ptr<vault::DestructionStore> store = [] {
    auto s = vault::DestructionStore::Open(vault_fuzz::TempDatabase());
    if (!s.ok()) __builtin_trap();
    return std::move(*s);
  }();
  return *store;
}

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
  if (size > 64 * 1024) return 0;  // JsonBody's limit
  auto body = vaultd::ParseJsonObject(std::string(reinterpret_cast<const char*>(data), size));
  if (!body.ok()) return 0;
  std::string json, signature;
  if (!vaultd::Exchange::StringFields(*body, {{"certificate", &json}, {"signature", &signature}}).ok()) return 0;
  auto check = vault::CheckPresentedCertificate(Store(), Key(), json, signature);
  if (!check.ok()) __builtin_trap();  // errors only when the store cannot be read
  return 0;
}
