#include "vault/destruction/certificate_wording.h"

#include "vault/base/printable.h"

namespace vault {
namespace {

Status CheckField(const char* name, const std::string& value) {
  if (value.empty()) {
    return InvalidArgumentError("certificate.bad_wording", std::string(name) + " is empty");
  }
  if (value.size() > CertificateWording::kMaxBytes) {
    return InvalidArgumentError("certificate.bad_wording",
                                std::string(name) + " is longer than " +
                                    std::to_string(CertificateWording::kMaxBytes) + " bytes");
  }
  if (EscapeControl(value) != value) {
    return InvalidArgumentError(
        "certificate.bad_wording",
        std::string(name) +
            " holds a control character or malformed UTF-8: " + EscapeControl(value));
  }
  return Status::Ok();
}

}  // namespace

Status CertificateWording::Validate() const {
  VAULT_RETURN_IF_ERROR(CheckField("organisation", organisation));
  return CheckField("performer_title", performer_title);
}

}  // namespace vault
