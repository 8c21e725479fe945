#include "vault/services/services.h"

#include <sodium.h>

namespace vault {
namespace {

constexpr char kPresencePrefix[] = "vault.node.";

}  // namespace

StatusOr<std::unique_ptr<Services>> Services::Open(ServicesOptions o) {
  std::unique_ptr<Services> s(new Services());
  s->clock_ = o.clock ? o.clock : o.config.clock;
  if (!s->clock_) return InvalidArgumentError("services.options", "no clock");
  if (o.vault) {
    s->vault_ = o.vault;
  } else {
    o.config.clock = s->clock_;  // one clock for the vault and the services
    VAULT_ASSIGN_OR_RETURN(s->owned_vault_, LocalVault::Open(o.config));
    s->vault_ = s->owned_vault_.get();
  }
  if (o.policies) {
    s->policies_ = o.policies;
  } else {
    VAULT_ASSIGN_OR_RETURN(s->owned_policies_, o.policies_dir.empty() ? PolicySet::FromTexts(o.policy_texts)
                                                                      : PolicySet::Load(o.policies_dir));
    s->policies_ = s->owned_policies_.get();
  }
  s->roles_ = o.roles ? o.roles : &s->policies_->roles();
  LocalVault& lv = *s->vault_;
  s->export_signer_ = std::make_unique<PrimarySigner>(&lv.keys(), "export");
  s->certificate_signer_ = std::make_unique<PrimarySigner>(&lv.keys(), "certificate");
  // Both derive from the primary KEK at each signature; one derivation now
  // validates the ring (key.no_primary) before anything is built.
  VAULT_RETURN_IF_ERROR(s->export_signer_->Current().status());
  VAULT_RETURN_IF_ERROR(s->certificate_signer_->Current().status());
  s->exporter_ = std::make_unique<Exporter>(&lv.vault(), &lv.exports(), &s->policies_->watermark(),
                                            s->export_signer_.get(), s->clock_);

  VAULT_RETURN_IF_ERROR(o.certificate_wording.Validate());
  DestructionService::Deps dd;
  dd.wording = o.certificate_wording;
  dd.passes = s->policies_->destruction_passes();
  dd.vault = &lv.vault();
  dd.blobs = &lv.blobs();
  dd.store = &lv.destructions();
  dd.roles = s->roles_;
  dd.retention = &s->policies_->retention();
  dd.identity = &lv.identity();
  dd.audit = &lv.audit();
  dd.signer = s->certificate_signer_.get();
  dd.clock = s->clock_;
  dd.crash_point = std::move(o.destruction_crash_point);
  s->destructions_ = std::make_unique<DestructionService>(std::move(dd));

  BorrowService::Deps bd;
  bd.vault = &lv.vault();
  bd.store = &lv.borrows();
  bd.policy = &s->policies_->borrowing();
  bd.roles = s->roles_;
  bd.identity = &lv.identity();
  bd.exporter = s->exporter_.get();
  bd.audit = &lv.audit();
  bd.clock = s->clock_;
  // Always set: no loan of a record destroyed or being destroyed, whether
  // vaultd or vaultctl asks.
  DestructionService* destructions = s->destructions_.get();
  bd.document_usable = [destructions](const std::string& id) { return destructions->CheckUsable(id); };
  uint8_t rnd[8];
  randombytes_buf(rnd, sizeof rnd);
  std::string node;
  for (uint8_t r : rnd) node += "0123456789abcdef"[r >> 4], node += "0123456789abcdef"[r & 15];
  if (lv.database().engine() == db::Engine::kSqlite && !lv.data_dir().empty()) {
    // One machine (vaultd and vaultctl share the SQLite file): the same, with
    // a flock(2) in the data directory as the presence lock. Without it a
    // vaultd killed while issuing a loan left a claim that blocked the loan
    // (409 borrow.issue_in_progress) for 15 minutes after the restart
    // (found by tests/crash/kill9_test.sh).
    const std::string dir = lv.data_dir() + "/presence";
    auto held = ProcessPresence::Hold(dir, node);
    if (held.ok()) {
      s->local_presence_ = std::move(held).value();
      bd.node = node;
      bd.node_alive = [dir](const std::string& other) { return ProcessPresence::Alive(dir, other); };
    }
  }
  if (lv.database().engine() == db::Engine::kPostgres) {
    // Several nodes: a claim names its process, which holds a presence lock
    // while it runs; a node killed while issuing a loan leaves a claim that
    // the next issue takes over at once (probing the lock: free = gone).
    s->presence_ = std::make_unique<db::LeaderLease>(lv.database().target(), std::string(kPresencePrefix) + node);
    if (s->presence_->Hold()) {
      bd.node = node;
      const db::DatabaseTarget target = lv.database().target();
      bd.node_alive = [target](const std::string& other) {
        db::LeaderLease probe(target, std::string(kPresencePrefix) + other);
        return !probe.Hold();  // a database error counts as alive: the claim then ends by age
      };
    }
  }
  s->borrows_ = std::make_unique<BorrowService>(bd);

  DocumentAccess::Deps ad;
  ad.vault = &lv.vault();
  ad.roles = s->roles_;
  ad.destructions = s->destructions_.get();
  ad.borrows = s->borrows_.get();
  ad.clock = s->clock_;
  s->access_ = std::make_unique<DocumentAccess>(ad);

  AlertScanner::Deps al;
  al.policy = &s->policies_->alerts();
  al.store = &lv.alerts();
  al.audit = &lv.audit();
  al.vault = &lv.vault();
  al.identity = &lv.identity();
  al.outbox = &lv.borrows();
  al.clock = s->clock_;
  s->alerts_ = std::make_unique<AlertScanner>(al);
  return s;
}

}  // namespace vault
