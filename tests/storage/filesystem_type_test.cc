#include "vault/storage/filesystem_type.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>

#include "tests/support/temp_dir.h"

namespace vault {
namespace {

// What util-linux's findmnt says for `path`: the reference an operator would use.
std::string Findmnt(const std::string& path) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(("findmnt -n -o FSTYPE --target '" + path + "'").c_str(), "r"),
                                          pclose);
  if (!p) return out;
  std::array<char, 256> buf{};
  while (fgets(buf.data(), buf.size(), p.get())) out += buf.data();
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

TEST(FilesystemTypeTest, NamesTheMountAPathLivesOnLikeFindmnt) {
  testing::TempDir dir;
  const std::string expected = Findmnt(dir.path());
  ASSERT_FALSE(expected.empty()) << "findmnt (util-linux) is needed for this test";
  EXPECT_EQ(FilesystemTypeOf(dir.path()), expected);
  // A path that does not exist yet (a blob's shard directory) is on its
  // nearest existing ancestor's filesystem.
  EXPECT_EQ(FilesystemTypeOf(dir.Join("blobs/ab/cd/name")), expected);
  EXPECT_EQ(FilesystemTypeOf("/proc/self"), "proc");
  EXPECT_NE(FilesystemTypeOf("/"), "unknown");
}

TEST(FilesystemTypeTest, TellsWhereAnOverwriteMayMissTheOldBlocks) {
  EXPECT_FALSE(OverwriteMayMissOldBlocks("ext4"));
  EXPECT_FALSE(OverwriteMayMissOldBlocks("xfs"));
  for (const char* t : {"nfs", "nfs4", "ceph", "fuse.cephfs", "btrfs", "zfs", "overlay", "unknown"}) {
    EXPECT_TRUE(OverwriteMayMissOldBlocks(t)) << t;
  }
}

}  // namespace
}  // namespace vault
