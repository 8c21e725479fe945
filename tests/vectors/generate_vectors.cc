// Writes the blob-format test vectors into a directory (default: current).
#include <cstdio>
#include <string>

#include "tests/support/temp_dir.h"
#include "tests/support/vector_builder.h"

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : ".";
  auto vectors = vault::testing::BuildVectors();
  for (const auto& v : vectors) vault::testing::WriteFile(dir + "/" + v.name + ".blob", v.blob);
  vault::testing::WriteFile(dir + "/vectors.txt", vault::testing::Manifest(vectors));
  std::printf("wrote %zu vectors to %s\n", vectors.size(), dir.c_str());
  return 0;
}
