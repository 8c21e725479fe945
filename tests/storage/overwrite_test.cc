// The overwrite step of destruction: through a descriptor kept open from
// before, the same inode reads back the last pattern; FIEMAP shows the
// same physical extents before and after (the passes overwrote the old
// blocks, where the filesystem reports extents); the name is gone.
#include "vault/storage/overwrite.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <fstream>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace vault {
namespace {

using testing::StatusIs;

std::string ReadFd(int fd, size_t size) {
  std::string out(size, '\0');
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::pread(fd, out.data() + got, size - got, static_cast<off_t>(got));
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  out.resize(got);
  return out;
}

TEST(OverwriteTest, TheSameInodeHoldsTheLastPatternInTheSameBlocks) {
  testing::TempDir dir;
  const std::string path = dir.Join("blob-to-destroy");
  const std::string content = testing::PseudoRandom(3 * (1 << 20) + 12345, 42);  // several blocks, a ragged end
  {
    std::ofstream out(path, std::ios::binary);
    out << content;
  }
  int kept = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(kept, 0);
  ::fsync(kept);
  const std::vector<FileExtent> before = FileExtents(kept);
  auto report = OverwriteAndRemove(path, {"random", "random", "zeros"});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->size, content.size());
  ASSERT_EQ(report->passes.size(), 3u);
  for (const auto& p : report->passes) {
    EXPECT_TRUE(p.synced);
    EXPECT_EQ(p.bytes, content.size());
  }
  EXPECT_TRUE(report->verified);
  EXPECT_TRUE(report->passes.back().verified);
  // The inode we held before: same size, every byte the last pattern.
  struct stat st {};
  ASSERT_EQ(::fstat(kept, &st), 0);
  EXPECT_EQ(static_cast<size_t>(st.st_size), content.size()) << "never truncated";
  EXPECT_EQ(st.st_nlink, 0u) << "unlinked";
  EXPECT_EQ(ReadFd(kept, content.size()), std::string(content.size(), '\0'));
  if (!before.empty()) {
    EXPECT_TRUE(report->extents_known);
    EXPECT_TRUE(report->same_extents);
    EXPECT_EQ(FileExtents(kept), before) << "the passes went to the old physical blocks";
  }
  ::close(kept);
  // Neither the name nor a renamed leftover remains.
  struct stat gone {};
  EXPECT_NE(::stat(path.c_str(), &gone), 0);
  boost::filesystem::directory_iterator it(dir.path()), end;
  EXPECT_TRUE(it == end) << "no renamed leftover";
}

TEST(OverwriteTest, ARandomLastPassIsVerifiedAndBadPatternsWriteNothing) {
  testing::TempDir dir;
  const std::string path = dir.Join("b");
  const std::string content = testing::PseudoRandom(200000, 1);
  {
    std::ofstream out(path, std::ios::binary);
    out << content;
  }
  EXPECT_THAT(OverwriteAndRemove(path, {"random", "stripes"}),
              StatusIs(StatusCode::kInvalidArgument, "overwrite.bad_pattern"));
  EXPECT_THAT(OverwriteAndRemove(path, {}), StatusIs(StatusCode::kInvalidArgument, "overwrite.bad_pattern"));
  EXPECT_EQ(testing::ReadFile(path), content) << "a refused pattern writes nothing";
  int kept = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  auto report = OverwriteAndRemove(path, {"0xa5", "random"});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->verified);
  const std::string after = ReadFd(kept, content.size());
  EXPECT_NE(after, content);
  EXPECT_NE(after, std::string(content.size(), '\xa5'));
  ::close(kept);
  EXPECT_THAT(OverwriteAndRemove(dir.Join("missing"), {"zeros"}), StatusIs(StatusCode::kInternal, "overwrite.io"));
}

}  // namespace
}  // namespace vault
