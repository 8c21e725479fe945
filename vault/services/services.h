// Services: the one composition root of the vault. It opens (or borrows) a
// LocalVault, loads the policies once, and builds the exporter, the loan and
// destruction services and DocumentAccess over one clock, wired the same
// way for vaultd, vaultctl, tests and benchmarks: a loan is never made of a
// record that is destroyed or being destroyed, whoever asks.
//
//   ServicesOptions o;
//   o.config = ...;            // or o.vault = an open LocalVault
//   o.policies_dir = "/etc/sales-vault/policies";
//   auto services = Services::Open(o);
//
// Open validates everything (policies, signing keys) before anything is
// built, so Services that exist are complete. Nothing is started: the loan
// scheduler and resuming interrupted destructions are the caller's.
//
// Thread-safety: the parts are safe for concurrent use; Services itself is
// immutable after Open.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "vault/access/document_access.h"
#include "vault/alerts/alert_scanner.h"
#include "vault/base/clock.h"
#include "vault/base/status.h"
#include "vault/borrow/borrow_service.h"
#include "vault/db/leader_lease.h"
#include "vault/destruction/destruction_service.h"
#include "vault/export/exporter.h"
#include "vault/keys/primary_signer.h"
#include "vault/local/local_vault.h"
#include "vault/local/process_presence.h"
#include "vault/policy/policy_set.h"

namespace vault {

struct ServicesOptions {
  // An open vault (not owned; it must outlive the Services), or null to
  // open one from `config`.
  LocalVault* vault = nullptr;
  LocalVaultConfig config;
  // The policies: a loaded set (not owned; it must outlive the Services);
  // else the directory to load (PolicySet::Load); else these texts (an
  // empty one: the built-in default).
  const PolicySet* policies = nullptr;
  std::string policies_dir;
  PolicyTexts policy_texts;
  // Replaces the set's role policy (not owned): vaultd's VaultServer is
  // given its engine apart from the other policies.
  const PolicyEngine* roles = nullptr;
  // The clock of every decision (policy, loans, retention, exports,
  // register timestamps); null: config.clock. Not owned.
  const Clock* clock = nullptr;
  // Who destruction certificates say performed the destruction; validated
  // by Open (certificate.bad_wording).
  CertificateWording certificate_wording;
  // DestructionService's crash points (fault-injection tests).
  std::function<void(const char*)> destruction_crash_point;
};

class Services {
 public:
  static StatusOr<std::unique_ptr<Services>> Open(ServicesOptions options);

  LocalVault& vault() { return *vault_; }
  const PolicySet& policies() const { return *policies_; }
  const PolicyEngine& roles() const { return *roles_; }
  const Clock* clock() const { return clock_; }
  Exporter& exporter() { return *exporter_; }
  BorrowService& borrows() { return *borrows_; }
  DestructionService& destructions() { return *destructions_; }
  const DocumentAccess& access() const { return *access_; }
  // Evaluates policies/alerts.json over the audit log (RunPass); vaultd's
  // leader runs it periodically.
  AlertScanner& alerts() { return *alerts_; }
  // Signs destruction certificates (purpose "certificate") with the key of
  // the primary KEK at the time: it follows an online rotation.
  const PrimarySigner& certificate_signer() const { return *certificate_signer_; }

 private:
  Services() = default;

  // What was given (not owned) or opened here (owned_*).
  std::unique_ptr<LocalVault> owned_vault_;
  LocalVault* vault_ = nullptr;
  std::unique_ptr<PolicySet> owned_policies_;
  const PolicySet* policies_ = nullptr;
  const PolicyEngine* roles_ = nullptr;
  const Clock* clock_ = nullptr;
  // Derived from the primary master key at each signature
  // (vault/keys/primary_signer.h), so a rotation needs no restart.
  std::unique_ptr<PrimarySigner> export_signer_, certificate_signer_;
  // PostgreSQL: this process's presence, a session advisory lock held for
  // its lifetime, so other nodes can tell when it is gone (issue claims).
  std::unique_ptr<db::LeaderLease> presence_;
  std::unique_ptr<ProcessPresence> local_presence_;  // SQLite: this process's presence (flock)
  // Built in this order; each may use those above it.
  std::unique_ptr<Exporter> exporter_;
  std::unique_ptr<DestructionService> destructions_;
  std::unique_ptr<BorrowService> borrows_;
  std::unique_ptr<DocumentAccess> access_;
  std::unique_ptr<AlertScanner> alerts_;
};

}  // namespace vault
