// vaultctl cert: destruction certificates for auditors (docs/certificates.md).
#include <sys/stat.h>

#include <cstdio>
#include <string>

#include "api/vaultctl/args.h"
#include "api/vaultctl/commands.h"
#include "api/vaultctl/file_streams.h"
#include "vault/base/hex.h"
#include "vault/destruction/certificate_check.h"
#include "vault/keys/minisign.h"

namespace vaultctl {
namespace {

const char kCertHelp[] =
    "usage: vaultctl cert list\n"
    "       vaultctl cert verify --chain     every stored certificate: its hash, its signature, the sequence\n"
    "                                        and the previous-hash chain, and that every completed\n"
    "                                        destruction's certificate is there (exit 0 intact, 3 broken)\n"
    "       vaultctl cert get ID --out DIR    write ID.json, ID.json.sig, ID.json.minisig, signing.pem and\n"
    "                                        vault.pub for openssl and minisign (docs/certificates.md)\n"
    "       vaultctl cert bundle --out DIR    every certificate as ID.json + ID.json.sig, and bundle.json: what\n"
    "                                        `vaultctl backup restore --certificates DIR` replays\n";

}  // namespace

int CmdCert(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv, {{"--out"}, {"--chain"}}, kCertHelp, a); rc >= 0) return rc;
  if (a.positional.empty()) return Usage("cert needs a subcommand", kCertHelp);
  const std::string sub = a.positional[0];
  auto lv = vault::LocalVault::Open(g.config);
  if (!lv.ok()) return Fail(lv.status());
  auto& store = (*lv)->destructions();
  if (sub == "list") {
    auto certs = store.Certificates();
    if (!certs.ok()) return Fail(certs.status());
    for (const auto& c : *certs) {
      std::printf("%s  %s  %s  sha256 %s\n", c.id.c_str(), c.created_at.c_str(), c.destruction_id.c_str(),
                  c.sha256.c_str());
    }
    return kExitOk;
  }
  if (sub == "verify" && a.Has("--chain")) {
    auto certs = store.Certificates();
    auto referenced = store.ReferencedCertificateIds();
    if (!certs.ok()) return Fail(certs.status());
    if (!referenced.ok()) return Fail(referenced.status());
    vault::ChainReport report = vault::VerifyCertificateChain(*certs, *referenced);
    (void)Record(**lv, "certificate.verify", "chain", vault::Status::Ok());
    if (report.intact()) {
      std::printf("%lld certificates, chain intact\n", static_cast<long long>(report.certificates));
      return kExitOk;
    }
    for (const auto& p : report.problems) std::printf("BROKEN %s: %s\n", p.certificate.c_str(), p.problem.c_str());
    return kExitIntegrity;
  }
  if (sub == "bundle" && !a.Get("--out").empty()) {
    auto certs = store.Certificates();
    if (!certs.ok()) return Fail(certs.status());
    const std::string dir = a.Get("--out");
    (void)::mkdir(dir.c_str(), 0755);  // an existing directory is fine; a write below reports the rest
    for (const auto& c : *certs) {
      auto sig = vault::HexDecode(c.signature);
      if (!sig || !WritePublicFile(dir + "/" + c.id + ".json", c.json) ||
          !WritePublicFile(dir + "/" + c.id + ".json.sig", std::string(sig->begin(), sig->end()))) {
        std::fprintf(stderr, "vaultctl: error [io.write_failed]: cannot write to %s\n", dir.c_str());
        return kExitOther;
      }
    }
    const std::string last = certs->empty() ? "" : certs->back().id;
    if (!WritePublicFile(dir + "/bundle.json", "{\"certificates\":" + std::to_string(certs->size()) +
                                                   ",\"last\":\"" + last + "\"}\n")) {
      std::fprintf(stderr, "vaultctl: error [io.write_failed]: cannot write to %s\n", dir.c_str());
      return kExitOther;
    }
    (void)Record(**lv, "certificate.bundle", dir, vault::Status::Ok());
    std::printf("wrote %zu certificates to %s\n", certs->size(), dir.c_str());
    return kExitOk;
  }
  if (sub == "get" && a.positional.size() == 2 && !a.Get("--out").empty()) {
    auto c = store.GetCertificate(a.positional[1]);
    if (!c.ok()) return Fail(c.status());
    auto signer = vault::Signer::FromKeyRing((*lv)->keys(), "certificate");
    if (!signer.ok()) return Fail(signer.status());
    auto sig = vault::HexDecode(c->signature);
    const std::string dir = a.Get("--out"), base = dir + "/" + c->id;
    if (!sig || !WritePublicFile(base + ".json", c->json) ||
        !WritePublicFile(base + ".json.sig", std::string(sig->begin(), sig->end())) ||
        !WritePublicFile(base + ".json.minisig", c->minisig) ||
        !WritePublicFile(dir + "/signing.pem",
                         vault::Ed25519PublicKeyPem((*signer)->public_key())) ||
        !WritePublicFile(dir + "/vault.pub", vault::MinisignPublicKey((*signer)->public_key()))) {
      std::fprintf(stderr, "vaultctl: error [io.write_failed]: cannot write to %s\n", dir.c_str());
      return kExitOther;
    }
    (void)Record(**lv, "certificate.read", c->id, vault::Status::Ok());
    std::printf("wrote %s.json, .json.sig, .json.minisig, signing.pem, vault.pub\n", base.c_str());
    return kExitOk;
  }
  std::fputs(kCertHelp, stderr);
  return kExitUsage;
}

}  // namespace vaultctl
