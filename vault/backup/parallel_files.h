// Runs one step per listed file on a few threads: a backup or restore is
// bound by the disk, and while one thread waits for a file's pages another
// hashes or copies the next one.
//
// Thread-safety: `step` is called concurrently from `workers` threads, each
// call with a different index; it must only touch what that index names.
#pragma once

#include <cstddef>
#include <functional>

#include "vault/base/status.h"

namespace vault {

// Calls step(i) for every i in [0, count) on min(workers, count) threads
// (at least one). After a step fails no new step starts; the failure
// returned is the one with the lowest index, so a damaged backup names the
// same file whatever the scheduling.
Status ForEachFileInParallel(size_t count, int workers, const std::function<Status(size_t)>& step);

}  // namespace vault
