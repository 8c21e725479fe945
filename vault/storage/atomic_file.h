// Replacing a small file atomically and durably.
//
// Writes a sibling temporary (created with `mode`, O_EXCL), fsyncs it,
// renames it over `path` and fsyncs the directory; the temporary is removed
// on any failure. A crash leaves either the old file or the new one.
#pragma once

#include <sys/types.h>

#include <string>

#include "vault/base/status.h"

namespace vault {

Status WriteFileAtomically(const std::string& path, const std::string& data, mode_t mode);

}  // namespace vault
