// vaultctl export: a stamped PDF for a named vault user, through the same
// Exporter as vaultd (ledger row, token, audit event).
#include <cstdio>
#include <string>

#include "api/vaultctl/args.h"
#include "api/vaultctl/commands.h"
#include "api/vaultctl/file_streams.h"
#include "api/common/parse.h"
#include "vault/export/exporter.h"
#include "vault/identity/identity_store.h"
#include "vault/policy/policy_set.h"

namespace vaultctl {
namespace {

const char kExportHelp[] =
    "usage: vaultctl export ID --for USER -o OUT.pdf [--version N] [--policies DIR]\n"
    "                      [--follow-symlinks]\n"
    "  Writes a copy of the document stamped with USER's name, id and\n"
    "  department and a new export code, records it in the export ledger and\n"
    "  prints the code. USER must be a vault user (vaultctl user list) whom\n"
    "  the role policy allows to export the document, as vaultd would.\n"
    "  --policies DIR: roles.json and watermark.json as vaultd uses them\n"
    "  (default: the built-in policies).\n"
    "  A symbolic link at OUT is refused unless --follow-symlinks is given.\n";


}  // namespace

int CmdExport(const GlobalOptions& g, const std::vector<std::string>& argv) {
  auto parsed = ParseArgs(argv, {{"--for", "--output", "--version", "--policies"}, {"--follow-symlinks"}});
  if (!parsed.ok()) {
    std::fprintf(stderr, "vaultctl: %s\n\n%s", parsed.status().message().c_str(), kExportHelp);
    return kExitUsage;
  }
  const Args& a = *parsed;
  if (a.Has("--help")) {
    std::fputs(kExportHelp, stdout);
    return kExitOk;
  }
  if (a.positional.size() != 1 || a.Get("--for").empty() || a.Get("--output").empty()) {
    std::fprintf(stderr, "vaultctl: export needs ID, --for USER and -o OUT\n\n%s", kExportHelp);
    return kExitUsage;
  }
  vault::ExportRequest req;
  req.document = a.positional[0];
  if (a.Has("--version")) {
    int64_t n = 0;
    if (!api::ParseCount(a.Get("--version"), &n) || n == 0 || n > 0xffffffffLL) {
      std::fprintf(stderr, "vaultctl: --version must be a positive number\n\n%s", kExportHelp);
      return kExitUsage;
    }
    req.version = static_cast<uint32_t>(n);
  }
  auto lv = vault::LocalVault::Open(g.config);
  if (!lv.ok()) return Fail(lv.status());
  auto user = (*lv)->identity().GetUser(a.Get("--for"));
  if (!user.ok()) return Fail(user.status());
  req.username = user->username;
  req.display_name = user->display_name;
  req.department = user->department;
  const std::string dir = a.Get("--policies");
  auto policies = vault::PolicySet::Load(dir);
  if (!policies.ok()) return Fail(policies.status());
  // The same decision vaultd makes: a copy for someone who could not
  // export the document through the API is not made here either.
  auto doc = (*lv)->vault().Get(req.document);
  if (!doc.ok()) return Finish(**lv, "document.export", req.document, doc.status());
  vault::Subject subject{user->username, user->role, user->department, user->clearance, user->customers, false};
  vault::Resource resource{doc->meta.department, doc->meta.classification, doc->meta.customer_number};
  vault::Decision decision = (*policies)->roles().Decide(subject, "document.export", resource, vault::SystemClock()->Now());
  if (!decision.allowed) {
    return Finish(**lv, "document.export", doc->archive_number,
                  vault::Status(vault::StatusCode::kPermissionDenied, "access.denied",
                                user->username + " may not export " + doc->archive_number + " (" + decision.rule +
                                    ": " + decision.reason + ")"));
  }
  auto signer = vault::Signer::FromKeyRing((*lv)->keys(), "export");
  if (!signer.ok()) return Fail(signer.status());
  vault::Exporter exporter(&(*lv)->vault(), &(*lv)->exports(), &(*policies)->watermark(), signer->get(), vault::SystemClock());
  auto result = exporter.Export(req);
  const std::string object = result.ok() ? result->record.archive_number : req.document;
  if (int rc = Finish(**lv, "document.export", object, result.status()); rc != kExitOk) return rc;
  auto out = OutputFile::Create(a.Get("--output"), OutputOptions{a.Has("--follow-symlinks")});
  if (!out.ok()) return Fail(out.status());
  vault::Status s = (*out)->Write(reinterpret_cast<const uint8_t*>(result->pdf.data()), result->pdf.size());
  if (s.ok()) s = (*out)->Commit();
  if (!s.ok()) return Fail(s);
  std::printf("%s %s %lld pages sha256 %s\n", result->record.code.c_str(), result->record.archive_number.c_str(),
              static_cast<long long>(result->record.pages), result->record.output_sha256.c_str());
  return kExitOk;
}

}  // namespace vaultctl
