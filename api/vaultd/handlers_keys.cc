// The vault's certificate-signing public key, for auditors who verify
// certificates with stock tools and need no account: as PEM for `openssl
// pkeyutl -verify -pubin -rawin`, and as a minisign public key file for
// `minisign -V` (docs/certificates.md).
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "vault/keys/minisign.h"

namespace vaultd {
namespace {

void SendKey(Exchange& ex, bool minisign) {
  auto signer = vault::Signer::FromKeyRing(ex.ctx().vault->keys(), "certificate");
  if (!signer.ok()) return ex.Error(signer.status());
  const std::string body = minisign ? vault::MinisignPublicKey((*signer)->public_key())
                                    : vault::Ed25519PublicKeyPem((*signer)->public_key());
  auto& resp = ex.resp();
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType(minisign ? "text/plain; charset=utf-8" : "application/x-pem-file");
  resp.set("X-Key-Name", (*signer)->key_name());
  resp.setContentLength64(static_cast<Poco::Int64>(body.size()));
  resp.sendBuffer(body.data(), body.size());
}

}  // namespace

void HandleSigningKeyPem(Exchange& ex, const PathParams&) { SendKey(ex, false); }
void HandleSigningKeyMinisign(Exchange& ex, const PathParams&) { SendKey(ex, true); }

}  // namespace vaultd
