// vaultctl audit: verify the chain and checkpoints, write a signed
// checkpoint, list events, print the signing public key.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <sys/stat.h>

#include <cstdio>

#include "api/vaultctl/args.h"
#include "api/vaultctl/commands.h"
#include "api/common/json_output.h"
#include "api/common/parse.h"
#include "api/vaultctl/file_streams.h"
#include "vault/audit/signed_note.h"
#include "vault/base/printable.h"

namespace vaultctl {

using api::AuditEventJson;
using api::Stringify;
namespace {

const char kAuditHelp[] =
    "usage: vaultctl audit verify [--json]     check the hash chain and every signed checkpoint\n"
    "                                          (exit 0 intact, 3 tampered)\n"
    "       vaultctl audit checkpoint [--out DIR]\n"
    "                                          sign (event count, head hash) now; with --out also\n"
    "                                          write checkpoint.note, checkpoint.body, checkpoint.sig\n"
    "                                          and audit-signing.pem for openssl (docs/audit.md)\n"
    "       vaultctl audit list [--actor A] [--object O] [--action X] [--after SEQ] [--limit N] [--json]\n"
    "       vaultctl audit pubkey                  the current signing public key as PEM\n";

}  // namespace

int CmdAudit(const GlobalOptions& g, const std::vector<std::string>& argv) {
  const ArgSpec spec{{"--out", "--actor", "--object", "--action", "--after", "--limit"}, {"--json"}};
  Args a;
  if (int rc = ParseCommand(argv, spec, kAuditHelp, a); rc >= 0) return rc;
  if (a.positional.size() != 1) return Usage("audit needs one subcommand", kAuditHelp);
  auto lv = vault::LocalVault::Open(g.config);
  if (!lv.ok()) return Fail(lv.status());
  vault::AuditLog& log = (*lv)->audit();
  const std::string& sub = a.positional[0];

  if (sub == "verify") {
    auto report = log.Verify();
    if (!report.ok()) return Fail(report.status());
    if (vault::Status s = Record(**lv, "audit.verify", "audit", report->ok ? vault::Status::Ok()
                                                                : vault::DataLossError("audit.tampered", "")); !s.ok()) {
      return Fail(s);
    }
    if (a.Has("--json")) {
      Poco::JSON::Object::Ptr o = api::AuditReportJson(*report);
      std::printf("%s\n", Stringify(o).c_str());
    } else {
      for (const auto& p : report->problems) std::printf("TAMPERED: %s\n", p.c_str());
      std::printf("audit log: %lld events, %lld signed checkpoints: %s\n",
                  static_cast<long long>(report->events), static_cast<long long>(report->checkpoints),
                  report->ok ? "intact" : "TAMPERED");
    }
    return report->ok ? kExitOk : kExitIntegrity;
  }

  if (sub == "checkpoint") {
    auto signer = vault::Signer::FromKeyRing((*lv)->keys(), "audit");
    if (!signer.ok()) return Fail(signer.status());
    if (vault::Status s = Record(**lv, "audit.checkpoint", "audit", vault::Status::Ok()); !s.ok()) return Fail(s);
    auto cp = log.WriteCheckpoint(**signer);
    if (!cp.ok()) return Fail(cp.status());
    std::fputs(cp->note.c_str(), stdout);
    std::string dir = a.Get("--out");
    if (!dir.empty()) {
      ::mkdir(dir.c_str(), 0755);
      auto parsed_note = vault::ParseNote(cp->note);
      if (!parsed_note.ok()) return Fail(parsed_note.status());
      std::string sig(parsed_note->signature.begin(), parsed_note->signature.end());
      if (!WritePublicFile(dir + "/checkpoint.note", cp->note) ||
          !WritePublicFile(dir + "/checkpoint.body", parsed_note->body) ||
          !WritePublicFile(dir + "/checkpoint.sig", sig) ||
          !WritePublicFile(dir + "/audit-signing.pem",
                           vault::Ed25519PublicKeyPem((*signer)->public_key()))) {
        return Fail(vault::UnavailableError("cli.io_error", "cannot write checkpoint files to " + dir));
      }
      std::fprintf(stderr, "wrote checkpoint.note, checkpoint.body, checkpoint.sig, audit-signing.pem to %s\n",
                   dir.c_str());
    }
    return kExitOk;
  }

  if (sub == "pubkey") {
    auto signer = vault::Signer::FromKeyRing((*lv)->keys(), "audit");
    if (!signer.ok()) return Fail(signer.status());
    std::printf("# %s\n%s", (*signer)->key_name().c_str(),
                vault::Ed25519PublicKeyPem((*signer)->public_key()).c_str());
    return kExitOk;
  }

  if (sub == "list") {
    vault::AuditFilter f;
    f.actor = a.Get("--actor");
    f.object = a.Get("--object");
    f.action = a.Get("--action");
    if (!api::ParseCount(a.Get("--after", "0"), &f.after_seq) ||
        !api::ParseCount(a.Get("--limit", "100"), &f.limit))
      return Usage("--after and --limit must be non-negative numbers", kAuditHelp);
    auto events = log.List(f);
    if (!events.ok()) return Fail(events.status());
    // One event per line, whatever its fields hold: events written before
    // the log escaped its fields may still carry a newline or an escape
    // sequence, which would forge a row or drive the terminal.
    return PrintListing(a.Has("--json"), *events, AuditEventJson, [](const vault::AuditEvent& e) {
      const auto P = [](const std::string& s) { return vault::EscapeControl(s); };
      std::printf("%6lld %s %-22s %-20s %-24s %s%s%s\n", static_cast<long long>(e.seq),
                  P(e.time).c_str(), P(e.record.actor).c_str(), P(e.record.action).c_str(),
                  P(e.record.object).c_str(), P(e.record.outcome).c_str(),
                  e.record.detail.empty() ? "" : " ", P(e.record.detail).c_str());
    });
  }
  return Usage("unknown audit subcommand '" + sub + "'", kAuditHelp);
}

}  // namespace vaultctl
