// Where a restore learns of destructions made after its backup: the
// certificate chain of the live vault (its data directory's metadata.db,
// read-only) or a bundle directory of certificates as `vaultctl cert get`
// and `vaultctl cert bundle` write them (CERT-NNNNNN.json + .json.sig).
//
// Each certificate is taken from its signed JSON alone (sequence, previous
// hash, destruction, records, signing key), so a live database and a bundle
// are read the same way and nothing unsigned decides what is destroyed.
//
// Thread-safety: functions.
#pragma once

#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/destruction/destruction.h"

namespace vault {

struct ChainCertificate {
  Certificate cert;  // id, seq, destruction_id, json, sha256 (recomputed), signature (hex), key, previous
  std::vector<std::string> document_ids;
  std::vector<std::string> passes;  // the overwrite patterns it records
};

// Errors: backup.certificates_unreadable (NOT_FOUND / DATA_LOSS) naming the
// path or file: no such path, neither a vault nor a bundle, a certificate
// whose JSON does not parse.
StatusOr<std::vector<ChainCertificate>> LoadCertificates(const std::string& live_dir_or_bundle);

// One certificate from its JSON and raw signature bytes.
StatusOr<ChainCertificate> ParseChainCertificate(const std::string& json, const std::string& raw_signature,
                                                 const std::string& where);

}  // namespace vault
