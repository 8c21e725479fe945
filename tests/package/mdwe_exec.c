/* Runs a program with memory-deny-write-execute (Linux 6.3+ PR_SET_MDWE,
 * kept across execve): what the unit's MemoryDenyWriteExecute=yes asks of
 * vaultd, for tests/package/deb_test.sh, which has no systemd to do it.
 * Exit 125: the kernel cannot; 126: the program could not be run. */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

int main(int argc, char** argv) {
  if (argc < 2) return 126;
  if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0L, 0L, 0L) != 0) {
    perror("PR_SET_MDWE");
    return 125;
  }
  execv(argv[1], argv + 1);
  perror("execv");
  return 126;
}
