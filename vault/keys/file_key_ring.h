// FileKeyRing: KEKs kept in a key file outside the data directory.
//
// The file is text, mode 0600, one line per KEK:
//   kek <id> <primary|retired> <created RFC 3339> <64 hex digits>
// Open() refuses a file readable by group or others. Every change rewrites
// the file atomically (sibling temporary with mode 0600, fsync, rename,
// directory fsync), so a crash leaves either the old or the new ring.
//
// Thread-safety: as KeyRing. One process should own the file at a time.
#pragma once

#include <memory>
#include <string>

#include "vault/keys/key_ring.h"

namespace vault {

class FileKeyRing : public KeyRing {
 public:
  // Creates a new key file with one primary KEK; key.file_exists if present.
  static StatusOr<std::unique_ptr<FileKeyRing>> Create(const std::string& path, const Clock* clock);
  static StatusOr<std::unique_ptr<FileKeyRing>> Open(const std::string& path, const Clock* clock);

 protected:
  Status Persist(const std::vector<const Kek*>& keks, const std::string& primary) override;

 private:
  FileKeyRing(std::string path, const Clock* clock) : KeyRing(clock), path_(std::move(path)) {}
  std::string path_;
};

}  // namespace vault
