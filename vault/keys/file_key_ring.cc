#include "vault/keys/file_key_ring.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cerrno>
#include <cstring>
#include <string_view>

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
  // Parse in place over views of `text`: no stream or line copies of key
  // material are made, and `text` itself is wiped below.
  std::string_view rest(text);
  int primaries = 0, line_no = 0;
  Status status;
  while (status.ok() && !rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::string_view fields[5];
    size_t count = 0;
    while (!line.empty() && count < 6) {
      size_t start = line.find_first_not_of(' ');
      if (start == std::string_view::npos) break;
      line = line.substr(start);
      size_t end = line.find(' ');
      if (count < 5) fields[count] = line.substr(0, end);
      ++count;
      line = end == std::string_view::npos ? std::string_view() : line.substr(end);
    }
    auto bytes = count == 5 ? HexDecode(fields[4]) : std::nullopt;
    if (count != 5 || fields[0] != "kek" || (fields[2] != "primary" && fields[2] != "retired") ||
        !bytes || bytes->size() != SecretKey::kSize) {
      status = InvalidArgumentError("key.file_invalid",
                                    "key file line " + std::to_string(line_no) + " is malformed");
    } else {
      if (fields[2] == "primary") ++primaries;
      ring->Load(Kek{std::string(fields[1]), std::string(fields[3]), SecretKey::FromBytes(bytes->data())},
                 fields[2] == "primary");
    }
    if (bytes) sodium_memzero(bytes->data(), bytes->size());
  }
  sodium_memzero(text.data(), text.size());
  if (!status.ok()) return status;
  if (primaries != 1) {
    return InvalidArgumentError("key.file_invalid", "key file must name exactly one primary KEK");
  }
  return ring;
}

Status FileKeyRing::Persist(const std::vector<const Kek*>& keks, const std::string& primary) {
  // Reserve once and append piecewise, so no reallocation or temporary
  // leaves key hex behind in freed memory; `text` is wiped below.
  std::string text;
  text.reserve(sizeof kHeaderLine + keks.size() * 160);
  text += kHeaderLine;
  static const char kDigits[] = "0123456789abcdef";
  for (const Kek* k : keks) {
    text += "kek ";
    text += k->id;
    text += k->id == primary ? " primary " : " retired ";
    text += k->created_at;
    text += ' ';
    const uint8_t* key = k->key.secret_bytes();
    for (size_t i = 0; i < SecretKey::kSize; ++i) {
      text += kDigits[key[i] >> 4];
      text += kDigits[key[i] & 0xf];
    }
    text += '\n';
  }
  // The sibling temporary is created 0600 in the key's own directory and
  // renamed over the key file; it never outlives this call.
  Status s = WriteFileAtomically(path_, text, 0600);
  sodium_memzero(text.data(), text.size());
  return s;
}

}  // namespace vault
