#include "vault/audit/signed_note.h"

#include <Poco/Base64Encoder.h>
#include <sodium.h>

#include <sstream>

#include "vault/base/hex.h"
#include "vault/crypto/sha256.h"

namespace vault {
namespace {

constexpr char kDash[] = "\xe2\x80\x94";  // U+2014 EM DASH, as signed-note requires

}  // namespace

std::string Base64Encode(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);
  enc << bytes;
  enc.close();
  return out.str();
}

// libsodium's strict decoder (padding required, nothing after it), which
// reports errors instead of throwing: Poco's Base64Decoder threw from inside
// a std::string being built, and LeakSanitizer reported that string leaked
// (the signed_note fuzz target, tests/fuzz/corpus/signed_note/regress-*).
StatusOr<std::string> Base64Decode(const std::string& text) {
  if (text.size() > 64 * 1024) return InvalidArgumentError("note.malformed", "invalid base64");
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                        nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return InvalidArgumentError("note.malformed", "invalid base64");
  }
  out.resize(len);
  return out;
}

std::string CheckpointBody(int64_t size, const std::string& head_hash_hex) {
  auto raw = HexDecode(head_hash_hex);
  std::string head = raw ? std::string(raw->begin(), raw->end()) : std::string();
  return std::string(kAuditOrigin) + "\n" + std::to_string(size) + "\n" + Base64Encode(head) + "\n";
}

std::array<uint8_t, 4> NoteKeyHash(const std::string& key_name, const Signer::PublicKey& key) {
  Sha256 h;
  h.Update(reinterpret_cast<const uint8_t*>(key_name.data()), key_name.size());
  const uint8_t sep[2] = {'\n', 0x01};  // 0x01: the Ed25519 algorithm byte
  h.Update(sep, sizeof sep);
  h.Update(key.data(), key.size());
  Sha256::Digest d = h.Final();
  return {d[0], d[1], d[2], d[3]};
}

std::string SignNote(const std::string& body, const Signer& signer) {
  std::array<uint8_t, 4> kh = NoteKeyHash(signer.key_name(), signer.public_key());
  Signer::Signature sig = signer.Sign(body);
  std::string blob(reinterpret_cast<const char*>(kh.data()), kh.size());
  blob.append(reinterpret_cast<const char*>(sig.data()), sig.size());
  return body + "\n" + kDash + " " + signer.key_name() + " " + Base64Encode(blob) + "\n";
}

StatusOr<ParsedNote> ParseNote(const std::string& note) {
  size_t split = note.find("\n\n");
  if (split == std::string::npos || note.size() > 64 * 1024) {
    return InvalidArgumentError("note.malformed", "not a signed note");
  }
  ParsedNote p;
  p.body = note.substr(0, split + 1);
  std::string sig_line = note.substr(split + 2);
  if (sig_line.empty() || sig_line.back() != '\n') {
    return InvalidArgumentError("note.malformed", "signature line must end with a newline");
  }
  sig_line.pop_back();
  std::string prefix = std::string(kDash) + " ";
  if (sig_line.rfind(prefix, 0) != 0 || sig_line.find('\n') != std::string::npos) {
    return InvalidArgumentError("note.malformed", "expected exactly one signature line");
  }
  std::string rest = sig_line.substr(prefix.size());
  size_t space = rest.find(' ');
  if (space == std::string::npos || space == 0) {
    return InvalidArgumentError("note.malformed", "signature line lacks a key name");
  }
  p.key_name = rest.substr(0, space);
  VAULT_ASSIGN_OR_RETURN(std::string blob, Base64Decode(rest.substr(space + 1)));
  if (blob.size() != 4 + Signer::kSignatureSize) {
    return InvalidArgumentError("note.malformed", "signature has the wrong length");
  }
  p.key_hash.assign(blob.begin(), blob.begin() + 4);
  p.signature.assign(blob.begin() + 4, blob.end());
  return p;
}

}  // namespace vault
