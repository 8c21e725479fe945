// vaultctl index rebuild: remakes the title search index from the documents
// table (after a restore, a migration or a bulk import that wrote documents
// without it). Audited like every other change.
#include <chrono>
#include <cstdio>
#include <string>

#include "api/vaultctl/args.h"
#include "api/vaultctl/commands.h"

namespace vaultctl {
namespace {

const char kIndexHelp[] =
    "usage: vaultctl index rebuild\n"
    "  Empties the title search index and indexes every document's title again,\n"
    "  in one transaction (searches meanwhile see the old index). Prints the\n"
    "  documents indexed, the index rows written and the time taken.\n";

}  // namespace

int CmdIndex(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv, {{}, {}}, kIndexHelp, a); rc >= 0) return rc;
  if (a.positional.size() != 1 || a.positional[0] != "rebuild") return Usage("index rebuild", kIndexHelp);
  auto lv = vault::LocalVault::Open(g.config);
  if (!lv.ok()) return Fail(lv.status());
  const auto start = std::chrono::steady_clock::now();
  auto counts = (*lv)->metadata().RebuildSearchIndex();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (int rc = Finish(**lv, "search_index.rebuild", "search_terms", counts.status()); rc != kExitOk) {
    return rc;
  }
  std::printf("indexed %lld documents, %lld index rows in %.1f s\n", static_cast<long long>(counts->documents),
              static_cast<long long>(counts->terms), seconds);
  return kExitOk;
}

}  // namespace vaultctl
