// vaultctl export: a stamped PDF for a named vault user, decided and made
// as vaultd does (vault::Services: DocumentAccess, then the Exporter with its
// ledger row and token; an audit event).
#include <cstdio>
#include <string>

#include "api/vaultctl/args.h"
#include "api/vaultctl/commands.h"
#include "api/vaultctl/file_streams.h"
#include "api/common/parse.h"
#include "vault/export/exporter.h"
#include "vault/identity/identity_store.h"
#include "vault/policy/policy_set.h"
#include "vault/services/services.h"

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
  auto services = OpenServices(g, a.Get("--policies"));
  if (!services.ok()) return Fail(services.status());
  vault::LocalVault& lv = (*services)->vault();
  auto user = lv.identity().GetUser(a.Get("--for"));
  if (!user.ok()) return Fail(user.status());
  req.username = user->username;
  req.display_name = user->display_name;
  req.department = user->department;
  // The decision vaultd makes (vault::DocumentAccess): a copy for someone
  // who could not export the document through the API is not made here
  // either. The operator is told the rule, even for a record the user may
  // not see.
  const vault::DocumentAccess& access = (*services)->access();
  auto doc = access.Find(req.document);
  if (!doc.ok()) return Finish(lv, "document.export", req.document, doc.status());
  vault::AccessDecision decision = access.Decide(vault::SubjectOf(*user), "document.export", *doc);
  if (!decision.allowed) {
    vault::Status refused = decision.by != vault::AccessDecision::By::kRole
                                ? decision.status
                                : vault::Status(vault::StatusCode::kPermissionDenied, "access.denied",
                                                user->username + " may not export " + doc->archive_number + " (" +
                                                    decision.rule + ": " + decision.reason + ")");
    return Finish(lv, "document.export", doc->archive_number, refused);
  }
  auto result = (*services)->exporter().Export(req, *doc);
  const std::string object = result.ok() ? result->record.archive_number : req.document;
  if (int rc = Finish(lv, "document.export", object, result.status()); rc != kExitOk) return rc;
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
