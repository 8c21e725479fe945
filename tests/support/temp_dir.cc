#include "tests/support/temp_dir.h"

#include <stdlib.h>

#include <boost/filesystem.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vault::testing {

TempDir::TempDir() {
  // The build tree is on the same filesystem as a real deployment's data;
  // /tmp may be tmpfs, where fsync and in-place overwrite mean little.
  std::string base = std::getenv("VAULT_TEST_TMP") ? std::getenv("VAULT_TEST_TMP") : "/tmp";
  std::string tmpl = base + "/vault-test-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  boost::system::error_code ec;
  boost::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

std::string PseudoRandom(size_t n, uint64_t seed) {
  std::string out(n, '\0');
  uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x >> 32);
  }
  return out;
}

}  // namespace vault::testing
