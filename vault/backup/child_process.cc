#include "vault/backup/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>

extern char** environ;

namespace vault {
namespace {

constexpr size_t kMaxStderr = 16 << 10;

void CloseFd(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

// The inherited environment with `env` set over it.
std::vector<std::string> ChildEnvironment(const std::vector<std::pair<std::string, std::string>>& env) {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) {
    const std::string entry(*e);
    bool replaced = false;
    for (const auto& [key, value] : env) replaced = replaced || entry.rfind(key + "=", 0) == 0;
    if (!replaced) out.push_back(entry);
  }
  for (const auto& [key, value] : env) out.push_back(key + "=" + value);
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(const ChildCommand& c) {
  int io[2], err[2];
  if (::pipe2(io, O_CLOEXEC) != 0) return UnavailableError(c.error_reason, "cannot create a pipe");
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(io[0]);
    ::close(io[1]);
    return UnavailableError(c.error_reason, "cannot create a pipe");
  }
  // The child's end becomes its stdin or stdout; the other standard stream
  // is /dev/null. dup2 in the child clears close-on-exec on the copies.
  const int child_end = c.to_child ? io[0] : io[1];
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, child_end, c.to_child ? 0 : 1);
  posix_spawn_file_actions_addopen(&fa, c.to_child ? 1 : 0, "/dev/null", c.to_child ? O_WRONLY : O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t dfl;
  sigemptyset(&dfl);
  sigaddset(&dfl, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &dfl);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> args{c.program};
  args.insert(args.end(), c.args.begin(), c.args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = ChildEnvironment(c.env);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, c.program.c_str(), &fa, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  for (std::string& e : env) std::memset(e.data(), 0, e.size());  // the password, if any
  ::close(child_end);
  ::close(err[1]);
  if (rc != 0) {
    ::close(c.to_child ? io[1] : io[0]);
    ::close(err[0]);
    return UnavailableError(c.error_reason, "cannot run " + c.program + ": " + std::strerror(rc));
  }
  std::unique_ptr<ChildProcess> p(new ChildProcess());
  p->pid_ = pid;
  p->pipe_fd_ = c.to_child ? io[1] : io[0];
  p->err_fd_ = err[0];
  p->reason_ = c.error_reason;
  ChildProcess* self = p.get();
  p->err_thread_ = std::thread([self] {
    char buf[4096];
    while (true) {
      const ssize_t n = ::read(self->err_fd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      std::lock_guard<std::mutex> lock(self->mu_);
      if (self->err_.size() < kMaxStderr) self->err_.append(buf, std::min(static_cast<size_t>(n), kMaxStderr - self->err_.size()));
    }
  });
  return p;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && status_ < 0) Kill();
  CloseFd(&pipe_fd_);
  if (err_thread_.joinable()) err_thread_.join();
  CloseFd(&err_fd_);
}

StatusOr<size_t> ChildProcess::Read(uint8_t* buf, size_t max) {
  while (true) {
    const ssize_t n = ::read(pipe_fd_, buf, max);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return UnavailableError(reason_, std::string("cannot read from the child: ") + std::strerror(errno));
    return static_cast<size_t>(n);
  }
}

Status ChildProcess::Write(const uint8_t* data, size_t len) {
  // SIGPIPE is thread-directed for a pipe write: blocked here, and a
  // pending one taken away, so only EPIPE reports the child's exit.
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  Status s = Status::Ok();
  while (len > 0) {
    const ssize_t n = ::write(pipe_fd_, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      s = UnavailableError(reason_, errno == EPIPE ? "the child exited before reading all its input"
                                                   : std::string("cannot write to the child: ") + std::strerror(errno));
      if (errno == EPIPE) {
        const timespec zero{0, 0};
        (void)sigtimedwait(&pipe_set, nullptr, &zero);
      }
      break;
    }
    data += n;
    len -= static_cast<size_t>(n);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return s;
}

void ChildProcess::CloseInput() { CloseFd(&pipe_fd_); }

int ChildProcess::Wait() {
  if (status_ >= 0) return status_;
  int st = 0;
  while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
  }
  status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  if (err_thread_.joinable()) err_thread_.join();
  return status_;
}

void ChildProcess::Kill() {
  if (status_ >= 0) return;
  ::kill(pid_, SIGKILL);
  CloseFd(&pipe_fd_);
  Wait();
}

std::string ChildProcess::Stderr() {
  std::lock_guard<std::mutex> lock(mu_);
  return err_;
}

std::string FindProgram(const std::string& name, const std::string& bin_dir) {
  auto usable = [](const std::string& p) { return ::access(p.c_str(), X_OK) == 0; };
  if (!bin_dir.empty()) return usable(bin_dir + "/" + name) ? bin_dir + "/" + name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = dirs.substr(start, end - start);
    if (!dir.empty() && usable(dir + "/" + name)) return dir + "/" + name;
    start = end + 1;
  }
  return "";
}

}  // namespace vault
