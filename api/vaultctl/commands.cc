#include "api/vaultctl/commands.h"

#include <Poco/JSON/Array.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "api/vaultctl/args.h"
#include "api/vaultctl/file_streams.h"
#include "api/common/json_output.h"
#include "vault/base/printable.h"
#include "api/common/parse.h"

namespace vaultctl {

using api::DocumentJson;
using api::FixityJson;
using api::Stringify;
using api::VersionJson;
namespace {

using vault::Status;
using vault::StatusCode;

using api::ParseCount;

vault::StatusOr<std::unique_ptr<vault::LocalVault>> OpenVault(const GlobalOptions& g) {
  return vault::LocalVault::Open(g.config);
}


// Stored text is printed through EscapeControl: a control character in it
// (a file name, a reason) must not forge lines or drive the terminal.
void PrintDocument(const vault::DocumentRecord& d) {
  const auto P = [](const std::string& s) { return vault::EscapeControl(s); };
  std::printf("id:              %s\n", d.id.c_str());
  std::printf("archive number:  %s\n", d.archive_number.c_str());
  std::printf("title:           %s\n", P(d.meta.title).c_str());
  std::printf("customer:        %s %s\n", P(d.meta.customer_number).c_str(), P(d.meta.customer_name).c_str());
  std::printf("type:            %s (%s)\n", d.meta.doc_type.c_str(), d.type_code.c_str());
  std::printf("classification:  %s\n", d.meta.classification.c_str());
  if (!d.meta.department.empty()) std::printf("department:      %s\n", P(d.meta.department).c_str());
  if (!d.meta.product_line.empty()) std::printf("product line:    %s\n", P(d.meta.product_line).c_str());
  if (!d.meta.region.empty()) std::printf("region/channel:  %s\n", P(d.meta.region).c_str());
  if (!d.meta.business_stage.empty()) std::printf("stage:           %s\n", d.meta.business_stage.c_str());
  if (!d.meta.retention_class.empty()) std::printf("retention:       %s\n", d.meta.retention_class.c_str());
  if (!d.meta.tags.empty()) {
    std::string tags;
    for (const auto& t : d.meta.tags) tags += (tags.empty() ? "" : ", ") + t;
    std::printf("tags:            %s\n", P(tags).c_str());
  }
  for (const auto& kv : d.meta.fields) {
    std::printf("%-16s %s\n", P(kv.first + ":").c_str(), P(kv.second).c_str());
  }
  std::printf("version:         %u\n", d.current_version);
  std::printf("created:         %s by %s\n", d.created_at.c_str(), P(d.created_by).c_str());
}

const char kInitHelp[] =
    "usage: vaultctl [--data DIR] [--key FILE] init\n"
    "  Creates the data directory and, if FILE does not exist, a new master key\n"
    "  (mode 0600). The key file must be outside the data directory.\n";

const char kPutHelp[] =
    "usage: vaultctl put FILE --customer C --type T --title TITLE [options] [--json]\n"
    "  Ingests FILE (\"-\" for stdin) as a new document, encrypted with a fresh data key.\n"
    "  --customer C          customer number (客户编号): letters, digits, '-'\n"
    "  --customer-name N     customer name\n"
    "  --type T              document type: key, code or name (contract/HT/合同, ...)\n"
    "  --title TITLE         title (at most 200 characters)\n"
    "  --department D        owning department\n"
    "  --product-line P      product line\n"
    "  --region R            region or channel\n"
    "  --stage S             business stage: prospect | won | lost\n"
    "  --classification L    public | internal (default) | confidential\n"
    "  --retention R         retention class (permanent, 30y, 10y, 5y, 3y)\n"
    "  --tag T               a tag (repeatable)\n"
    "  --field NAME=VALUE    a dictionary field, e.g. contact_phone=0755-86013388 (repeatable)\n"
    "  --json                print {\"id\",\"archive_number\",\"version\",\"sha256\",\"size\"}\n";

const char kAddVersionHelp[] =
    "usage: vaultctl add-version ID FILE --reason REASON [--json]\n"
    "  Stores FILE as the next version of document ID (id or archive number).\n";

const char kGetHelp[] =
    "usage: vaultctl get ID [--version N] -o OUT [--follow-symlinks]\n"
    "  Decrypts a version (default: current) to OUT. OUT appears (by rename) only after\n"
    "  every chunk authenticated; on an integrity failure it is not created (exit 3).\n"
    "  A character device, FIFO or socket at OUT is never replaced: the whole version\n"
    "  is authenticated first, then decrypted again into it. A symbolic link at OUT is\n"
    "  refused unless --follow-symlinks is given.\n"
    "  With \"-o -\" bytes stream to stdout as chunks authenticate: a failure exits 3 but\n"
    "  what was already written cannot be taken back.\n";

const char kLsHelp[] =
    "usage: vaultctl ls [filters] [--limit N] [--cursor C | --offset N] [--json]\n"
    "  --customer C --type T --department D --classification L --tag T\n"
    "  --from YYYY-MM-DD --to YYYY-MM-DD (ingest date)  --title \"words\"\n"
    "  Newest first. A page ends with the cursor of the next one (next_cursor\n"
    "  with --json): pass it as --cursor. Totals past the count's cap print as N+.\n";

const char kShowHelp[] =
    "usage: vaultctl show ID [--json]\n"
    "  Shows a document's metadata and versions (ID: id or archive number).\n";

const char kVerifyHelp[] =
    "usage: vaultctl verify [ID] [--json]\n"
    "  Fixity check: re-reads and authenticates every blob (or one document's),\n"
    "  compares SHA-256 with the recorded value, reports ok/changed/missing/untracked.\n"
    "  Exit 0 when all is intact, 3 on an integrity failure.\n";

const char kCleanupHelp[] =
    "usage: vaultctl cleanup\n"
    "  Removes untracked blobs and temporaries left by interrupted writes.\n"
    "  Run it while no ingest is in progress.\n";

const char kKeysHelp[] =
    "usage: vaultctl keys list [--json]\n"
    "       vaultctl keys rotate [--json]     new primary master key, every data key rewrapped\n"
    "       vaultctl keys rewrap              finish an interrupted rotation (no new key)\n"
    "       vaultctl keys destroy KEK-ID      removes a retired master key for good\n";

vault::StatusOr<vault::FixityReport> RunVerify(vault::Vault& v, const std::string& id) {
  return v.Verify(id);
}

}  // namespace

std::string Actor() {
  const char* user = std::getenv("USER");
  return std::string("vaultctl:") + (user && *user ? user : "unknown");
}

Status Record(vault::LocalVault& lv, const std::string& action, const std::string& object,
              const Status& outcome) {
  vault::AuditRecord r;
  r.actor = Actor();
  r.role = "cli";
  r.action = action;
  r.object = object;
  r.outcome = outcome.ok() ? "ok" : "error";
  r.client = "cli";
  r.detail = outcome.ok() ? "" : outcome.reason();
  return lv.audit().Append(r).status();
}

// Records the outcome and turns it into an exit code.
int Finish(vault::LocalVault& lv, const std::string& action, const std::string& object,
           const Status& outcome) {
  Status recorded = Record(lv, action, object, outcome);
  if (!outcome.ok()) return Fail(outcome);
  if (!recorded.ok()) return Fail(recorded);
  return kExitOk;
}

int ExitCodeFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kNotFound: return kExitNotFound;
    case StatusCode::kDataLoss: return kExitIntegrity;
    case StatusCode::kInvalidArgument:
      return s.reason().rfind("usage.", 0) == 0 ? kExitUsage : kExitOther;
    default: return kExitOther;
  }
}

int Fail(const Status& s) {
  std::fprintf(stderr, "vaultctl: error [%s]: %s\n", s.reason().c_str(), s.message().c_str());
  return ExitCodeFor(s);
}

void PrintItems(const Poco::JSON::Array::Ptr& items) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
  o->set("items", items);
  std::printf("%s\n", api::Stringify(o).c_str());
}

vault::StatusOr<std::unique_ptr<vault::Services>> OpenServices(const GlobalOptions& g, const std::string& policies_dir) {
  vault::ServicesOptions options;
  options.config = g.config;
  options.policies_dir = policies_dir;
  return vault::Services::Open(std::move(options));
}

int CmdInit(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv, {}, kInitHelp, a); rc >= 0) return rc;
  if (!a.positional.empty()) return Usage("init takes no arguments", kInitHelp);
  auto report = vault::LocalVault::Init(g.config);
  if (!report.ok()) return Fail(report.status());
  std::printf("vault data directory: %s%s\n", g.config.data_dir.c_str(),
              report->created_data_dir ? " (created)" : " (exists)");
  if (g.config.passphrase.empty()) {
    std::printf("master key file:      %s%s\n", g.config.key_file.c_str(),
                report->created_key ? " (created, mode 0600; back it up apart from the data)" : " (exists)");
  } else {
    std::printf("master key:           derived from the passphrase (Argon2id)\n");
  }
  return kExitOk;
}

int CmdPut(const GlobalOptions& g, const std::vector<std::string>& argv) {
  ArgSpec spec{{"--customer", "--customer-name", "--type", "--title", "--department",
                "--product-line", "--region", "--stage", "--classification", "--retention",
                "--tag", "--field"},
               {"--json"}};
  Args a;
  if (int rc = ParseCommand(argv, spec, kPutHelp, a); rc >= 0) return rc;
  if (a.positional.size() != 1) return Usage("put needs exactly one FILE", kPutHelp);
  vault::IngestRequest req;
  req.meta.customer_number = a.Get("--customer");
  req.meta.customer_name = a.Get("--customer-name");
  req.meta.doc_type = a.Get("--type");
  req.meta.title = a.Get("--title");
  req.meta.department = a.Get("--department");
  req.meta.product_line = a.Get("--product-line");
  req.meta.region = a.Get("--region");
  req.meta.business_stage = a.Get("--stage");
  req.meta.classification = a.Get("--classification");
  req.meta.retention_class = a.Get("--retention");
  req.meta.tags = a.All("--tag");
  for (const std::string& f : a.All("--field")) {
    size_t eq = f.find('=');
    if (eq == std::string::npos || eq == 0) return Usage("--field needs NAME=VALUE", kPutHelp);
    req.meta.fields[f.substr(0, eq)] = f.substr(eq + 1);
  }
  std::string path = a.positional[0];
  req.filename = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  req.actor = Actor();
  auto lv = OpenVault(g);
  if (!lv.ok()) return Fail(lv.status());
  auto source = FileSource::Open(path, "put " + req.filename);
  if (!source.ok()) return Fail(source.status());
  const std::string object = req.meta.customer_number + "/" + req.meta.doc_type;
  auto doc = (*lv)->vault().Ingest(std::move(req), **source);
  source->reset();
  if (!doc.ok()) return Finish(**lv, "document.create", object, doc.status());
  if (Status s = Record(**lv, "document.create", doc->archive_number, Status::Ok()); !s.ok()) {
    return Fail(s);
  }
  auto versions = (*lv)->vault().Versions(doc->id);
  if (!versions.ok()) return Fail(versions.status());
  const vault::VersionRecord& v = versions->back();
  if (a.Has("--json")) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("id", doc->id);
    o->set("archive_number", doc->archive_number);
    o->set("version", static_cast<Poco::UInt64>(v.version));
    o->set("sha256", v.sha256);
    o->set("size", static_cast<Poco::UInt64>(v.size));
    std::printf("%s\n", Stringify(o).c_str());
  } else {
    std::printf("stored %s as %s (id %s, version %u, %llu bytes, sha256 %s)\n",
                v.filename.c_str(), doc->archive_number.c_str(), doc->id.c_str(), v.version,
                static_cast<unsigned long long>(v.size), v.sha256.c_str());
  }
  return kExitOk;
}

int CmdAddVersion(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv, {{"--reason"}, {"--json"}}, kAddVersionHelp, a); rc >= 0)
    return rc;
  if (a.positional.size() != 2) return Usage("add-version needs ID and FILE", kAddVersionHelp);
  if (a.Get("--reason").empty()) return Usage("add-version needs --reason", kAddVersionHelp);
  auto lv = OpenVault(g);
  if (!lv.ok()) return Fail(lv.status());
  std::string path = a.positional[1];
  auto source = FileSource::Open(path, "add-version");
  if (!source.ok()) return Fail(source.status());
  std::string filename = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  auto v = (*lv)->vault().AddVersion(a.positional[0], a.Get("--reason"), Actor(), filename, **source);
  source->reset();
  if (int rc = Finish(**lv, "document.version", a.positional[0], v.status()); rc != kExitOk) return rc;
  if (a.Has("--json")) {
    std::printf("%s\n", Stringify(VersionJson(*v)).c_str());
  } else {
    std::printf("stored version %u (%llu bytes, sha256 %s)\n", v->version,
                static_cast<unsigned long long>(v->size), v->sha256.c_str());
  }
  return kExitOk;
}

int CmdGet(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv, {{"--version", "--output"}, {"--follow-symlinks"}}, kGetHelp, a);
      rc >= 0) {
    return rc;
  }
  if (a.positional.size() != 1) return Usage("get needs exactly one ID", kGetHelp);
  if (a.Get("--output").empty()) return Usage("get needs -o OUT", kGetHelp);
  uint32_t version = 0;
  if (a.values.count("--version")) {
    int64_t n = 0;
    if (!ParseCount(a.Get("--version"), &n) || n == 0 || n > 0xffffffffLL) {
      return Usage("--version must be a positive number", kGetHelp);
    }
    version = static_cast<uint32_t>(n);
  }
  auto lv = OpenVault(g);
  if (!lv.ok()) return Fail(lv.status());
  auto out = OutputFile::Create(a.Get("--output"), OutputOptions{a.Has("--follow-symlinks")});
  if (!out.ok()) return Fail(out.status());
  auto v = WriteVerified(**out, [&](vault::ByteSink& sink) {
    return (*lv)->vault().ReadContent(a.positional[0], version, sink);
  });
  // The read is recorded before the output appears; if it cannot be
  // recorded, the output is discarded. On failure `out` is destroyed, which
  // deletes the partial output.
  if (int rc = Finish(**lv, "document.read_content", a.positional[0], v.status()); rc != kExitOk) {
    return rc;
  }
  Status s = (*out)->Commit();
  if (!s.ok()) return Fail(s);
  return kExitOk;
}

int CmdLs(const GlobalOptions& g, const std::vector<std::string>& argv) {
  ArgSpec spec{{"--customer", "--type", "--department", "--classification", "--tag", "--from",
                "--to", "--title", "--limit", "--offset", "--cursor"},
               {"--json"}};
  Args a;
  if (int rc = ParseCommand(argv, spec, kLsHelp, a); rc >= 0) return rc;
  if (!a.positional.empty()) return Usage("ls takes no positional arguments", kLsHelp);
  vault::DocumentFilter f;
  f.customer_number = a.Get("--customer");
  f.doc_type = a.Get("--type");
  f.department = a.Get("--department");
  f.classification = a.Get("--classification");
  f.tag = a.Get("--tag");
  f.from_date = a.Get("--from");
  f.to_date = a.Get("--to");
  f.title_words = a.Get("--title");
  f.cursor = a.Get("--cursor");
  if (!ParseCount(a.Get("--limit", "50"), &f.limit) || !ParseCount(a.Get("--offset", "0"), &f.offset)) {
    return Usage("--limit and --offset must be non-negative numbers", kLsHelp);
  }
  auto lv = OpenVault(g);
  if (!lv.ok()) return Fail(lv.status());
  auto page = (*lv)->vault().Search(f);
  if (!page.ok()) return Fail(page.status());
  if (a.Has("--json")) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("total", static_cast<Poco::Int64>(page->total));
    o->set("total_is_estimate", page->total_is_estimate);
    Poco::JSON::Array::Ptr docs = new Poco::JSON::Array();
    for (const auto& d : page->documents) docs->add(DocumentJson(d));
    o->set("documents", docs);
    if (page->next_cursor.empty()) {
      o->set("next_cursor", Poco::Dynamic::Var());
    } else {
      o->set("next_cursor", page->next_cursor);
    }
    std::printf("%s\n", Stringify(o).c_str());
    return kExitOk;
  }
  for (const auto& d : page->documents) {
    std::printf("%-24s %-13s v%-3u %s  %s\n", d.archive_number.c_str(), d.meta.classification.c_str(),
                d.current_version, d.created_at.substr(0, 10).c_str(), vault::EscapeControl(d.meta.title).c_str());
  }
  std::printf("(%zu of %lld%s)\n", page->documents.size(), static_cast<long long>(page->total),
              page->total_is_estimate ? "+" : "");
  if (!page->next_cursor.empty()) std::printf("next: --cursor %s\n", page->next_cursor.c_str());
  return kExitOk;
}

int CmdShow(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv, {{}, {"--json"}}, kShowHelp, a); rc >= 0) return rc;
  if (a.positional.size() != 1) return Usage("show needs exactly one ID", kShowHelp);
  auto lv = OpenVault(g);
  if (!lv.ok()) return Fail(lv.status());
  auto doc = (*lv)->vault().Get(a.positional[0]);
  if (!doc.ok()) return Fail(doc.status());
  auto versions = (*lv)->vault().Versions(doc->id);
  if (!versions.ok()) return Fail(versions.status());
  if (a.Has("--json")) {
    Poco::JSON::Object::Ptr o = DocumentJson(*doc);
    Poco::JSON::Array::Ptr vs = new Poco::JSON::Array();
    for (const auto& v : *versions) vs->add(VersionJson(v));
    o->set("versions", vs);
    std::printf("%s\n", Stringify(o).c_str());
    return kExitOk;
  }
  PrintDocument(*doc);
  std::printf("versions:\n");
  for (const auto& v : *versions) {
    std::printf("  v%-3u %s  %12llu bytes  sha256 %s  %s\n", v.version, v.created_at.c_str(),
                static_cast<unsigned long long>(v.size), v.sha256.c_str(), vault::EscapeControl(v.reason).c_str());
  }
  return kExitOk;
}

int CmdVerify(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv, {{}, {"--json"}}, kVerifyHelp, a); rc >= 0) return rc;
  if (a.positional.size() > 1) return Usage("verify takes at most one ID", kVerifyHelp);
  auto lv = OpenVault(g);
  if (!lv.ok()) return Fail(lv.status());
  const std::string target = a.positional.empty() ? "*" : a.positional[0];
  auto report = RunVerify((*lv)->vault(), a.positional.empty() ? "" : a.positional[0]);
  if (!report.ok()) return Finish(**lv, "fixity.verify", target, report.status());
  Status fixity = report->intact() ? Status::Ok()
                                   : vault::DataLossError("fixity.failed", "integrity failure");
  if (Status s = Record(**lv, "fixity.verify", target, fixity); !s.ok()) return Fail(s);
  if (a.Has("--json")) {
    std::printf("%s\n", Stringify(FixityJson(*report)).c_str());
  } else {
    for (const auto& e : report->entries) {
      if (e.state == vault::FixityEntry::State::kOk) continue;
      std::printf("%-9s %s v%u  %s  (%s)\n", vault::FixityStateName(e.state),
                  e.archive_number.empty() ? "-" : e.archive_number.c_str(), e.version,
                  e.blob_name.c_str(), e.detail.c_str());
    }
    std::printf("fixity: %lld ok, %lld changed, %lld missing, %lld untracked\n",
                static_cast<long long>(report->ok), static_cast<long long>(report->changed),
                static_cast<long long>(report->missing), static_cast<long long>(report->untracked));
    if (report->untracked > 0) std::printf("run `vaultctl cleanup` to remove untracked files\n");
  }
  return report->intact() ? kExitOk : kExitIntegrity;
}

int CmdCleanup(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv, {}, kCleanupHelp, a); rc >= 0) return rc;
  if (!a.positional.empty()) return Usage("cleanup takes no arguments", kCleanupHelp);
  auto lv = OpenVault(g);
  if (!lv.ok()) return Fail(lv.status());
  auto removed = (*lv)->vault().RemoveUntracked();
  if (int rc = Finish(**lv, "storage.cleanup", "*", removed.status()); rc != kExitOk) return rc;
  std::printf("removed %lld untracked file(s)\n", static_cast<long long>(*removed));
  return kExitOk;
}

int CmdKeys(const GlobalOptions& g, const std::vector<std::string>& argv) {
  Args a;
  if (int rc = ParseCommand(argv, {{}, {"--json"}}, kKeysHelp, a); rc >= 0) return rc;
  if (a.positional.empty()) return Usage("keys needs a subcommand", kKeysHelp);
  const std::string& sub = a.positional[0];
  auto lv = OpenVault(g);
  if (!lv.ok()) return Fail(lv.status());
  vault::Vault& v = (*lv)->vault();
  if (sub == "list" && a.positional.size() == 1) {
    auto keys = v.ListKeys();
    if (a.Has("--json")) {
      Poco::JSON::Array::Ptr arr = new Poco::JSON::Array();
      for (const auto& k : keys) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("id", k.id);
        o->set("primary", k.primary);
        o->set("created_at", k.created_at);
        auto n = (*lv)->metadata().CountKeysWrappedBy(k.id);
        o->set("data_keys", static_cast<Poco::Int64>(n.ok() ? *n : -1));
        arr->add(o);
      }
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object();
      o->set("keys", arr);
      std::printf("%s\n", Stringify(o).c_str());
    } else {
      for (const auto& k : keys) {
        auto n = (*lv)->metadata().CountKeysWrappedBy(k.id);
        std::printf("%s  %-8s created %s  wraps %lld data key(s)\n", k.id.c_str(),
                    k.primary ? "primary" : "retired", k.created_at.c_str(),
                    static_cast<long long>(n.ok() ? *n : -1));
      }
    }
    return kExitOk;
  }
  if (sub == "rotate" && a.positional.size() == 1) {
    auto report = v.RotateKeys();
    if (int rc = Finish(**lv, "keys.rotate", report.ok() ? report->new_kek_id : "*", report.status());
        rc != kExitOk) {
      return rc;
    }
    if (a.Has("--json")) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      o->set("new_kek_id", report->new_kek_id);
      o->set("rewrapped", static_cast<Poco::Int64>(report->rewrapped));
      Poco::JSON::Array::Ptr retired = new Poco::JSON::Array();
      for (const auto& id : report->retired_kek_ids) retired->add(id);
      o->set("retired", retired);
      std::printf("%s\n", Stringify(o).c_str());
    } else {
      std::printf("new primary master key %s; %lld data key(s) rewrapped; no content re-encrypted\n",
                  report->new_kek_id.c_str(), static_cast<long long>(report->rewrapped));
      for (const auto& id : report->retired_kek_ids) {
        std::printf("retired %s: destroy it with `vaultctl keys destroy %s` once backups no longer need it\n",
                    id.c_str(), id.c_str());
      }
    }
    return kExitOk;
  }
  if (sub == "rewrap" && a.positional.size() == 1) {
    auto n = v.RewrapToPrimary();
    if (int rc = Finish(**lv, "keys.rewrap", "*", n.status()); rc != kExitOk) return rc;
    std::printf("%lld data key(s) rewrapped under %s\n", static_cast<long long>(*n),
                (*lv)->keys().PrimaryId().c_str());
    return kExitOk;
  }
  if (sub == "destroy" && a.positional.size() == 2) {
    Status s = v.DestroyKek(a.positional[1]);
    if (int rc = Finish(**lv, "keys.destroy", a.positional[1], s); rc != kExitOk) return rc;
    std::printf("destroyed master key %s\n", a.positional[1].c_str());
    return kExitOk;
  }
  return Usage("unknown keys subcommand", kKeysHelp);
}

}  // namespace vaultctl
