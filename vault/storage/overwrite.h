// Overwriting a file in place before removing it: the blob-level step of
// destruction (docs/architecture.md, "Destruction"; issue 6).
//
// The file is opened without truncation and every pass writes over its
// whole length through the same descriptor, so the filesystem is asked to
// reuse the blocks the content was in rather than allocate new ones; each
// pass is made durable with fdatasync. After the last pass the file's page
// cache is dropped and the file read back and compared with the pattern,
// so the check reads what reached the device. Then the file is renamed to a
// random name (its old name, often meaningful, is gone from the directory),
// unlinked, and the directory fsync'ed.
//
// What this cannot guarantee is stated in the certificate: flash remapping
// (SSD wear levelling), copy-on-write filesystems and snapshots, and
// virtual disks may keep old blocks whatever is written. That is why
// crypto-erase (destroying the data keys) is the Purge-level step; the
// overwrite is Clear-level defence in depth. FileExtents() lets callers
// check, where the filesystem reports extents (FIEMAP), that the passes
// went to the same physical blocks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vault/base/status.h"

namespace vault {

// A pass: "random" (a fresh ChaCha20 keystream), "zeros", "ones", or
// "0xNN" (one byte repeated).
struct OverwritePassResult {
  std::string pattern;
  uint64_t bytes = 0;
  bool synced = false;    // fdatasync succeeded
  bool verified = false;  // read back and compared (the last pass only)
};

struct OverwriteReport {
  uint64_t size = 0;
  std::vector<OverwritePassResult> passes;
  bool verified = false;      // the last pattern was read back intact
  bool same_extents = false;  // FIEMAP before == after (false if unknown)
  bool extents_known = false;
};

// Physical extents (logical offset, physical offset, length) of an open
// file, from the FIEMAP ioctl after syncing it; empty if unsupported.
struct FileExtent {
  uint64_t logical = 0, physical = 0, length = 0;
  bool operator==(const FileExtent& o) const {
    return logical == o.logical && physical == o.physical && length == o.length;
  }
};
std::vector<FileExtent> FileExtents(int fd);

// Checks the pattern names (overwrite.bad_pattern) before anything is
// written. Errors: overwrite.io (with errno text), overwrite.verify_failed
// (the read-back differed; the file is left in place under its name, so a
// retry overwrites it again), and overwrite.bad_pattern.
// overwrite.bad_pattern unless every name is a pattern OverwriteAndRemove takes.
Status CheckOverwritePatterns(const std::vector<std::string>& passes);

// `after_pass` (optional) runs after each synced pass (fault-injection tests).
StatusOr<OverwriteReport> OverwriteAndRemove(const std::string& path, const std::vector<std::string>& passes,
                                             const std::function<void(size_t pass)>& after_pass = nullptr);

}  // namespace vault
