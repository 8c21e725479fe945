#include "vault/keys/file_key_ring.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "vault/base/hex.h"
#include "vault/storage/atomic_file.h"

namespace fs = boost::filesystem;

namespace vault {
namespace {

constexpr char kHeaderLine[] =
    "# sales-vault master key file v1: keep secret, keep outside the data directory\n";
constexpr size_t kMaxKeyFileSize = 1 << 20;

}  // namespace

StatusOr<std::unique_ptr<FileKeyRing>> FileKeyRing::Create(const std::string& path,
                                                           const Clock* clock) {
  boost::system::error_code ec;
  if (fs::exists(path, ec)) return AlreadyExistsError("key.file_exists", "key file already exists: " + path);
  std::unique_ptr<FileKeyRing> ring(new FileKeyRing(path, clock));
  ring->Load(Kek{NewKekId(), FormatUtc(clock->Now()), SecretKey::Random()}, true);
  VAULT_RETURN_IF_ERROR(ring->PersistNow());
  return ring;
}

StatusOr<std::unique_ptr<FileKeyRing>> FileKeyRing::Open(const std::string& path,
                                                         const Clock* clock) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return NotFoundError("key.file_missing", "key file not found: " + path);
    return UnavailableError("key.file_io", "cannot open key file " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return InvalidArgumentError("key.file_invalid", "key file is not a regular file: " + path);
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return FailedPreconditionError("key.file_permissions",
                                   "key file " + path + " is readable by group or others; chmod 600 it");
  }
  if (st.st_size > static_cast<off_t>(kMaxKeyFileSize)) {
    ::close(fd);
    return InvalidArgumentError("key.file_invalid", "key file is too large");
  }
  std::string text(static_cast<size_t>(st.st_size), '\0');
  ssize_t got = ::pread(fd, text.data(), text.size(), 0);
  ::close(fd);
  if (got != static_cast<ssize_t>(text.size())) {
    return UnavailableError("key.file_io", "short read on key file");
  }
  std::unique_ptr<FileKeyRing> ring(new FileKeyRing(path, clock));
  std::istringstream in(text);
  std::string line;
  int primaries = 0, line_no = 0;
  Status status;
  while (status.ok() && std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string tag, id, state, created, hex;
    fields >> tag >> id >> state >> created >> hex;
    auto bytes = HexDecode(hex);
    if (tag != "kek" || id.empty() || (state != "primary" && state != "retired") || !bytes ||
        bytes->size() != SecretKey::kSize) {
      status = InvalidArgumentError("key.file_invalid",
                                    "key file line " + std::to_string(line_no) + " is malformed");
    } else {
      if (state == "primary") ++primaries;
      ring->Load(Kek{id, created, SecretKey::FromBytes(bytes->data())}, state == "primary");
    }
    if (bytes) sodium_memzero(bytes->data(), bytes->size());
    sodium_memzero(hex.data(), hex.size());
  }
  sodium_memzero(text.data(), text.size());
  sodium_memzero(line.data(), line.size());
  if (!status.ok()) return status;
  if (primaries != 1) {
    return InvalidArgumentError("key.file_invalid", "key file must name exactly one primary KEK");
  }
  return ring;
}

Status FileKeyRing::Persist(const std::vector<const Kek*>& keks, const std::string& primary) {
  std::string text = kHeaderLine;
  for (const Kek* k : keks) {
    text += "kek " + k->id + (k->id == primary ? " primary " : " retired ") + k->created_at + " " +
            HexEncode(k->key.secret_bytes(), SecretKey::kSize) + "\n";
  }
  // The sibling temporary is created 0600 in the key's own directory and
  // renamed over the key file; it never outlives this call.
  Status s = WriteFileAtomically(path_, text, 0600);
  sodium_memzero(text.data(), text.size());
  return s;
}

}  // namespace vault
