// The destruction certificate: made and signed at the end of an execution
// (DestructionService::MakeCertificate), and read back from its signed JSON
// for the human-readable PDF (ViewOfCertificate).
#include "vault/destruction/destruction_service.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <sodium.h>

#include <sstream>

#include "vault/base/canonical_json.h"
#include "vault/base/hex.h"
#include "vault/crypto/sha256.h"
#include "vault/keys/minisign.h"
#include "vault/storage/filesystem_type.h"

namespace vault {
namespace {

const char kStatement[] =
    "The data keys of every version were deleted from the metadata database (SQLite secure_delete, write-ahead log "
    "truncated): every remaining copy of the ciphertext on this disk, in flash cells remapped by the drive or in "
    "snapshots of the blob directory can no longer be decrypted (Purge by cryptographic erase). The blob files were "
    "then overwritten in place with the passes listed, each made durable with fdatasync and the last read back, and "
    "removed (Clear). Overwriting cannot guarantee that old blocks are gone on flash storage (wear levelling), on "
    "copy-on-write filesystems or snapshots, or on virtual disks. Backups made before the destruction still hold the "
    "data keys, wrapped by the master key: the vault's restore replays this certificate (keys erased and blobs "
    "overwritten in the restored copy before it can be read) and refuses a restore without the certificate chain "
    "unless forced, which the restored vault's audit log records; such a backup can no longer be decrypted at all "
    "only once the master key in force when it was made has been rotated out and destroyed. Copies that left the "
    "vault before (stamped exports) are outside its reach. "
    "密钥已删除（加密擦除，清除级）；文件已原地覆写并删除（清理级）。覆写无法保证闪存、写时复制文件系统、快照或虚拟磁盘上的旧数据块被消除。"
    "销毁前的备份仍含以主密钥封装的数据密钥：恢复时系统依据本证书重新执行销毁（先删除密钥、覆写文件，副本才可读），"
    "无证书链时拒绝恢复，强制恢复记入恢复后系统的审计日志；只有备份时所用的主密钥经轮换并销毁后，该备份才彻底无法解密。"
    "销毁前已导出的副本不在本系统控制范围内。";

}  // namespace

StatusOr<Certificate> DestructionService::MakeCertificate(const Destruction& d) {
  VAULT_ASSIGN_OR_RETURN(Certificate last, d_.store->LastCertificate());
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<Signer> signer, d_.signer->Current());
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
  performer->set("title", d_.wording.performer_title);
  performer->set("organisation", d_.wording.organisation);
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
  o->set("filesystem", FilesystemTypeOf(d_.blobs->PathOf("x")));
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
  key->set("name", signer->key_name());
  const auto& pk = signer->public_key();
  key->set("ed25519_public_key", HexEncode(pk.data(), pk.size()));
  o->set("signing_key", key);
  std::ostringstream raw;
  o->stringify(raw);
  c.json = CanonicalJsonOf(raw.str());
  c.sha256 = Sha256::HexOf(c.json);
  const Signer::Signature sig = signer->Sign(c.json);
  c.signature = HexEncode(sig.data(), sig.size());
  c.minisig = MinisignSignature(*signer, c.json, "sales-vault " + c.id + " sha256 " + c.sha256);
  c.key_name = signer->key_name();
  c.public_key = HexEncode(pk.data(), pk.size());
  return c;
}

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

