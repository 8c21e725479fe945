#include "vault/storage/filesystem_type.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/statfs.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace vault {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo (octal).
std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      int v = 0;
      bool ok = true;
      for (size_t k = 1; k <= 3; ++k) {
        if (i + k >= s.size() || s[i + k] < '0' || s[i + k] > '7') ok = false;
        else v = v * 8 + (s[i + k] - '0');
      }
      if (ok) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool Contains(const std::string& mount_point, const std::string& path) {
  if (mount_point == "/") return true;
  return path.compare(0, mount_point.size(), mount_point) == 0 &&
         (path.size() == mount_point.size() || path[mount_point.size()] == '/');
}

// The canonical form of `path` or of its nearest existing ancestor.
std::string ExistingRealPath(std::string path) {
  while (!path.empty()) {
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf)) return buf;
    size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return std::string();
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
  return std::string();
}

std::string FromStatfs(const std::string& path) {
  struct statfs fs {};
  if (::statfs(path.c_str(), &fs) != 0) return "unknown";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53: return "ext4";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x01021994: return "tmpfs";
    case 0x2FC12FC1: return "zfs";
    case 0x6969: return "nfs";
    case 0x00C36400: return "ceph";
    case 0x794C7630: return "overlay";
    default: return "unknown";
  }
}

}  // namespace

std::string FilesystemTypeOf(const std::string& path) {
  const std::string real = ExistingRealPath(path);
  if (real.empty()) return "unknown";
  std::ifstream in("/proc/self/mountinfo");
  std::string best_point, best_type;
  for (std::string line; std::getline(in, line);) {
    // ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    size_t dash = 0;
    for (size_t i = 6; i < f.size(); ++i) {
      if (f[i] == "-") {
        dash = i;
        break;
      }
    }
    if (f.size() < 5 || dash == 0 || dash + 1 >= f.size()) continue;
    const std::string point = Unescape(f[4]);
    // Later lines mount over earlier ones at the same point: >= keeps the last.
    if (Contains(point, real) && point.size() >= best_point.size()) {
      best_point = point;
      best_type = f[dash + 1];
    }
  }
  return best_type.empty() ? FromStatfs(real) : best_type;
}

bool OverwriteMayMissOldBlocks(const std::string& type) {
  static const char* const kLocalInPlace[] = {"ext2", "ext3", "ext4", "xfs", "jfs", "vfat", "exfat", "tmpfs"};
  for (const char* t : kLocalInPlace) {
    if (type == t) return false;
  }
  return true;
}

}  // namespace vault
