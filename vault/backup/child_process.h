// A child process a backup streams through (pg_dump, psql): started with
// posix_spawn, one pipe to or from it, its stderr kept in memory (bounded)
// for the error message, and variables set in its environment only (the
// database password travels there, never on its command line).
//
// Writing to a child that has exited returns an error instead of raising
// SIGPIPE in the caller (vaultd must not die with a child). A child still
// running when the object is destroyed is killed (SIGKILL) and reaped: a
// psql killed before its input ended never commits.
//
// Thread-safety: one thread uses an object; the stderr reader is internal.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "vault/base/status.h"

namespace vault {

struct ChildCommand {
  std::string program;            // absolute path
  std::vector<std::string> args;  // argv[1..]
  // Set (or replaced) in the child's environment, over the inherited one.
  std::vector<std::pair<std::string, std::string>> env;
  bool to_child = false;  // true: the caller writes the child's stdin; false: reads its stdout
  std::string error_reason = "backup.child_failed";  // the reason of I/O errors
};

class ChildProcess {
 public:
  // Errors: error_reason (UNAVAILABLE) when the process cannot be started.
  static StatusOr<std::unique_ptr<ChildProcess>> Start(const ChildCommand& command);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // From the child's stdout (to_child == false): 0 at its end.
  StatusOr<size_t> Read(uint8_t* buf, size_t max);
  // Into the child's stdin (to_child == true), all of it, or an error when
  // the child closed it (exited).
  Status Write(const uint8_t* data, size_t len);
  // Ends the child's input (EOF).
  void CloseInput();
  // Waits for the child; its exit code, or 128 + the signal that ended it.
  int Wait();
  // SIGKILL, then waits.
  void Kill();
  // The first 16 KiB the child wrote to stderr; complete once Wait() returned.
  std::string Stderr();

 private:
  ChildProcess() = default;
  pid_t pid_ = -1;
  int pipe_fd_ = -1;  // our end of stdin or stdout
  int err_fd_ = -1;   // our end of stderr, read by err_thread_
  std::string reason_;
  std::thread err_thread_;
  std::mutex mu_;
  std::string err_;
  int status_ = -1;
};

// The path of `name`: DIR/name when `bin_dir` is given, else the first
// executable one on PATH; "" when there is none.
std::string FindProgram(const std::string& name, const std::string& bin_dir);

}  // namespace vault
