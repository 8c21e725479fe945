// Keeps decrypted documents and keys out of core dumps: no core file and
// no ptrace attach by other processes of the same user. Called first thing
// by vaultd and vaultctl. Best effort: failures are ignored.
#pragma once

#include <sys/prctl.h>
#include <sys/resource.h>

namespace api {

inline void DisableCoreDumps() {
  struct rlimit none = {0, 0};
  (void)setrlimit(RLIMIT_CORE, &none);
  (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace api
