// File helpers of backups: a BlobWriter/BlobReader over one plain file (the
// sealed database copy), and copying a file while hashing what was written.
//
// Thread-safety: each object is used by one thread; the functions are
// self-contained.
#pragma once

#include <memory>
#include <string>

#include "vault/backup/backup_manifest.h"
#include "vault/storage/blob_store.h"

namespace vault {

// Writes a new file (O_EXCL, mode 0600); Commit() fsyncs it. Destroyed
// without a successful Commit(), it removes the file.
StatusOr<std::unique_ptr<BlobWriter>> NewFileWriter(const std::string& path);
StatusOr<std::unique_ptr<BlobReader>> OpenFileReader(const std::string& path);

// Copies `src` to the new file `dst` (mode 0600, parents created 0700) and
// returns the SHA-256 and size of `src` as it was copied. Not synced: the
// caller syncs the whole tree once (SyncTree).
StatusOr<BackupFile> CopyFileHashed(const std::string& src, const std::string& dst);
// Hard-links `src` at `dst` (parents created); false when the filesystem
// refuses (another device, no links), and the caller copies instead.
bool LinkFile(const std::string& src, const std::string& dst);
// Creates the parents of `path` with mode 0700.
Status MakeParents(const std::string& path);
// Flushes every file of the filesystem holding `dir` (syncfs) and fsyncs
// `dir`: one sync for a whole backup instead of one per file.
Status SyncTree(const std::string& dir);

}  // namespace vault
