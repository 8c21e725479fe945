#include "vault/destruction/destruction_service.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <sodium.h>
#include <sys/statfs.h>
#include <dirent.h>
#include <unistd.h>

#include <cstring>

#include <algorithm>
#include <fstream>
#include <set>

#include "vault/base/canonical_json.h"
#include "vault/documents/field_dictionary.h"
#include "vault/base/hex.h"
#include "vault/crypto/sha256.h"
#include "vault/keys/minisign.h"
#include "vault/storage/overwrite.h"

namespace vault {
namespace {

namespace step = destruction_step;

Status Denied(const std::string& reason, const std::string& message) {
  return Status(StatusCode::kPermissionDenied, reason, message);
}

std::string NewId(const char* prefix) {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  uint8_t rnd[12];
  randombytes_buf(rnd, sizeof rnd);
  std::string id = prefix;
  for (uint8_t r : rnd) id += kAlphabet[r & 31];
  return id;
}

StatusOr<std::string> FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("blob.not_found", "blob file missing");
  Sha256 sha;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha.Update(reinterpret_cast<const uint8_t*>(buf.data()), static_cast<size_t>(in.gcount()));
  }
  auto d = sha.Final();
  return HexEncode(d.data(), d.size());
}

std::string FilesystemOf(const std::string& path) {
  struct statfs fs {};
  if (::statfs(path.c_str(), &fs) != 0) return "unknown";
  switch (static_cast<unsigned long>(fs.f_type)) {
    case 0xEF53: return "ext4";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x01021994: return "tmpfs";
    case 0x2FC12FC1: return "zfs";
    default: return "other";
  }
}

const char kStatement[] =
    "The data keys of every version were deleted from the metadata database (SQLite secure_delete, write-ahead log "
    "truncated): every remaining copy of the ciphertext, on this disk, in flash cells remapped by the drive, in "
    "snapshots or in backups, can no longer be decrypted (Purge by cryptographic erase). The blob files were then "
    "overwritten in place with the passes listed, each made durable with fdatasync and the last read back, and "
    "removed (Clear). Overwriting cannot guarantee that old blocks are gone on flash storage (wear levelling), on "
    "copy-on-write filesystems or snapshots, or on virtual disks; backups made before the destruction keep "
    "ciphertext whose keys are destroyed. Copies that left the vault before (stamped exports) are outside its reach. "
    "密钥已删除（加密擦除，清除级）；文件已原地覆写并删除（清理级）。覆写无法保证闪存、写时复制文件系统、快照或虚拟磁盘上的旧数据块被消除；"
    "销毁前已导出的副本不在本系统控制范围内。";

}  // namespace

std::vector<std::string> DestructionService::ReasonsFrom(const DocumentRecord& doc, const RecordFacts& f,
                                                         const std::string& reason, bool legal_approved,
                                                         TimePoint now) const {
  std::vector<std::string> reasons;
  if (!f.destroyed_by.empty()) reasons.push_back("already destroyed (" + f.destroyed_by + ")");
  for (const auto& h : f.holds) reasons.push_back("legal hold " + std::to_string(h.id) + ": " + h.reason);
  if (!f.other_destruction.empty()) reasons.push_back("in destruction " + f.other_destruction);
  for (const OpenLoan& loan : f.loans) {
    if (LoanProtects(loan, doc, now)) {
      reasons.push_back("open loan");
      break;
    }
  }
  if (!(reason == "customer_request" && legal_approved)) {
    RetentionDecision r = d_.retention->Decide(doc, {});
    if (!d_.retention->Expired(r, now)) {
      reasons.push_back(r.permanent ? "retention: permanent"
                                    : r.event_pending ? "retention: waits for its event (" + r.reason + ")"
                                                      : "retention until " + r.due_at + " (" + r.reason + ")");
    }
  }
  return reasons;
}

bool DestructionService::LoanProtects(const OpenLoan& loan, const DocumentRecord& doc, TimePoint now) const {
  // A copy or the original is out: it must come back first.
  if (loan.state != "requested" && loan.state != "approved") return true;
  // A request waits only for someone who may see the record: a request by
  // anyone else (made before borrowing was scoped, or before the requester
  // moved or lost clearance) could never be issued and must not let them
  // hold a record they cannot see back from destruction.
  auto user = d_.identity->GetUser(loan.borrower);
  if (!user.ok() || user->disabled) return false;
  const Subject borrower{user->username, user->role, user->department, user->clearance, user->customers, false};
  const Resource res{doc.meta.department, doc.meta.classification, doc.meta.customer_number};
  return d_.roles->Decide(borrower, "borrow.request", res, now).allowed;
}

StatusOr<std::vector<Protection>> DestructionService::Check(const std::vector<std::string>& documents,
                                                            const std::string& reason, bool legal_approved,
                                                            const std::string& except_id) {
  std::vector<Protection> out;
  const TimePoint now = d_.clock->Now();
  for (const std::string& ref : documents) {
    VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, d_.vault->Get(ref));
    Protection p;
    p.document_id = doc.id;
    p.archive_number = doc.archive_number;
    VAULT_ASSIGN_OR_RETURN(RecordFacts facts, d_.store->FactsOf(doc.id, doc.meta.customer_number, except_id));
    p.reasons = ReasonsFrom(doc, facts, reason, legal_approved, now);
    out.push_back(std::move(p));
  }
  return out;
}

StatusOr<Destruction> DestructionService::Request(const Subject& who, const DestructionRequest& req) {
  if (!Can(who, "destruction.request")) return Denied("access.denied", "your role may not request destructions");
  if (req.reason != "retention_expired" && req.reason != "customer_request" && req.reason != "business_ended") {
    return InvalidArgumentError("destruction.bad_reason",
                                "reason must be retention_expired, customer_request or business_ended");
  }
  if (req.reference.empty() || req.reference.size() > 500 || !FieldDictionary::IsValidUtf8(req.reference)) {
    return InvalidArgumentError("destruction.reference_required", "give a reference (at most 500 bytes)");
  }
  if (req.documents.empty() || req.documents.size() > 1000) {
    return InvalidArgumentError("destruction.no_documents", "name 1 to 1000 documents");
  }
  Destruction d;
  d.id = NewId("XH");
  d.state = "requested";
  d.reason = req.reason;
  d.reference = req.reference;
  d.requested_by = who.username;
  d.requested_at = FormatUtc(d_.clock->Now());
  std::set<std::string> seen;
  for (const std::string& ref : req.documents) {
    VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, d_.vault->Get(ref));
    if (!seen.insert(doc.id).second) {
      return InvalidArgumentError("destruction.duplicate_document", "a document is named twice");
    }
    VAULT_ASSIGN_OR_RETURN(std::string open, d_.store->OpenDestructionOf(doc.id, d.id));
    if (!open.empty()) return AlreadyExistsError("destruction.already_open", doc.archive_number + " is in " + open);
    DestructionItem item;
    item.position = static_cast<int>(d.items.size());
    item.document_id = doc.id;
    item.archive_number = doc.archive_number;
    item.title = doc.meta.title;
    item.customer = doc.meta.customer_number;
    item.classification = doc.meta.classification;
    d.items.push_back(std::move(item));
  }
  // Refused now rather than at execution when something already protects a
  // record; a customer request is checked for retention only once legal
  // has approved it.
  std::vector<std::string> ids;
  for (const auto& i : d.items) ids.push_back(i.document_id);
  VAULT_ASSIGN_OR_RETURN(auto checks, Check(ids, req.reason, req.reason == "customer_request"));
  for (const auto& p : checks) {
    if (!p.reasons.empty()) {
      return FailedPreconditionError("destruction.protected", p.archive_number + ": " + p.reasons.front());
    }
  }
  VAULT_RETURN_IF_ERROR(d_.store->Insert(d));
  return d;
}

StatusOr<Destruction> DestructionService::Approve(const Subject& who, const std::string& id,
                                                  const std::string& witness) {
  if (!Can(who, "destruction.approve")) return Denied("access.denied", "your role may not approve destructions");
  if (witness.empty() || witness.size() > 200 || !FieldDictionary::IsValidUtf8(witness)) {
    return InvalidArgumentError("destruction.witness_required", "name the witness (监销人)");
  }
  const std::string at = FormatUtc(d_.clock->Now());
  return d_.store->Update(id, [&](Destruction& d) -> Status {
    if (d.state != "requested") {
      return FailedPreconditionError("destruction.bad_state", "the destruction is " + d.state);
    }
    if (d.requested_by == who.username) {
      return Denied("destruction.self_approval", "a second person must approve (four eyes)");
    }
    if (d.reason == "customer_request" && who.role != "legal") {
      return Denied("destruction.legal_required", "a customer's erasure request is approved by legal");
    }
    d.state = "approved";
    d.approved_by = who.username;
    d.approved_at = at;
    d.witness = witness;
    return Status::Ok();
  });
}

StatusOr<Destruction> DestructionService::Execute(const Subject& who, const std::string& id) {
  if (!Can(who, "destruction.execute")) return Denied("access.denied", "your role may not execute destructions");
  VAULT_ASSIGN_OR_RETURN(Destruction d, d_.store->Get(id));
  if (d.state == "completed") return d;
  if (d.state != "approved" && d.state != "executing") {
    return FailedPreconditionError("destruction.bad_state", "the destruction is " + d.state + ", not approved");
  }
  if (d.state == "approved") {
    // Preconditions again, at the last moment: a hold or a loan may have
    // appeared since the request.
    std::vector<std::string> ids;
    for (const auto& i : d.items) ids.push_back(i.document_id);
    VAULT_ASSIGN_OR_RETURN(auto checks, Check(ids, d.reason, d.reason == "customer_request", d.id));
    for (const auto& p : checks) {
      if (!p.reasons.empty()) {
        return FailedPreconditionError("destruction.protected", p.archive_number + ": " + p.reasons.front());
      }
    }
    // The check above is only the early, cheap refusal: a hold or a loan
    // may still arrive now. The snapshot step checks again inside its own
    // transaction, and that check is the one that counts.
    Crash("after_check");
  }
  VAULT_RETURN_IF_ERROR(RunSteps(id, who.username));
  return d_.store->Get(id);
}

Status DestructionService::Resume() {
  VAULT_ASSIGN_OR_RETURN(std::vector<std::string> ids, d_.store->Unfinished());
  Status first;
  for (const auto& id : ids) {
    Status s = RunSteps(id, "resume");  // one stuck destruction does not hold up the others
    if (!s.ok() && first.ok()) first = s;
  }
  return first;
}

Status DestructionService::RunSteps(const std::string& id, const std::string& actor) {
  std::lock_guard<std::mutex> lock(run_mu_);
  try {
    return RunStepsLocked(id, actor);
  } catch (const Poco::Exception& e) {
    return InternalError("destruction.failed", "destruction " + id + " stopped: " + e.displayText());
  } catch (const std::exception& e) {
    return InternalError("destruction.failed", "destruction " + id + " stopped: " + e.what());
  }
}

Status DestructionService::RunStepsLocked(const std::string& id, const std::string& actor) {
  VAULT_ASSIGN_OR_RETURN(Destruction d, d_.store->Get(id));
  // Each journal update names the step it expects: a step is never applied twice.
  auto expect = [](Destruction& x, const char* step) -> Status {
    if (x.step != step) {
      return FailedPreconditionError("destruction.conflict", "the destruction moved on meanwhile (" + x.step + ")");
    }
    return Status::Ok();
  };
  auto audit = [&](const std::string& action, const std::string& detail) -> Status {
    if (!d_.audit) return Status::Ok();
    AuditRecord r;
    r.actor = actor;
    r.role = "-";
    r.action = action;
    r.object = id;
    r.outcome = "ok";
    r.client = "destruction";
    r.detail = detail;
    return d_.audit->Append(r).status();
  };
  if (d.step == step::kNone) {
    // Snapshot: what is about to go, with the hashes the certificate needs.
    std::vector<DestructionItem> items = d.items;
    std::vector<DocumentRecord> docs;
    for (DestructionItem& item : items) {
      VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, d_.vault->Get(item.document_id));
      docs.push_back(std::move(doc));
      VAULT_ASSIGN_OR_RETURN(std::vector<VersionRecord> versions, d_.vault->Versions(item.document_id));
      item.versions = static_cast<int64_t>(versions.size());
      item.bytes = 0;
      item.plaintext_sha256.clear();
      item.ciphertext_sha256.clear();
      item.blobs.clear();
      for (const auto& v : versions) {
        item.bytes += static_cast<int64_t>(v.size);
        item.plaintext_sha256.push_back(v.sha256);
        auto c = FileSha256(d_.blobs->PathOf(v.blob_name));
        item.ciphertext_sha256.push_back(c.ok() ? *c : "missing");
        item.blobs.push_back(v.blob_name);
      }
      VAULT_ASSIGN_OR_RETURN(item.artifacts, d_.store->ArtifactsOf(item.document_id));
      for (const auto& a : item.artifacts) {
        auto rec = d_.vault->GetArtifact(a);
        if (rec.ok()) item.blobs.push_back(rec->blob_name);
      }
    }
    const TimePoint now = d_.clock->Now();
    const std::string at = FormatUtc(now);
    // The preconditions and the first step in one transaction: a hold or a
    // loan written before it commits is seen here; one written after finds
    // the record executing (BorrowStore::Insert refuses it).
    VAULT_ASSIGN_OR_RETURN(d, d_.store->UpdateWithFacts(id, [&](Destruction& x,
                                                                const std::vector<RecordFacts>& facts) -> Status {
                             VAULT_RETURN_IF_ERROR(expect(x, step::kNone));
                             if (x.state != "approved") {
                               return FailedPreconditionError("destruction.bad_state",
                                                              "the destruction is " + x.state + ", not approved");
                             }
                             for (size_t i = 0; i < docs.size() && i < facts.size(); ++i) {
                               auto reasons = ReasonsFrom(docs[i], facts[i], x.reason,
                                                          x.reason == "customer_request", now);
                               if (!reasons.empty()) {
                                 return FailedPreconditionError("destruction.protected",
                                                                docs[i].archive_number + ": " + reasons.front());
                               }
                             }
                             x.items = items;
                             x.state = "executing";
                             x.started_at = at;
                             x.step = step::kSnapshotted;
                             return Status::Ok();
                           }));
    VAULT_RETURN_IF_ERROR(audit("destruction.start", std::to_string(d.items.size()) + " records"));
    Crash("after_snapshot");
  }
  if (d.step == step::kSnapshotted) {
    std::vector<std::string> docs, artifacts;
    for (const auto& i : d.items) {
      docs.push_back(i.document_id);
      artifacts.insert(artifacts.end(), i.artifacts.begin(), i.artifacts.end());
    }
    VAULT_RETURN_IF_ERROR(d_.store->EraseKeys(docs, artifacts));
    Crash("after_erase");
    VAULT_ASSIGN_OR_RETURN(d, d_.store->Update(id, [&](Destruction& x) -> Status {
                             VAULT_RETURN_IF_ERROR(expect(x, step::kSnapshotted));
                             x.step = step::kErased;
                             return Status::Ok();
                           }));
    VAULT_RETURN_IF_ERROR(audit("destruction.crypto_erase", "data keys deleted, WAL truncated"));
  }
  if (d.step == step::kErased) {
    Poco::JSON::Array::Ptr results = new Poco::JSON::Array;
    int64_t overwritten = 0, already = 0;
    bool all_verified = true, all_same = true;
    for (const auto& i : d.items) {
      for (const auto& blob : i.blobs) {
        const std::string path = d_.blobs->PathOf(blob);
        // A crash between the rename and the unlink of an earlier run leaves
        // a ".destroyed-*" file (already overwritten, its key erased): remove it.
        const std::string dir = path.substr(0, path.rfind('/'));
        if (auto* dh = ::opendir(dir.c_str())) {
          while (auto* e = ::readdir(dh)) {
            if (std::strncmp(e->d_name, ".destroyed-", 11) == 0) (void)::unlink((dir + "/" + e->d_name).c_str());
          }
          ::closedir(dh);
        }
        if (::access(path.c_str(), F_OK) != 0) {
          ++already;  // removed by an earlier, interrupted run
          continue;
        }
        VAULT_ASSIGN_OR_RETURN(OverwriteReport r, OverwriteAndRemove(path, d_.passes, [&](size_t pass) {
                                 Crash(("after_pass_" + std::to_string(pass + 1)).c_str());
                               }));
        ++overwritten;
        all_verified = all_verified && r.verified;
        all_same = all_same && r.extents_known && r.same_extents;
      }
    }
    for (const auto& p : d_.passes) {
      Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
      o->set("pattern", p);
      o->set("synced", true);
      results->add(o);
    }
    Poco::JSON::Object::Ptr summary = new Poco::JSON::Object;
    summary->set("passes", results);
    summary->set("blobs_overwritten", overwritten);
    summary->set("blobs_already_removed", already);
    summary->set("last_pass_verified", all_verified);
    summary->set("same_physical_extents", all_same && overwritten > 0);
    std::ostringstream js;
    summary->stringify(js);
    VAULT_ASSIGN_OR_RETURN(d, d_.store->Update(id, [&](Destruction& x) -> Status {
                             VAULT_RETURN_IF_ERROR(expect(x, step::kErased));
                             x.step = step::kOverwritten;
                             x.passes = js.str();
                             return Status::Ok();
                           }));
    VAULT_RETURN_IF_ERROR(audit("destruction.overwrite", js.str()));
    Crash("after_overwrite");
  }
  if (d.step == step::kOverwritten) {
    // Nothing may have been added since the snapshot (a version or a copy
    // would have escaped the erase and the overwrite): never certify then.
    for (const auto& i : d.items) {
      VAULT_ASSIGN_OR_RETURN(std::vector<VersionRecord> now_versions, d_.vault->Versions(i.document_id));
      VAULT_ASSIGN_OR_RETURN(std::vector<std::string> now_artifacts, d_.store->ArtifactsOf(i.document_id));
      if (static_cast<int64_t>(now_versions.size()) != i.versions || now_artifacts.size() != i.artifacts.size()) {
        return DataLossError("destruction.changed_during", i.archive_number +
                                                               " changed during its destruction; no certificate");
      }
    }
    const std::string at = FormatUtc(d_.clock->Now());
    for (const auto& i : d.items) VAULT_RETURN_IF_ERROR(d_.store->MarkDestroyed(i.document_id, id, at));
    VAULT_ASSIGN_OR_RETURN(d, d_.store->Update(id, [&](Destruction& x) -> Status {
                             VAULT_RETURN_IF_ERROR(expect(x, step::kOverwritten));
                             x.step = step::kGhosted;
                             return Status::Ok();
                           }));
    Crash("after_ghost");
  }
  if (d.step == step::kGhosted) {
    auto existing = d_.store->CertificateFor(id);
    Certificate cert;
    if (existing.ok()) {
      cert = *existing;  // issued before a crash: never a second one
    } else {
      VAULT_ASSIGN_OR_RETURN(cert, MakeCertificate(d));
      VAULT_RETURN_IF_ERROR(d_.store->InsertCertificate(cert));
    }
    Crash("after_certificate");
    const std::string at = FormatUtc(d_.clock->Now());
    VAULT_ASSIGN_OR_RETURN(d, d_.store->Update(id, [&](Destruction& x) -> Status {
                             VAULT_RETURN_IF_ERROR(expect(x, step::kGhosted));
                             x.step = step::kCertified;
                             x.certificate_id = cert.id;
                             x.state = "completed";
                             x.completed_at = at;
                             return Status::Ok();
                           }));
    VAULT_RETURN_IF_ERROR(audit("destruction.complete", "certificate " + cert.id + " sha256 " + cert.sha256));
  }
  return Status::Ok();
}

StatusOr<Certificate> DestructionService::MakeCertificate(const Destruction& d) {
  VAULT_ASSIGN_OR_RETURN(Certificate last, d_.store->LastCertificate());
  Certificate c;
  c.seq = last.seq + 1;
  char id[32];
  std::snprintf(id, sizeof id, "CERT-%06lld", static_cast<long long>(c.seq));
  c.id = id;
  c.destruction_id = d.id;
  c.previous_sha256 = last.id.empty() ? std::string(64, '0') : last.sha256;
  c.created_at = FormatUtc(d_.clock->Now());
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("format", "sales-vault destruction certificate v1");
  o->set("certificate_id", c.id);
  o->set("sequence", c.seq);
  o->set("previous_certificate_sha256", c.previous_sha256);
  o->set("destruction_id", d.id);
  o->set("issued_at", c.created_at);
  Poco::JSON::Object::Ptr performer = new Poco::JSON::Object;
  std::string performer_name = d.requested_by;
  if (auto u = d_.identity->GetUser(d.requested_by); u.ok() && !u->display_name.empty()) {
    performer_name = u->display_name + " (" + u->username + ")";
  }
  performer->set("name", performer_name);
  performer->set("title", "archive administrator / 档案管理员");
  performer->set("organisation", d_.organisation);
  o->set("performer", performer);
  Poco::JSON::Array::Ptr approvers = new Poco::JSON::Array;
  approvers->add(d.requested_by);
  approvers->add(d.approved_by);
  o->set("approvers", approvers);
  o->set("witness", d.witness);
  o->set("reason", d.reason);
  o->set("reference", d.reference);
  o->set("method_type", "Purge (cryptographic erase) + Clear (overwrite)");
  o->set("method", "crypto erase + overwrite");
  Poco::JSON::Parser parser;
  o->set("overwrite", d.passes.empty() ? Poco::Dynamic::Var() : parser.parse(d.passes));
  o->set("tool", "sales-vault vaultd (vault/destruction, libsodium " + std::string(sodium_version_string()) + ")");
  o->set("filesystem", FilesystemOf(d_.blobs->PathOf("x").substr(0, d_.blobs->PathOf("x").rfind('/'))));
  o->set("started_at", d.started_at);
  o->set("completed_at", c.created_at);
  Poco::JSON::Array::Ptr records = new Poco::JSON::Array;
  for (const auto& i : d.items) {
    Poco::JSON::Object::Ptr r = new Poco::JSON::Object;
    r->set("document_id", i.document_id);
    r->set("archive_number", i.archive_number);
    r->set("title", i.title);
    r->set("customer", i.customer);
    r->set("classification", i.classification);
    r->set("versions", i.versions);
    r->set("bytes", i.bytes);
    Poco::JSON::Array::Ptr plain = new Poco::JSON::Array, cipher = new Poco::JSON::Array;
    for (const auto& h : i.plaintext_sha256) plain->add(h);
    for (const auto& h : i.ciphertext_sha256) cipher->add(h);
    r->set("plaintext_sha256", plain);
    r->set("ciphertext_sha256", cipher);
    r->set("related_copies_destroyed", static_cast<Poco::Int64>(i.artifacts.size()));
    records->add(r);
  }
  o->set("records", records);
  o->set("statement", kStatement);
  Poco::JSON::Object::Ptr key = new Poco::JSON::Object;
  key->set("name", d_.signer->key_name());
  const auto& pk = d_.signer->public_key();
  key->set("ed25519_public_key", HexEncode(pk.data(), pk.size()));
  o->set("signing_key", key);
  std::ostringstream raw;
  o->stringify(raw);
  c.json = CanonicalJsonOf(raw.str());
  c.sha256 = Sha256::HexOf(c.json);
  const Signer::Signature sig = d_.signer->Sign(c.json);
  c.signature = HexEncode(sig.data(), sig.size());
  c.minisig = MinisignSignature(*d_.signer, c.json, "sales-vault " + c.id + " sha256 " + c.sha256);
  c.key_name = d_.signer->key_name();
  c.public_key = HexEncode(pk.data(), pk.size());
  return c;
}

StatusOr<Destruction> DestructionService::Get(const Subject& who, const std::string& id) {
  if (!Can(who, "destruction.request") && !Can(who, "destruction.approve") && !Can(who, "certificate.read")) {
    return NotFoundError("destruction.not_found", "no such destruction");
  }
  return d_.store->Get(id);
}

StatusOr<LegalHold> DestructionService::AddHold(const Subject& who, const std::string& scope,
                                                const std::string& target, const std::string& reason) {
  if (!Can(who, "hold.manage")) return Denied("access.denied", "only legal places holds");
  if (scope != "document" && scope != "customer") {
    return InvalidArgumentError("hold.bad_scope", "scope must be document or customer");
  }
  if (reason.empty() || reason.size() > 500) return InvalidArgumentError("hold.reason_required", "give a reason");
  LegalHold h;
  h.scope = scope;
  h.target = target;
  if (scope == "document") {
    VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, d_.vault->Get(target));
    h.target = doc.id;
  } else if (target.empty() || target.size() > 64) {
    return InvalidArgumentError("hold.bad_target", "give a customer number");
  }
  h.reason = reason;
  h.created_by = who.username;
  h.created_at = FormatUtc(d_.clock->Now());
  return d_.store->AddHold(h);
}

Status DestructionService::ReleaseHold(const Subject& who, int64_t id) {
  if (!Can(who, "hold.manage")) return Denied("access.denied", "only legal releases holds");
  return d_.store->ReleaseHold(id, who.username, FormatUtc(d_.clock->Now()));
}

Status DestructionService::CheckUsable(const std::string& document_id) {
  VAULT_ASSIGN_OR_RETURN(std::string destroyed, d_.store->DestroyedBy(document_id));
  if (!destroyed.empty()) return FailedPreconditionError("document.destroyed", "the document was destroyed");
  VAULT_ASSIGN_OR_RETURN(std::string open, d_.store->OpenDestructionOf(document_id, ""));
  if (!open.empty()) {
    VAULT_ASSIGN_OR_RETURN(Destruction d, d_.store->Get(open));
    if (d.state == "approved" || d.state == "executing") {
      return FailedPreconditionError("document.being_destroyed", "the document is being destroyed (" + open + ")");
    }
  }
  return Status::Ok();
}

StatusOr<std::string> DestructionService::CertificateOfDestroyed(const std::string& document_id) {
  VAULT_ASSIGN_OR_RETURN(std::string destruction, d_.store->DestroyedBy(document_id));
  if (destruction.empty()) return std::string();
  auto cert = d_.store->CertificateFor(destruction);
  return cert.ok() ? cert->id : "pending (" + destruction + ")";
}

}  // namespace vault

namespace vault {

StatusOr<CertificateView> ViewOfCertificate(const Certificate& c) {
  CertificateView v;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(c.json).extract<Poco::JSON::Object::Ptr>();
    auto str = [](const Poco::JSON::Object::Ptr& obj, const char* key) {
      return obj && obj->has(key) && !obj->get(key).isEmpty() ? obj->get(key).convert<std::string>() : std::string();
    };
    v.id = c.id;
    v.issued_at = str(o, "issued_at");
    v.json_sha256 = c.sha256;
    v.key_fingerprint = c.public_key;
    v.key_name = c.key_name;
    v.previous_sha256 = c.previous_sha256;
    auto performer = o->getObject("performer");
    v.performer = str(performer, "name");
    v.performer_title = str(performer, "title");
    v.organisation = str(performer, "organisation");
    v.reason = str(o, "reason");
    v.reference = str(o, "reference");
    if (auto a = o->getArray("approvers")) {
      for (size_t i = 0; i < a->size(); ++i) v.approvers.push_back(a->getElement<std::string>(static_cast<unsigned>(i)));
    }
    v.witness = str(o, "witness");
    v.method_type = str(o, "method_type");
    v.method = str(o, "method");
    v.started_at = str(o, "started_at");
    v.completed_at = str(o, "completed_at");
    v.tool = str(o, "tool");
    v.filesystem = str(o, "filesystem");
    v.limitations = str(o, "statement");
    if (auto ow = o->getObject("overwrite")) {
      const bool verified = ow->has("last_pass_verified") && ow->get("last_pass_verified").convert<bool>();
      if (auto passes = ow->getArray("passes")) {
        for (size_t i = 0; i < passes->size(); ++i) {
          auto p = passes->getObject(static_cast<unsigned>(i));
          v.passes.push_back({str(p, "pattern"), p->has("synced") && p->get("synced").convert<bool>(),
                              i + 1 == passes->size() && verified});
        }
      }
    }
    if (auto records = o->getArray("records")) {
      for (size_t i = 0; i < records->size(); ++i) {
        auto r = records->getObject(static_cast<unsigned>(i));
        CertificateView::Record rec;
        rec.archive_number = str(r, "archive_number");
        rec.title = str(r, "title");
        rec.customer = str(r, "customer");
        rec.classification = str(r, "classification");
        rec.versions = r->has("versions") ? r->get("versions").convert<uint32_t>() : 0;
        rec.bytes = r->has("bytes") ? r->get("bytes").convert<uint64_t>() : 0;
        for (const char* key : {"plaintext_sha256", "ciphertext_sha256"}) {
          if (auto a = r->getArray(key)) {
            for (size_t j = 0; j < a->size(); ++j) {
              (std::string(key) == "plaintext_sha256" ? rec.plaintext_sha256 : rec.ciphertext_sha256)
                  .push_back(a->getElement<std::string>(static_cast<unsigned>(j)));
            }
          }
        }
        v.records.push_back(std::move(rec));
      }
    }
  } catch (const Poco::Exception& e) {
    return DataLossError("certificate.malformed", "the stored certificate cannot be read: " + e.displayText());
  }
  return v;
}

}  // namespace vault
