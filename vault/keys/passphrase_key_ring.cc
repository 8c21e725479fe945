#include "vault/keys/passphrase_key_ring.h"

#include <sodium.h>

#include <boost/filesystem.hpp>
#include <fstream>
#include <sstream>

#include "vault/base/hex.h"
#include "vault/storage/atomic_file.h"

namespace vault {
namespace {

constexpr char kCheckLabel[] = "sales-vault passphrase check v1";

StatusOr<SecretKey> Derive(const std::string& passphrase, const uint8_t* salt,
                           const Argon2Params& p) {
  if (passphrase.size() < 12) {
    return InvalidArgumentError("key.weak_passphrase", "passphrase must have at least 12 bytes");
  }
  uint8_t out[SecretKey::kSize];
  if (crypto_pwhash(out, sizeof out, passphrase.data(), passphrase.size(), salt, p.opslimit,
                    static_cast<size_t>(p.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return ResourceExhaustedError("key.derive_failed", "Argon2id failed (out of memory?)");
  }
  SecretKey k = SecretKey::FromBytes(out);
  sodium_memzero(out, sizeof out);
  return k;
}

std::string CheckValue(const SecretKey& kek) {
  uint8_t mac[32];
  crypto_generichash(mac, sizeof mac, reinterpret_cast<const uint8_t*>(kCheckLabel),
                     sizeof kCheckLabel - 1, kek.secret_bytes(), SecretKey::kSize);
  return HexEncode(mac, sizeof mac);
}

}  // namespace

StatusOr<std::unique_ptr<PassphraseKeyRing>> PassphraseKeyRing::Create(
    const std::string& params_path, const std::string& passphrase, const Argon2Params& params,
    const Clock* clock) {
  boost::system::error_code ec;
  if (boost::filesystem::exists(params_path, ec)) {
    return AlreadyExistsError("key.file_exists", "passphrase parameters already exist");
  }
  uint8_t salt[crypto_pwhash_SALTBYTES];
  RandomBytes(salt, sizeof salt);
  VAULT_ASSIGN_OR_RETURN(SecretKey kek, Derive(passphrase, salt, params));
  std::string id = NewKekId();
  std::string text = "argon2id-v1 " + HexEncode(salt, sizeof salt) + " " +
                     std::to_string(params.opslimit) + " " + std::to_string(params.memlimit) + " " +
                     id + " " + CheckValue(kek) + "\n";
  VAULT_RETURN_IF_ERROR(WriteFileAtomically(params_path, text, 0600));
  std::unique_ptr<PassphraseKeyRing> ring(new PassphraseKeyRing(clock));
  ring->Load(Kek{id, FormatUtc(clock->Now()), std::move(kek)}, true);
  return ring;
}

StatusOr<std::unique_ptr<PassphraseKeyRing>> PassphraseKeyRing::Open(
    const std::string& params_path, const std::string& passphrase, const Clock* clock) {
  std::ifstream in(params_path);
  if (!in) return NotFoundError("key.file_missing", "passphrase parameters not found: " + params_path);
  std::string tag, salt_hex, id, check;
  Argon2Params p;
  in >> tag >> salt_hex >> p.opslimit >> p.memlimit >> id >> check;
  auto salt = HexDecode(salt_hex);
  if (!in || tag != "argon2id-v1" || !salt || salt->size() != crypto_pwhash_SALTBYTES ||
      p.opslimit < crypto_pwhash_OPSLIMIT_MIN || p.opslimit > 100 ||
      p.memlimit < crypto_pwhash_MEMLIMIT_MIN || p.memlimit > (4ull << 30)) {
    return InvalidArgumentError("key.file_invalid", "passphrase parameters are malformed");
  }
  VAULT_ASSIGN_OR_RETURN(SecretKey kek, Derive(passphrase, salt->data(), p));
  std::string expect = CheckValue(kek);
  if (expect.size() != check.size() ||
      !ConstantTimeEquals(reinterpret_cast<const uint8_t*>(expect.data()),
                          reinterpret_cast<const uint8_t*>(check.data()), expect.size())) {
    return Status(StatusCode::kPermissionDenied, "key.wrong_passphrase", "wrong passphrase");
  }
  std::unique_ptr<PassphraseKeyRing> ring(new PassphraseKeyRing(clock));
  ring->Load(Kek{id, "", std::move(kek)}, true);
  return ring;
}

StatusOr<std::string> PassphraseKeyRing::Rotate() {
  return FailedPreconditionError("key.rotate_unsupported",
                                 "a passphrase-derived master key cannot be rotated in place; "
                                 "use a key file (see docs/keys.md)");
}

}  // namespace vault
