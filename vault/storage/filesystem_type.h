// The type of the filesystem a path lives on, by name as the kernel reports
// it in /proc/self/mountinfo ("ext4", "xfs", "nfs4", "ceph", "overlay",
// "tmpfs"...). A destruction certificate names it: an in-place overwrite
// reaches the old blocks on a local ext4 or xfs disk, not on network or
// copy-on-write storage (docs/destruction.md), and an auditor must be able
// to tell which case a certificate describes.
#pragma once

#include <string>

namespace vault {

// The filesystem of `path` (or of its nearest existing ancestor): the
// mount with the longest mount point containing it. "unknown" only if
// neither /proc/self/mountinfo nor statfs(2) answers.
std::string FilesystemTypeOf(const std::string& path);

// True for types where overwriting a file in place is not known to reach
// the blocks that held it: network filesystems (NFS, CephFS, SMB,
// GlusterFS, FUSE), copy-on-write ones (btrfs, ZFS, overlay) and unknown.
bool OverwriteMayMissOldBlocks(const std::string& type);

}  // namespace vault
