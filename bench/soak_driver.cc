// The load of bench/soak.sh: N client threads of mixed traffic against a
// running vaultd for a fixed time, then a check of every acknowledged
// upload, while a sampler reads vaultd's RSS and open descriptors from /proc.
//
//   bench_soak --port P --pid PID --pdf DOC_ID --seconds S --clients N
//              --warmup W --password PW
//
// Users (made by soak.sh): soak_admin (archive_admin), soak_mgr
// (dept_manager of 华南销售部) and soak_staff_0 .. soak_staff_{N-1} (staff of
// 华南销售部), all with password PW. Client i works as soak_staff_i, and
// uploads and loan steps that need them as soak_admin and soak_mgr.
//
// Request kinds and their shares: login 4%, search 25%, view 25% (a
// document's metadata), upload 16% (1 to 64 KiB, by the archive admin),
// export 10% (a stamped copy of the PDF for the client's staff user), loan
// step 20% (request, approve, issue, fetch the copy, return it, in turn).
// A 503 whose code ends in ".busy" is a configured concurrency cap saying
// "retry shortly" (logins, exports): counted apart, not a failure. Every
// other non-2xx answer or broken connection is a failure.
//
// Prints the per-kind table rows and summary lines for soak.sh; exits 1 if
// any check failed (5xx, lost or altered upload, RSS or descriptor growth).
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  int pid = 0;
  std::string pdf;
  int seconds = 60;
  int clients = 64;
  int warmup = 15;
  std::string password;
};

struct Reply {
  int status = -1;  // -1: the connection failed or was cut
  std::string body;
  std::string error;
};

// One keep-alive connection per client; a failed exchange opens a new one.
class Client {
 public:
  explicit Client(int port) : port_(port) { Reset(); }

  Reply Call(const std::string& method, const std::string& path, const std::string& token,
             const std::string& body = "", const std::string& type = "application/json") {
    Reply r;
    try {
      Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
      req.setKeepAlive(true);
      if (!token.empty()) req.set("Authorization", "Bearer " + token);
      if (!body.empty() || method == "POST") {
        req.setContentType(type);
        req.setContentLength64(static_cast<Poco::Int64>(body.size()));
      }
      session_->sendRequest(req) << body;
      Poco::Net::HTTPResponse resp;
      std::istream& in = session_->receiveResponse(resp);
      Poco::StreamCopier::copyToString(in, r.body);
      r.status = resp.getStatus();
      if (!resp.getKeepAlive()) Reset();
    } catch (const Poco::Exception& e) {
      r.status = -1;
      r.error = e.displayText();
      Reset();
    }
    return r;
  }

 private:
  void Reset() {
    session_ = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", static_cast<Poco::UInt16>(port_));
    session_->setKeepAlive(true);
    session_->setTimeout(Poco::Timespan(60, 0));
  }
  int port_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;

 public:
  // Closes the connection (the next call opens a new one).
  void Disconnect() { Reset(); }
};

std::string Field(const std::string& json, const std::string& name) {
  try {
    Poco::JSON::Parser p;
    auto o = p.parse(json).extract<Poco::JSON::Object::Ptr>();
    return o->has(name) ? o->getValue<std::string>(name) : "";
  } catch (const Poco::Exception&) {
    return "";
  }
}

std::string ErrorCode(const std::string& json) {
  try {
    Poco::JSON::Parser p;
    auto o = p.parse(json).extract<Poco::JSON::Object::Ptr>();
    return o->getObject("error")->getValue<std::string>("code");
  } catch (const Poco::Exception&) {
    return "";
  }
}

std::string Sha256Hex(const std::string& data) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

const char* kKinds[] = {"login", "search", "view", "upload", "export", "loan"};
constexpr int kKindCount = 6;

struct KindStats {
  std::vector<double> millis;  // answered requests (any status)
  int64_t ok = 0, busy = 0, failed = 0, server_errors = 0;
};

struct Stored {
  std::string id, sha256;
};

struct Shared {
  std::mutex mu;
  KindStats kinds[kKindCount];
  std::vector<Stored> stored;
  std::vector<std::string> failures;  // the first few, for the log
};

struct Sample {
  double t;
  long rss_kib;
  long fds;
};

long ReadRssKib(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

long CountFds(int pid) {
  std::error_code ec;
  long n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return ec ? -1 : n;
}

std::string Multipart(const std::string& metadata, const std::string& content, const std::string& filename) {
  const std::string b = "soakBoundary7MA4YWxkTrZu0gW";
  return "--" + b + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n" +
         metadata + "\r\n--" + b + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename +
         "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + b + "--\r\n";
}

std::string Login(Client& c, const std::string& user, const std::string& password, Reply* out = nullptr) {
  Reply r = c.Call("POST", "/api/v1/sessions", "",
                   "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
  if (out) *out = r;
  return r.status == 201 ? Field(r.body, "token") : "";
}

class Worker {
 public:
  Worker(const Options& o, int index, Shared* shared, std::string admin, std::string manager)
      : o_(o), index_(index), shared_(shared), client_(o.port), admin_(std::move(admin)),
        manager_(std::move(manager)), rng_(static_cast<uint32_t>(index * 7919 + 17)) {
    user_ = "soak_staff_" + std::to_string(index);
    staff_ = Login(client_, user_, o.password);
  }

  void Disconnect() { client_.Disconnect(); }

  void Run(Clock::time_point until) {
    std::uniform_int_distribution<int> pick(0, 99);
    while (Clock::now() < until) {
      const int p = pick(rng_);
      const int kind = p < 4 ? 0 : p < 29 ? 1 : p < 54 ? 2 : p < 70 ? 3 : p < 80 ? 4 : 5;
      Step(kind);
      if (backoff_) {  // "retry shortly": as a well-behaved client would
        backoff_ = false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }

 private:
  // Times one request and files its outcome under `kind`.
  Reply Timed(int kind, const std::string& method, const std::string& path, const std::string& token,
              const std::string& body = "", const std::string& type = "application/json", int expect = 200) {
    const auto t0 = Clock::now();
    Reply r = client_.Call(method, path, token, body, type);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    const std::string code = r.status >= 400 ? ErrorCode(r.body) : "";
    const bool busy = r.status == 503 && code.size() > 5 && code.compare(code.size() - 5, 5, ".busy") == 0;
    std::lock_guard<std::mutex> lock(shared_->mu);
    KindStats& k = shared_->kinds[kind];
    k.millis.push_back(ms);
    if (r.status == expect) {
      ++k.ok;
    } else if (busy) {
      ++k.busy;
      backoff_ = true;
    } else {
      ++k.failed;
      if (r.status >= 500) ++k.server_errors;
      if (shared_->failures.size() < 20) {
        shared_->failures.push_back(std::string(kKinds[kind]) + " " + method + " " + path + " -> " +
                                    std::to_string(r.status) + " " + (r.status < 0 ? r.error : r.body.substr(0, 200)));
      }
    }
    return r;
  }

  void Step(int kind) {
    switch (kind) {
      case 0: {  // a fresh session for this client's user
        Reply r = Timed(0, "POST", "/api/v1/sessions", "",
                        "{\"username\":\"" + user_ + "\",\"password\":\"" + o_.password + "\"}", "application/json",
                        201);
        if (r.status == 201) staff_ = Field(r.body, "token");
        break;
      }
      case 1: {
        static const char* terms[] = {"合同", "soak", "基准", "c1", "quotation"};
        Timed(1, "GET", std::string("/api/v1/documents?limit=20&title=") + Encode(terms[rng_() % 5]), staff_);
        break;
      }
      case 2:
        Timed(2, "GET", "/api/v1/documents/" + (recent_.empty() ? o_.pdf : recent_), admin_);
        break;
      case 3: {
        std::uniform_int_distribution<int> size(1024, 64 * 1024);
        std::string content(static_cast<size_t>(size(rng_)), '\0');
        for (auto& ch : content) ch = static_cast<char>(rng_());
        const std::string title = "soak c" + std::to_string(index_) + " n" + std::to_string(uploads_++);
        const std::string meta = "{\"customer\":\"C0001\",\"type\":\"合同\",\"title\":\"" + title +
                                 "\",\"department\":\"华南销售部\",\"classification\":\"internal\"}";
        Reply r = Timed(3, "POST", "/api/v1/documents", admin_, Multipart(meta, content, "soak.bin"),
                        "multipart/form-data; boundary=soakBoundary7MA4YWxkTrZu0gW", 201);
        if (r.status == 201) {
          recent_ = Field(r.body, "id");
          std::lock_guard<std::mutex> lock(shared_->mu);
          shared_->stored.push_back({recent_, Sha256Hex(content)});
        }
        break;
      }
      case 4:
        Timed(4, "POST", "/api/v1/documents/" + o_.pdf + "/exports", staff_, "{}");
        break;
      case 5:
        LoanStep();
        break;
    }
  }

  // Request -> approve -> issue -> copy -> return, one step per call; a
  // step that fails starts a new loan (a busy issue is tried again).
  void LoanStep() {
    Reply r;
    switch (loan_step_) {
      case 0:
        r = Timed(5, "POST", "/api/v1/borrows", staff_,
                  "{\"documents\":[\"" + o_.pdf + "\"],\"purpose\":\"soak\",\"period\":\"P7D\",\"kind\":\"electronic\"}",
                  "application/json", 201);
        if (r.status == 201) {
          loan_ = Field(r.body, "id");
          loan_step_ = 1;
        }
        return;
      case 1:
        r = Timed(5, "POST", "/api/v1/borrows/" + loan_ + "/approve", manager_, "{\"note\":\"ok\"}");
        break;
      case 2:
        r = Timed(5, "POST", "/api/v1/borrows/" + loan_ + "/issue", admin_);
        if (r.status == 503) return;  // busy: the same step again
        break;
      case 3:
        r = Timed(5, "GET", "/api/v1/borrows/" + loan_ + "/copy", staff_);
        if (r.status == 200) copy_ = std::move(r.body);
        break;
      case 4:
        r = Timed(5, "POST", "/api/v1/borrows/" + loan_ + "/return", staff_, copy_, "application/pdf");
        copy_.clear();
        break;
    }
    loan_step_ = (r.status == 200 && loan_step_ < 4) ? loan_step_ + 1 : 0;
  }

  static std::string Encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c)) {
        out += static_cast<char>(c);
      } else {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      }
    }
    return out;
  }

  const Options& o_;
  int index_;
  Shared* shared_;
  Client client_;
  std::string admin_, manager_, staff_, user_;
  std::mt19937 rng_;
  std::string recent_, loan_, copy_;
  int loan_step_ = 0;
  int uploads_ = 0;
  bool backoff_ = false;
};

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  return v[i];
}

bool ParseArgs(int argc, char** argv, Options* o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--port") o->port = std::atoi(v.c_str());
    else if (k == "--pid") o->pid = std::atoi(v.c_str());
    else if (k == "--pdf") o->pdf = v;
    else if (k == "--seconds") o->seconds = std::atoi(v.c_str());
    else if (k == "--clients") o->clients = std::atoi(v.c_str());
    else if (k == "--warmup") o->warmup = std::atoi(v.c_str());
    else if (k == "--password") o->password = v;
    else return false;
  }
  return o->port > 0 && o->pid > 0 && !o->pdf.empty() && o->seconds > 0 && o->clients > 0 && !o->password.empty();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseArgs(argc, argv, &o)) {
    std::fprintf(stderr, "usage: bench_soak --port P --pid PID --pdf DOC_ID --password PW "
                         "[--seconds 60] [--clients 64] [--warmup 15]\n");
    return 2;
  }
  Shared shared;
  Client setup(o.port);
  const std::string admin = Login(setup, "soak_admin", o.password);
  const std::string manager = Login(setup, "soak_mgr", o.password);
  if (admin.empty() || manager.empty()) {
    std::fprintf(stderr, "bench_soak: cannot log in as soak_admin / soak_mgr\n");
    return 2;
  }
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < o.clients; ++i) workers.push_back(std::make_unique<Worker>(o, i, &shared, admin, manager));
  // RSS and descriptors are compared at two quiet moments (every client
  // disconnected, no request running): after the warm-up and after the
  // load. In between a sampler records the highest values under load.
  auto quiet = [&](long* rss, long* fds) {
    for (auto& w : workers) w->Disconnect();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    *rss = ReadRssKib(o.pid);
    *fds = CountFds(o.pid);
  };
  auto run_all = [&](Clock::time_point until) {
    std::vector<std::thread> threads;
    for (auto& w : workers) threads.emplace_back([&w, until] { w->Run(until); });
    for (auto& t : threads) t.join();
  };
  std::vector<Sample> samples;
  std::atomic<bool> running{true};
  const auto start = Clock::now();
  std::thread sampler([&] {
    while (running.load()) {
      const double t = std::chrono::duration<double>(Clock::now() - start).count();
      samples.push_back({t, ReadRssKib(o.pid), CountFds(o.pid)});
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  run_all(start + std::chrono::seconds(o.warmup));
  long rss_warm = 0, fds_warm = 0, rss_end = 0, fds_after = 0;
  quiet(&rss_warm, &fds_warm);
  const auto measured = Clock::now();
  run_all(measured + std::chrono::seconds(std::max(1, o.seconds - o.warmup)));
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count() - 2.0;
  running = false;
  sampler.join();
  quiet(&rss_end, &fds_after);
  workers.clear();

  // Every acknowledged upload, read back whole and hashed.
  int64_t lost = 0, altered = 0;
  for (const auto& s : shared.stored) {
    Reply r = setup.Call("GET", "/api/v1/documents/" + s.id + "/content", admin);
    if (r.status != 200) {
      ++lost;
      if (lost <= 5) std::fprintf(stderr, "lost upload %s: %d %s\n", s.id.c_str(), r.status, r.body.substr(0, 200).c_str());
    } else if (Sha256Hex(r.body) != s.sha256) {
      ++altered;
    }
  }

  long rss_max = 0, fd_max = 0;
  for (const auto& smp : samples) {
    rss_max = std::max(rss_max, smp.rss_kib);
    fd_max = std::max(fd_max, smp.fds);
  }
  const double growth_mib = static_cast<double>(rss_end - rss_warm) / 1024.0;

  int64_t total = 0, server_errors = 0, failed = 0, busy = 0;
  for (int k = 0; k < kKindCount; ++k) {
    const KindStats& s = shared.kinds[k];
    const int64_t n = static_cast<int64_t>(s.millis.size());
    total += n;
    server_errors += s.server_errors;
    failed += s.failed;
    busy += s.busy;
    std::printf("ROW | %s | %lld | %.1f | %.1f | %.1f | %lld | %lld |\n", kKinds[k], static_cast<long long>(n),
                static_cast<double>(n) / elapsed, Percentile(s.millis, 0.50), Percentile(s.millis, 0.99),
                static_cast<long long>(s.busy), static_cast<long long>(s.failed));
  }
  for (const auto& f : shared.failures) std::fprintf(stderr, "failure: %s\n", f.c_str());
  const bool rss_ok = growth_mib < 32.0;
  const bool fds_ok = fds_after <= fds_warm;
  const bool pass = server_errors == 0 && failed == 0 && lost == 0 && altered == 0 && rss_ok && fds_ok;
  std::printf("TOTAL %lld %.1f\n", static_cast<long long>(total), static_cast<double>(total) / elapsed);
  std::printf("ERRORS 5xx=%lld failed=%lld busy=%lld\n", static_cast<long long>(server_errors),
              static_cast<long long>(failed), static_cast<long long>(busy));
  std::printf("UPLOADS acknowledged=%zu lost=%lld altered=%lld\n", shared.stored.size(), static_cast<long long>(lost),
              static_cast<long long>(altered));
  std::printf("RSS after_warmup_mib=%.1f end_mib=%.1f growth_mib=%.1f max_under_load_mib=%.1f\n",
              static_cast<double>(rss_warm) / 1024, static_cast<double>(rss_end) / 1024, growth_mib,
              static_cast<double>(rss_max) / 1024);
  std::printf("FDS after_warmup=%ld end=%ld max_under_load=%ld\n", fds_warm, fds_after, fd_max);
  std::printf("RESULT %s\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
