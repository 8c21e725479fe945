// A temporary directory under the build tree, removed when the test ends.
#pragma once

#include <string>

namespace vault::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Join(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Reads a whole file; empty on error.
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& data);
// Deterministic pseudo-random bytes.
std::string PseudoRandom(size_t n, uint64_t seed);

}  // namespace vault::testing
