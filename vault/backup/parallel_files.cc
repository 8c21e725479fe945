#include "vault/backup/parallel_files.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace vault {

Status ForEachFileInParallel(size_t count, int workers, const std::function<Status(size_t)>& step) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  size_t failed_index = count;
  Status failure = Status::Ok();
  auto run = [&] {
    for (size_t i = next++; i < count && !failed.load(); i = next++) {
      Status s = step(i);
      if (s.ok()) continue;
      std::lock_guard<std::mutex> lock(mu);
      if (i < failed_index) {
        failed_index = i;
        failure = std::move(s);
      }
      failed = true;
    }
  };
  const size_t threads = std::max<size_t>(1, std::min<size_t>(count, static_cast<size_t>(std::max(workers, 1))));
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(run);
  run();
  for (std::thread& t : pool) t.join();
  return failure;
}

}  // namespace vault
