#include "vault/db/sqlite_online_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vault::db {
namespace {

// Closes the handle on every path out.
struct Handle {
  sqlite3* db = nullptr;
  ~Handle() { sqlite3_close_v2(db); }
};

Status SqlError(sqlite3* db, const std::string& what) {
  return UnavailableError("backup.sqlite_error", what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

}  // namespace

StatusOr<std::string> CopySqliteOnline(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return NotFoundError("backup.source_missing", "no SQLite metadata file at " + path);
  }
  Handle src, mem;
  if (sqlite3_open_v2(path.c_str(), &src.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return SqlError(src.db, "cannot open " + path);
  }
  sqlite3_busy_timeout(src.db, 10000);
  if (sqlite3_open_v2(":memory:", &mem.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return SqlError(mem.db, "cannot open an in-memory database");
  }
  sqlite3_backup* b = sqlite3_backup_init(mem.db, "main", src.db, "main");
  if (!b) return SqlError(mem.db, "cannot start the online backup");
  // -1: every page in one step, under one read transaction of the source,
  // so a writer committing meanwhile can neither restart nor tear the copy.
  int rc;
  do {
    rc = sqlite3_backup_step(b, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
  } while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_OK);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return SqlError(mem.db, "the online backup of " + path + " failed");

  std::string copy;
  sqlite3_int64 size = 0;
  unsigned char* image = sqlite3_serialize(mem.db, "main", &size, 0);
  if (!image) return SqlError(mem.db, "cannot serialize the copy");
  copy.assign(reinterpret_cast<const char*>(image), static_cast<size_t>(size));
  sqlite3_free(image);
  return copy;
}

Status WriteSqliteFile(const std::string& bytes, const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return UnavailableError("backup.sqlite_error", "cannot create " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool ok = done == bytes.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return UnavailableError("backup.sqlite_error", "cannot write " + path);
  }
  return Status::Ok();
}

}  // namespace vault::db
