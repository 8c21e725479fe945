// Checking destruction certificates: one file against its signature, and
// the whole stored chain (docs/certificates.md).
//
// Thread-safety: stateless functions; CheckPresentedCertificate reads the
// store, which is safe for concurrent use.
#pragma once

#include <string>
#include <vector>

#include "vault/destruction/destruction.h"
#include "vault/destruction/destruction_store.h"
#include "vault/keys/signer.h"

namespace vault {

// Ed25519 over the exact bytes of cert.json.
bool CertificateSignatureValid(const std::string& json, const std::string& raw_signature,
                               const Signer::PublicKey& key);

struct ChainProblem {
  std::string certificate;  // the id concerned ("" for the chain as a whole)
  std::string problem;      // e.g. "sequence 2 is missing", "signature does not verify"
  // Stable, for a UI to mark the link: missing (a certificate is gone:
  // a gap in the sequence before `certificate`, or `certificate` itself
  // named by a completed destruction), altered (its JSON no longer matches
  // its hash or signature), link (it does not name the previous one's
  // hash or its signed place in the chain differs), malformed.
  std::string kind;
};

struct ChainReport {
  int64_t certificates = 0;
  std::vector<ChainProblem> problems;
  bool intact() const { return problems.empty(); }
};

// Walks `certs` in sequence order: each one's stored hash is the SHA-256 of
// its JSON, its signature verifies with its recorded key, sequences run
// 1..n without a gap, and each names the previous one's hash. `referenced`
// are the certificate ids completed destructions name: one missing from
// `certs` (a deleted last certificate, which the chain alone cannot show)
// is a problem too.
ChainReport VerifyCertificateChain(std::vector<Certificate> certs, const std::vector<std::string>& referenced);

// A certificate someone presents (cert.json and the hex of cert.json.sig),
// checked against the vault's records.
struct PresentedCertificateCheck {
  // The signature verifies with `current_key`, or with the key recorded
  // for the stored certificate of the same hash (signed before a rotation).
  // False when the signature is not hex.
  bool signature_valid = false;
  std::string known;   // id of the stored certificate with the same hash, or ""
  std::string sha256;  // of the presented JSON
  ChainReport chain;   // the whole stored chain (VerifyCertificateChain)
};

// Errors only when the store cannot be read.
StatusOr<PresentedCertificateCheck> CheckPresentedCertificate(DestructionStore& store,
                                                              const Signer::PublicKey& current_key,
                                                              const std::string& json,
                                                              const std::string& signature_hex);

}  // namespace vault
