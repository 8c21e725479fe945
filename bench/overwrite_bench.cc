// Times OverwriteAndRemove (vault/storage/overwrite.h) on one file:
//   bench_overwrite FILE PASS[,PASS...]
// prints "seconds=S verified=0|1 same_extents=0|1|unknown size=N".
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "vault/storage/overwrite.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_overwrite FILE PASS[,PASS...]\n");
    return 2;
  }
  std::vector<std::string> passes;
  std::stringstream ss(argv[2]);
  for (std::string p; std::getline(ss, p, ',');) passes.push_back(p);
  const auto t0 = std::chrono::steady_clock::now();
  auto report = vault::OverwriteAndRemove(argv[1], passes);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!report.ok()) {
    std::fprintf(stderr, "bench_overwrite: %s\n", report.status().ToString().c_str());
    return 1;
  }
  std::printf("seconds=%.3f verified=%d same_extents=%s size=%llu\n", s, report->verified ? 1 : 0,
              report->extents_known ? (report->same_extents ? "1" : "0") : "unknown",
              static_cast<unsigned long long>(report->size));
  return 0;
}
