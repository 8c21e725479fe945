// vaultctl commands. Each returns the process exit code:
// 0 ok, 1 usage, 2 not found, 3 integrity failure, 4 other error.
#pragma once

#include <Poco/JSON/Array.h>

#include <string>
#include <vector>

#include "api/common/json_output.h"
#include "vault/local/local_vault.h"
#include "vault/services/services.h"

namespace vaultctl {

enum ExitCode { kExitOk = 0, kExitUsage = 1, kExitNotFound = 2, kExitIntegrity = 3, kExitOther = 4 };

struct GlobalOptions {
  vault::LocalVaultConfig config;
};

int ExitCodeFor(const vault::Status& s);

// "vaultctl:$USER": the actor recorded for CLI actions.
std::string Actor();
// Appends what a command did to the audit log; the status of the append.
vault::Status Record(vault::LocalVault& lv, const std::string& action, const std::string& object,
                     const vault::Status& outcome);
// Records the outcome and turns it into an exit code (the outcome's error
// first, then a failure to record).
int Finish(vault::LocalVault& lv, const std::string& action, const std::string& object,
           const vault::Status& outcome);
// Prints "vaultctl: error [reason]: message" to stderr and returns the exit code.
int Fail(const vault::Status& s);
// Prints {"items": [...]} and a newline to stdout (--json listings).
void PrintItems(const Poco::JSON::Array::Ptr& items);
// Prints a listing: {"items": [to_json(each)...]} with --json, else
// print_line(each) for each record. Returns kExitOk.
template <typename T, typename ToJson, typename PrintLine>
int PrintListing(bool json, const std::vector<T>& list, ToJson to_json, PrintLine print_line) {
  if (json) {
    PrintItems(api::ItemsJson(list, to_json));
  } else {
    for (const T& each : list) print_line(each);
  }
  return kExitOk;
}
// The vault and its services, wired as vaultd wires them, with the policies
// of `policies_dir` (empty: the built-in ones).
vault::StatusOr<std::unique_ptr<vault::Services>> OpenServices(const GlobalOptions& g, const std::string& policies_dir);

int CmdInit(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdPut(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdAddVersion(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdGet(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdLs(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdShow(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdVerify(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdCleanup(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdKeys(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdAudit(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdUser(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdDept(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdIndex(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdExport(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdBorrow(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdCert(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdDb(const GlobalOptions& g, const std::vector<std::string>& argv);
int CmdBackup(const GlobalOptions& g, const std::vector<std::string>& argv);

}  // namespace vaultctl
