// CertificateWording: who a destruction certificate says performed it, from
// configuration (vaultd.certificate.organisation and
// vaultd.certificate.performer_title, docs/certificates.md). The defaults
// are the words certificates carried before they were configurable.
//
// Thread-safety: a plain value.
#pragma once

#include <string>

#include "vault/base/status.h"

namespace vault {

struct CertificateWording {
  // The certificate's performer.organisation ("单位 / Organisation" on the PDF).
  std::string organisation = "sales-vault";
  // The certificate's performer.title, after the performer's name.
  std::string performer_title = "archive administrator / 档案管理员";

  // certificate.bad_wording: an empty field, one over kMaxBytes, or one
  // with a control character or malformed UTF-8 (it would break the
  // one-line fields of the PDF and of `vaultctl cert show`).
  Status Validate() const;

  static constexpr size_t kMaxBytes = 200;
};

}  // namespace vault
