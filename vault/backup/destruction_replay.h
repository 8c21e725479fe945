// Replaying, in a restored copy, the destructions certified after its
// backup was taken (docs/destruction.md, "Backups and restores").
//
// The later certificates must continue the backup's own chain: the first
// one names the hash of the backup's last certificate, sequences follow
// without a gap, each names the previous one's hash, and each is signed by
// a key the vault owns (derived from a master key in the ring, or recorded
// on a certificate the backup holds). Then, for every record they name that
// the copy holds: the data keys of all its versions and kept copies are
// deleted (WAL truncated), its blob files overwritten with the passes the
// certificate records and removed, the record marked destroyed, and the
// certificate stored so the restored chain is whole again.
//
// Thread-safety: functions over a LocalVault nobody else uses yet.
#pragma once

#include <string>
#include <vector>

#include "vault/backup/backup_manifest.h"
#include "vault/backup/certificate_source.h"
#include "vault/local/local_vault.h"

namespace vault {

struct ReplayedRecord {
  std::string certificate_id, destruction_id, document_id;
  std::string archive_number, title;  // from the restored copy ("" when not in it)
  bool in_backup = false;             // false: ingested after the backup, nothing to erase
  int64_t keys_erased = 0;            // versions and kept copies
  int64_t blobs_overwritten = 0;
};

// The certificates of `all` issued after the backup, checked as above.
// Errors (DATA_LOSS, naming the certificate): backup.certificates_foreign
// (the chain is another vault's or was rewritten), backup.certificates_gap,
// backup.certificate_untrusted (bad signature or a key the vault never had).
// The backup's own last certificate is read from the restored copy.
StatusOr<std::vector<ChainCertificate>> CertificatesAfterBackup(const std::vector<ChainCertificate>& all,
                                                                LocalVault& restored);

// Erases and overwrites as above; returns one entry per record named.
StatusOr<std::vector<ReplayedRecord>> ReplayDestructions(LocalVault& restored,
                                                         const std::vector<ChainCertificate>& later);

}  // namespace vault
