// The web UI's static files (vaultd.web_root, built from api/web): GET and
// HEAD of any path outside /api/ that no route serves.
//
// Only regular files under the web root are served: the path arrives split
// and decoded by Exchange (no "..", ".", "//" or encoded slashes); segments
// starting with "." are refused too, and the resolved path (symlinks
// followed) must still lie under the resolved root. A directory is never
// listed. A path that names no file and has no extension in its last
// segment is a client route of the single-page app: index.html answers it.
// Hashed assets (/assets/...) are cached for a year; index.html and the
// rest are revalidated every time (no-cache).
#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"

namespace vaultd {

namespace {

constexpr int64_t kMaxStaticFile = 64ll << 20;

std::string ContentTypeOf(const std::string& name) {
  static const std::map<std::string, std::string> kTypes = {
      {"html", "text/html; charset=utf-8"},       {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},  {"css", "text/css; charset=utf-8"},
      {"json", "application/json; charset=utf-8"}, {"map", "application/json; charset=utf-8"},
      {"svg", "image/svg+xml"},                   {"png", "image/png"},
      {"ico", "image/x-icon"},                    {"jpg", "image/jpeg"},
      {"woff2", "font/woff2"},                    {"woff", "font/woff"},
      {"ttf", "font/ttf"},                        {"txt", "text/plain; charset=utf-8"},
      {"bcmap", "application/octet-stream"},      {"pfb", "application/octet-stream"},
  };
  size_t dot = name.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  auto it = kTypes.find(name.substr(dot + 1));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// The real path of `path` if it is a regular file inside `root` (already
// real); empty otherwise.
std::string RegularFileUnder(const std::string& root, const std::string& path) {
  char* real = ::realpath(path.c_str(), nullptr);
  if (!real) return "";
  std::string resolved(real);
  std::free(real);
  if (resolved.compare(0, root.size() + 1, root + "/") != 0) return "";
  struct stat st;
  if (::stat(resolved.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "";
  return resolved;
}

void SendFile(Exchange& ex, const std::string& path, const std::string& type, const std::string& cache) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream data;
  data << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return ex.Error(vault::InternalError("web.unreadable", "a file of the web UI cannot be read"));
  }
  const std::string body = data.str();
  if (static_cast<int64_t>(body.size()) > kMaxStaticFile) {
    return ex.Error(vault::InternalError("web.unreadable", "a file of the web UI is too large"));
  }
  auto& resp = ex.resp();
  resp.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType(type);
  resp.set("Cache-Control", cache);
  resp.setContentLength64(static_cast<Poco::Int64>(body.size()));
  if (ex.req().getMethod() == "HEAD") {
    resp.send();
    return;
  }
  resp.sendBuffer(body.data(), body.size());
  ex.ctx().metrics->bytes_sent += static_cast<int64_t>(body.size());
}

}  // namespace

bool ServesWebUi(const Ctx& ctx, const std::string& method, const std::vector<std::string>& segments) {
  if (ctx.options->web_root.empty() || (method != "GET" && method != "HEAD")) return false;
  return segments.empty() || segments[0] != "api";
}

void HandleWebFile(Exchange& ex, const std::vector<std::string>& segments) {
  char* real_root = ::realpath(ex.ctx().options->web_root.c_str(), nullptr);
  if (!real_root) return ex.Error(vault::NotFoundError("web.not_built", "the web UI is not installed (vaultd.web_root)"));
  const std::string root(real_root);
  std::free(real_root);
  std::string relative;
  for (const auto& s : segments) {
    if (s.empty() || s[0] == '.') return ex.Error(vault::NotFoundError("web.not_found", "no such file"));
    relative += "/" + s;
  }
  if (!relative.empty()) {
    std::string file = RegularFileUnder(root, root + relative);
    if (!file.empty()) {
      const bool hashed = segments.size() >= 2 && segments[0] == "assets";
      return SendFile(ex, file, ContentTypeOf(file),
                      hashed ? "public, max-age=31536000, immutable" : "no-cache");
    }
    // A missing file (a name with an extension) is a 404, not the app.
    if (segments.back().find('.') != std::string::npos) {
      return ex.Error(vault::NotFoundError("web.not_found", "no such file"));
    }
  }
  std::string index = RegularFileUnder(root, root + "/index.html");
  if (index.empty()) return ex.Error(vault::NotFoundError("web.not_built", "the web UI is not built (npm run build in api/web)"));
  SendFile(ex, index, "text/html; charset=utf-8", "no-cache");
}

}  // namespace vaultd
