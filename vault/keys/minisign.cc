#include "vault/keys/minisign.h"

#include <Poco/Base64Encoder.h>
#include <sodium.h>

#include <algorithm>
#include <sstream>

#include "vault/base/hex.h"

namespace vault {
namespace {

std::string Base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);  // one line, as minisign writes it
  enc << bytes;
  enc.close();
  return out.str();
}

std::string Bytes(const uint8_t* p, size_t n) { return std::string(reinterpret_cast<const char*>(p), n); }

}  // namespace

MinisignKeyId MinisignKeyIdOf(const Signer::PublicKey& key) {
  uint8_t digest[32];
  crypto_generichash(digest, sizeof digest, key.data(), key.size(), nullptr, 0);
  MinisignKeyId id{};
  std::copy(digest, digest + id.size(), id.begin());
  return id;
}

std::string MinisignPublicKey(const Signer::PublicKey& key) {
  const MinisignKeyId id = MinisignKeyIdOf(key);
  // minisign prints the key id as the little-endian 64-bit number in hex.
  std::string shown;
  for (size_t i = id.size(); i-- > 0;) shown += HexEncode(&id[i], 1);
  for (char& c : shown) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "untrusted comment: minisign public key " + shown + "\n" +
         Base64("Ed" + Bytes(id.data(), id.size()) + Bytes(key.data(), key.size())) + "\n";
}

std::string MinisignSignature(const Signer& signer, const std::string& message, std::string trusted_comment) {
  std::replace(trusted_comment.begin(), trusted_comment.end(), '\n', ' ');
  std::replace(trusted_comment.begin(), trusted_comment.end(), '\r', ' ');
  uint8_t hash[crypto_generichash_BYTES_MAX];  // BLAKE2b-512
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const uint8_t*>(message.data()), message.size(), nullptr,
                     0);
  const Signer::Signature sig = signer.Sign(Bytes(hash, sizeof hash));
  const std::string sig_bytes = Bytes(sig.data(), sig.size());
  const Signer::Signature global = signer.Sign(sig_bytes + trusted_comment);
  const MinisignKeyId id = MinisignKeyIdOf(signer.public_key());
  return "untrusted comment: signature from sales-vault " + signer.key_name() + "\n" +
         Base64("ED" + Bytes(id.data(), id.size()) + sig_bytes) + "\n" + "trusted comment: " + trusted_comment +
         "\n" + Base64(Bytes(global.data(), global.size())) + "\n";
}

}  // namespace vault
