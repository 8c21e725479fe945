// vaultctl: the offline administration CLI over the vault core.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "api/common/no_core_dumps.h"
#include "api/vaultctl/commands.h"

namespace {

const char kHelp[] =
    "usage: vaultctl [--data DIR] [--database CONN] [--key FILE | --passphrase-env VAR] COMMAND [ARGS]\n"
    "\n"
    "  --data DIR            vault data directory (default: $VAULT_DATA)\n"
    "  --database CONN       metadata database: postgresql://USER@HOST:PORT/DB or a libpq\n"
    "                        conninfo (default: $VAULT_DATABASE, else DIR/metadata.db)\n"
    "  --key FILE            master key file, outside DIR (default: $VAULT_KEY_FILE)\n"
    "  --passphrase-env VAR  derive the master key from the passphrase in $VAR instead\n"
    "\n"
    "commands:\n"
    "  init                  create the data directory and a master key\n"
    "  put FILE ...          ingest a new document\n"
    "  add-version ID FILE   store a new version (--reason required)\n"
    "  get ID -o OUT         decrypt a version to a file\n"
    "  ls                    list and search documents\n"
    "  show ID               a document's metadata and versions\n"
    "  verify [ID]           fixity check\n"
    "  cleanup               remove untracked blobs and temporaries\n"
    "  keys list|rotate|rewrap|destroy\n"
    "  audit verify|checkpoint|list|pubkey   the tamper-evident audit log\n"
    "  user add|set|passwd|disable|enable|list|assign|unassign   accounts for vaultd\n"
    "  dept add|list         departments\n"
    "  index rebuild         remake the title search index from the documents\n"
    "  export ID --for USER -o OUT.pdf   a stamped, traceable copy\n"
    "  cert list | verify --chain | get ID --out DIR | bundle --out DIR\n"
    "                                   destruction certificates (docs/certificates.md)\n"    "  borrow request|approve|reject|withdraw|issue|renew|recall|revoke|return|copy|\n"
    "         show|list|register|schedule|notifications|incidents   loans (借阅) as a vault user\n"
    "  db migrate --to CONN  copy this SQLite vault's metadata into an empty PostgreSQL\n"
    "                        database and verify it (docs/operations.md)\n"
    "  backup create DIR | restore DIR --to DATA | drill DIR\n"
    "                        signed, encrypted online backups; restores that replay later\n"
    "                        destructions; restore drills with a signed report\n"
    "\n"
    "Run `vaultctl COMMAND --help` for a command's options.\n"
    "Exit codes: 0 ok, 1 usage, 2 not found, 3 integrity failure, 4 other error.\n";

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

int main(int argc, char** argv) {
  api::DisableCoreDumps();
  using namespace vaultctl;
  GlobalOptions g;
  g.config.data_dir = Env("VAULT_DATA");
  g.config.key_file = Env("VAULT_KEY_FILE");
  g.config.database = Env("VAULT_DATABASE");
  int i = 1;
  for (; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "vaultctl: %s needs a value\n", name);
        std::exit(kExitUsage);
      }
      return argv[++i];
    };
    if (a == "--data") {
      g.config.data_dir = value("--data");
    } else if (a == "--database") {
      g.config.database = value("--database");
    } else if (a == "--key") {
      g.config.key_file = value("--key");
    } else if (a == "--passphrase-env") {
      const char* var = value("--passphrase-env");
      g.config.passphrase = Env(var);
      if (g.config.passphrase.empty()) {
        std::fprintf(stderr, "vaultctl: environment variable %s is empty or unset\n", var);
        return kExitUsage;
      }
    } else if (a == "--help" || a == "-h") {
      std::fputs(kHelp, stdout);
      return kExitOk;
    } else {
      break;
    }
  }
  if (i >= argc) {
    std::fputs(kHelp, stderr);
    return kExitUsage;
  }
  std::string cmd = argv[i];
  std::vector<std::string> rest(argv + i + 1, argv + argc);
  if (cmd == "init") return CmdInit(g, rest);
  if (cmd == "put") return CmdPut(g, rest);
  if (cmd == "add-version") return CmdAddVersion(g, rest);
  if (cmd == "get") return CmdGet(g, rest);
  if (cmd == "ls") return CmdLs(g, rest);
  if (cmd == "show") return CmdShow(g, rest);
  if (cmd == "verify") return CmdVerify(g, rest);
  if (cmd == "cleanup") return CmdCleanup(g, rest);
  if (cmd == "keys") return CmdKeys(g, rest);
  if (cmd == "audit") return CmdAudit(g, rest);
  if (cmd == "user") return CmdUser(g, rest);
  if (cmd == "dept") return CmdDept(g, rest);
  if (cmd == "index") return CmdIndex(g, rest);
  if (cmd == "export") return CmdExport(g, rest);
  if (cmd == "borrow") return CmdBorrow(g, rest);
  if (cmd == "cert") return CmdCert(g, rest);
  if (cmd == "db") return CmdDb(g, rest);
  if (cmd == "backup") return CmdBackup(g, rest);
  std::fprintf(stderr, "vaultctl: unknown command '%s'\n\n%s", cmd.c_str(), kHelp);
  return kExitUsage;
}
