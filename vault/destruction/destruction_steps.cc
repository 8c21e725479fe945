// DestructionService::RunStepsLocked: the journal steps of an execution
// (snapshot -> erase keys -> overwrite blobs -> ghost -> certificate ->
// completed), each recorded before the next starts and idempotent, so a
// resumed destruction finishes exactly once.
#include "vault/destruction/destruction_service.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <dirent.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "vault/base/hex.h"
#include "vault/crypto/sha256.h"
#include "vault/storage/overwrite.h"

namespace vault {
namespace {

namespace step = destruction_step;

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

}  // namespace

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

}  // namespace vault
