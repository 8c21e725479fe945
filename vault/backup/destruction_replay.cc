#include "vault/backup/destruction_replay.h"

#include <unistd.h>

#include <set>

#include "vault/base/hex.h"
#include "vault/destruction/certificate_check.h"
#include "vault/keys/signer.h"
#include "vault/storage/overwrite.h"

namespace vault {
namespace {

// Public keys (hex) the vault's certificates may be signed with.
StatusOr<std::set<std::string>> TrustedKeys(LocalVault& restored) {
  std::set<std::string> keys;
  for (const KekInfo& k : restored.keys().List()) {
    VAULT_ASSIGN_OR_RETURN(auto signer, Signer::FromKek(restored.keys(), k.id, "certificate"));
    keys.insert(HexEncode(signer->public_key().data(), signer->public_key().size()));
  }
  VAULT_ASSIGN_OR_RETURN(std::vector<Certificate> own, restored.destructions().Certificates());
  for (const Certificate& c : own) keys.insert(c.public_key);
  return keys;
}

}  // namespace

StatusOr<std::vector<ChainCertificate>> CertificatesAfterBackup(const std::vector<ChainCertificate>& all,
                                                                LocalVault& restored) {
  VAULT_ASSIGN_OR_RETURN(std::set<std::string> trusted, TrustedKeys(restored));
  VAULT_ASSIGN_OR_RETURN(Certificate last, restored.destructions().LastCertificate());
  const int64_t last_seq = last.id.empty() ? 0 : last.seq;
  std::vector<ChainCertificate> later;
  std::string previous = last.id.empty() ? std::string(64, '0') : last.sha256;
  int64_t expected = last_seq + 1;
  for (const ChainCertificate& c : all) {
    if (c.cert.seq == last_seq && last_seq > 0 && c.cert.sha256 != last.sha256) {
      return DataLossError("backup.certificates_foreign",
                           c.cert.id + " differs from the backup's certificate of the same sequence: the chain "
                                       "given is not this vault's, or was rewritten");
    }
    if (c.cert.seq <= last_seq) continue;
    if (c.cert.seq != expected) {
      return DataLossError("backup.certificates_gap", "certificate sequence " + std::to_string(expected) +
                                                          " is missing before " + c.cert.id);
    }
    if (c.cert.previous_sha256 != previous) {
      return DataLossError("backup.certificates_foreign",
                           c.cert.id + " does not name the previous certificate's hash (" +
                               (expected == last_seq + 1 ? "the backup's last certificate" : "its "
                                                                                                            "predecessor") +
                               ")");
    }
    Signer::PublicKey pk{};
    auto key = HexDecode(c.cert.public_key);
    auto sig = HexDecode(c.cert.signature);
    if (!key || key->size() != pk.size() || !sig || !trusted.count(c.cert.public_key)) {
      return DataLossError("backup.certificate_untrusted",
                           c.cert.id + " is not signed by a key of this vault");
    }
    std::copy(key->begin(), key->end(), pk.begin());
    if (!CertificateSignatureValid(c.cert.json, std::string(sig->begin(), sig->end()), pk)) {
      return DataLossError("backup.certificate_untrusted", c.cert.id + ": its signature does not verify");
    }
    later.push_back(c);
    previous = c.cert.sha256;
    ++expected;
  }
  return later;
}

StatusOr<std::vector<ReplayedRecord>> ReplayDestructions(LocalVault& restored,
                                                         const std::vector<ChainCertificate>& later) {
  std::vector<ReplayedRecord> out;
  for (const ChainCertificate& c : later) {
    const std::vector<std::string> passes = c.passes.empty() ? std::vector<std::string>{"random"} : c.passes;
    VAULT_RETURN_IF_ERROR(CheckOverwritePatterns(passes));
    for (const std::string& doc_id : c.document_ids) {
      ReplayedRecord r;
      r.certificate_id = c.cert.id;
      r.destruction_id = c.cert.destruction_id;
      r.document_id = doc_id;
      auto doc = restored.vault().Get(doc_id);
      if (!doc.ok()) {
        if (doc.status().code() != StatusCode::kNotFound) return doc.status();
        out.push_back(r);  // ingested after the backup: the copy never had it
        continue;
      }
      r.in_backup = true;
      r.archive_number = doc->archive_number;
      r.title = doc->meta.title;
      VAULT_ASSIGN_OR_RETURN(std::vector<VersionRecord> versions, restored.vault().Versions(doc_id));
      VAULT_ASSIGN_OR_RETURN(std::vector<std::string> artifacts, restored.destructions().ArtifactsOf(doc_id));
      std::vector<std::string> blobs;
      for (const VersionRecord& v : versions) blobs.push_back(v.blob_name);
      for (const std::string& a : artifacts) {
        if (auto rec = restored.vault().GetArtifact(a); rec.ok()) blobs.push_back(rec->blob_name);
      }
      // Keys first: from here on no copy of these blobs decrypts with this
      // database, whatever happens to the overwrite.
      VAULT_RETURN_IF_ERROR(restored.destructions().EraseKeys({doc_id}, artifacts));
      r.keys_erased = static_cast<int64_t>(versions.size() + artifacts.size());
      for (const std::string& name : blobs) {
        const std::string path = restored.blobs().PathOf(name);
        if (::access(path.c_str(), F_OK) != 0) continue;
        VAULT_RETURN_IF_ERROR(OverwriteAndRemove(path, passes).status());
        ++r.blobs_overwritten;
      }
      VAULT_RETURN_IF_ERROR(restored.destructions().MarkDestroyed(doc_id, c.cert.destruction_id, c.cert.created_at));
      out.push_back(r);
    }
    VAULT_RETURN_IF_ERROR(restored.destructions().InsertCertificate(c.cert));
  }
  return out;
}

}  // namespace vault
