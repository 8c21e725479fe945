// The test process's resident memory, for tests of what a path commits.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <fstream>

namespace vault::testing {

// Resident set size in bytes (/proc/self/statm).
inline int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

}  // namespace vault::testing
