#include "vault/destruction/certificate_check.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>

#include "vault/base/hex.h"
#include "vault/crypto/sha256.h"

namespace vault {

bool CertificateSignatureValid(const std::string& json, const std::string& raw_signature,
                               const Signer::PublicKey& key) {
  return VerifyEd25519(key, json, reinterpret_cast<const uint8_t*>(raw_signature.data()), raw_signature.size());
}

ChainReport VerifyCertificateChain(std::vector<Certificate> certs, const std::vector<std::string>& referenced) {
  ChainReport report;
  report.certificates = static_cast<int64_t>(certs.size());
  std::sort(certs.begin(), certs.end(), [](const Certificate& a, const Certificate& b) { return a.seq < b.seq; });
  std::string previous(64, '0');
  int64_t expected = 1;
  std::set<std::string> present;
  for (const Certificate& c : certs) {
    present.insert(c.id);
    if (c.seq != expected) {
      report.problems.push_back({c.id, "sequence " + std::to_string(expected) + " is missing before " + c.id, "missing"});
      expected = c.seq;
    }
    ++expected;
    if (Sha256::HexOf(c.json) != c.sha256) report.problems.push_back({c.id, "its JSON does not match its hash", "altered"});
    if (c.previous_sha256 != previous) {
      report.problems.push_back({c.id, "it does not name the previous certificate's hash", "link"});
    }
    auto pk = HexDecode(c.public_key);
    auto sig = HexDecode(c.signature);
    Signer::PublicKey key{};
    if (!pk || pk->size() != key.size() || !sig) {
      report.problems.push_back({c.id, "its key or signature is malformed", "malformed"});
    } else {
      std::copy(pk->begin(), pk->end(), key.begin());
      if (!CertificateSignatureValid(c.json, std::string(sig->begin(), sig->end()), key)) {
        report.problems.push_back({c.id, "its signature does not verify", "altered"});
      }
    }
    // The signed fields, not only the columns: renumbering rows after a
    // deletion does not hide it.
    try {
      Poco::JSON::Parser parser;
      auto o = parser.parse(c.json).extract<Poco::JSON::Object::Ptr>();
      if (o->getValue<std::string>("certificate_id") != c.id ||
          o->getValue<Poco::Int64>("sequence") != static_cast<Poco::Int64>(c.seq) ||
          o->getValue<std::string>("previous_certificate_sha256") != previous) {
        report.problems.push_back({c.id, "its signed id, sequence or previous hash do not match the chain", "link"});
      }
    } catch (const Poco::Exception&) {
      report.problems.push_back({c.id, "its JSON cannot be read", "malformed"});
    }
    previous = Sha256::HexOf(c.json);
  }
  for (const std::string& id : referenced) {
    if (!present.count(id)) report.problems.push_back({id, "a completed destruction names it but it is missing", "missing"});
  }
  return report;
}

StatusOr<PresentedCertificateCheck> CheckPresentedCertificate(DestructionStore& store,
                                                              const Signer::PublicKey& current_key,
                                                              const std::string& json,
                                                              const std::string& signature_hex) {
  auto certs = store.Certificates();
  auto referenced = store.ReferencedCertificateIds();
  if (!certs.ok() || !referenced.ok()) return certs.ok() ? referenced.status() : certs.status();
  PresentedCertificateCheck out;
  auto sig = HexDecode(signature_hex);
  out.sha256 = Sha256::HexOf(json);
  out.signature_valid = sig && CertificateSignatureValid(json, std::string(sig->begin(), sig->end()), current_key);
  for (const auto& c : *certs) {
    if (c.sha256 == out.sha256) out.known = c.id;
    // Signed by an earlier key (before a rotation): its own recorded key.
    auto pk = HexDecode(c.public_key);
    if (!out.signature_valid && c.sha256 == out.sha256 && sig && pk && pk->size() == 32) {
      Signer::PublicKey key{};
      std::copy(pk->begin(), pk->end(), key.begin());
      out.signature_valid = CertificateSignatureValid(json, std::string(sig->begin(), sig->end()), key);
    }
  }
  out.chain = VerifyCertificateChain(*certs, *referenced);
  return out;
}

}  // namespace vault
