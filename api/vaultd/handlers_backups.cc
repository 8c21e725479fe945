// Backups and restore drills run by vaultd itself
// (vault/operations/backup_operations.h, docs/operations.md "Backups from
// vaultd"). The backup root comes from the configuration
// (vaultd.backup_dir); no request ever names a path.
//   POST /api/v1/backups {"incremental"?: bool}    system admins (backup.manage): an online backup (201)
//   GET  /api/v1/backups                           system admins: the backups and their manifest status
//   GET  /api/v1/backups/drills                    system admins and audit readers: drill reports
//   GET  /api/v1/backups/drills/{name}/{file}      one file of a report (JSON, PDF, their .sig, signing.pem)
// Every request is audited.
#include <Poco/JSON/Array.h>

#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"
#include "vault/operations/backup_operations.h"

namespace vaultd {
namespace {

bool BackupAdmin(Exchange& ex) {
  return ex.Authenticate("backup.manage", "backups") && ex.Allowed("backup.manage", "backups");
}

bool MayReadDrills(Exchange& ex, const std::string& object) {
  return ex.Authenticate("backup.drill_read", object) &&
         ex.AllowedAnyOf("backup.drill_read", object, {"backup.manage", "audit.read"});
}

Poco::JSON::Object::Ptr EntryJson(const vault::BackupEntry& e) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("name", e.name);
  o->set("backup_id", e.backup_id);
  o->set("created_at", e.created_at);
  o->set("base_backup_id", e.base_backup_id);
  o->set("incremental", !e.base_backup_id.empty());
  o->set("manifest", e.manifest);
  o->set("manifest_sha256", e.manifest_sha256);
  o->set("files", static_cast<Poco::Int64>(e.files));
  o->set("bytes", static_cast<Poco::Int64>(e.bytes));
  return o;
}

Poco::JSON::Object::Ptr DrillJson(const vault::DrillEntry& d) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("name", d.name);
  o->set("result", d.result);
  o->set("backup", d.backup_dir);
  o->set("backup_id", d.backup_id);
  o->set("started_at", d.started_at);
  o->set("completed_at", d.completed_at);
  o->set("signature", d.signature);
  o->set("pdf", d.pdf);
  Poco::JSON::Array::Ptr problems = new Poco::JSON::Array();
  for (const std::string& p : d.problems) problems->add(p);
  o->set("problems", problems);
  return o;
}

vault::BackupOperations& Ops(Exchange& ex) { return *ex.ctx().backups; }

}  // namespace

void HandleCreateBackup(Exchange& ex, const PathParams&) {
  if (!BackupAdmin(ex)) return;
  bool incremental = false;
  if (ex.req().getContentLength64() != 0) {
    auto body = ex.JsonBody();
    vault::Status bad = body.status();
    if (body.ok()) {
      for (const auto& kv : **body) {
        if (kv.first != "incremental") {
          bad = vault::InvalidArgumentError("request.unknown_field", "unknown field " + kv.first.substr(0, 64));
        } else if (!kv.second.isBoolean()) {
          bad = vault::InvalidArgumentError("request.bad_type", "incremental must be true or false");
        } else {
          incremental = kv.second.convert<bool>();
        }
      }
    }
    if (!bad.ok()) {
      ex.Audit("backup.create", "backups", bad);
      return ex.Error(bad);
    }
  }
  auto made = Ops(ex).Create(incremental);
  if (!made.ok()) {
    ex.Audit("backup.create", "backups", made.status());
    return ex.Error(made.status());
  }
  const std::string detail =
      (made->base_backup_id.empty() ? std::string("full") : "incremental on " + made->base_backup_id) + ", " +
      std::to_string(made->files) + " files, " + std::to_string(made->bytes) + " bytes, manifest sha256 " +
      made->manifest_sha256;
  if (!ex.AuditOrFail("backup.create", made->name, detail)) return;
  Poco::JSON::Object::Ptr o = EntryJson(*made);
  o->set("files_copied", static_cast<Poco::Int64>(made->files_copied));
  o->set("files_linked", static_cast<Poco::Int64>(made->files_linked));
  o->set("bytes_copied", static_cast<Poco::Int64>(made->bytes_copied));
  o->set("bytes_linked", static_cast<Poco::Int64>(made->bytes_linked));
  o->set("seconds", made->seconds);
  ex.SendObject(201, o);
}

void HandleListBackups(Exchange& ex, const PathParams&) {
  if (!BackupAdmin(ex)) return;
  ex.SendAuditedItems("backup.list", "backups", Ops(ex).List(), EntryJson);
}

void HandleListBackupDrills(Exchange& ex, const PathParams&) {
  if (!MayReadDrills(ex, "backup drills")) return;
  ex.SendAuditedItems("backup.drill_list", "backup drills", Ops(ex).Drills(50), DrillJson);
}

void HandleGetBackupDrillFile(Exchange& ex, const PathParams& p) {
  const std::string name = p[0].substr(0, 80), file = p[1].substr(0, 40);
  const std::string object = "drills/" + name + "/" + file;
  if (!MayReadDrills(ex, object)) return;
  auto body = Ops(ex).DrillFile(name, file);
  if (!body.ok()) {
    ex.Audit("backup.drill_read", object, body.status());
    return ex.Error(body.status());
  }
  if (!ex.AuditOrFail("backup.drill_read", object)) return;
  const auto ends = [&](const std::string& suffix) {
    return file.size() >= suffix.size() && file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  auto& resp = ex.resp();
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType(ends(".json") ? "application/json"
                      : ends(".pdf")  ? "application/pdf"
                      : ends(".pem")  ? "application/x-pem-file"
                                      : "application/octet-stream");
  resp.setContentLength64(static_cast<Poco::Int64>(body->size()));
  resp.sendBuffer(body->data(), body->size());
}

}  // namespace vaultd
