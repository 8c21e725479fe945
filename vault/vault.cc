#include "vault/vault.h"

#include <set>

#include "vault/base/hex.h"
#include "vault/crypto/blob_stream.h"

namespace vault {
namespace {

constexpr size_t kRotationBatch = 500;

bool LooksLikeDocumentId(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string BlobNameFor(const std::string& document_id, uint32_t version) {
  uint8_t rnd[6];
  RandomBytes(rnd, sizeof rnd);
  return document_id + "-v" + std::to_string(version) + "-" + HexEncode(rnd, sizeof rnd);
}

}  // namespace

const char* FixityStateName(FixityEntry::State s) {
  switch (s) {
    case FixityEntry::State::kOk: return "ok";
    case FixityEntry::State::kChanged: return "changed";
    case FixityEntry::State::kMissing: return "missing";
    case FixityEntry::State::kUntracked: return "untracked";
  }
  return "unknown";
}

std::string NewDocumentId() {
  uint8_t rnd[16];
  RandomBytes(rnd, sizeof rnd);
  return HexEncode(rnd, sizeof rnd);
}

StatusOr<BlobBinding> BindingFor(const std::string& document_id, uint32_t version) {
  auto bytes = HexDecode(document_id);
  if (!LooksLikeDocumentId(document_id) || !bytes) {
    return InvalidArgumentError("document.bad_id", "document id must be 32 hex digits");
  }
  BlobBinding b;
  std::copy(bytes->begin(), bytes->end(), b.document_id.begin());
  b.version = version;
  return b;
}

StatusOr<std::unique_ptr<Vault>> Vault::Open(VaultOptions options) {
  if (!options.blobs || !options.metadata || !options.keys || !options.clock ||
      !options.dictionary) {
    return InvalidArgumentError("vault.options", "blobs, metadata, keys, clock and dictionary are required");
  }
  return std::unique_ptr<Vault>(new Vault(std::move(options)));
}

StatusOr<Vault::SealedVersion> Vault::SealVersion(const std::string& document_id, uint32_t version,
                                                  ByteSource& content) {
  VAULT_ASSIGN_OR_RETURN(BlobBinding binding, BindingFor(document_id, version));
  if (opt_.keys->PrimaryId().empty()) {
    return FailedPreconditionError("key.no_primary", "key ring has no primary KEK");
  }
  SecretKey dek = SecretKey::Random();
  std::string blob_name = BlobNameFor(document_id, version);
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> writer, opt_.blobs->NewWriter(blob_name));
  BlobSealer sealer = BlobSealer::WithRandomNonce(dek, binding);
  VAULT_ASSIGN_OR_RETURN(SealResult sealed, SealStream(sealer, content, *writer));
  VAULT_RETURN_IF_ERROR(writer->Commit());
  CrashPoint("after_blob_commit");
  SealedVersion out;
  out.record.document_id = document_id;
  out.record.version = version;
  out.record.size = sealed.plaintext_size;
  out.record.sha256 = HexEncode(sealed.sha256.data(), sealed.sha256.size());
  out.record.blob_name = blob_name;
  out.record.blob_size = sealed.blob_size;
  out.record.created_at = FormatUtc(opt_.clock->Now());
  Status wrapped = [&]() -> Status {
    VAULT_ASSIGN_OR_RETURN(out.key, opt_.keys->Wrap(dek, binding));
    return Status::Ok();
  }();
  if (!wrapped.ok()) {
    (void)opt_.blobs->Remove(blob_name);
    return wrapped;
  }
  out.dek = std::move(dek);
  out.binding = binding;
  CrashPoint("after_wrap");
  return out;
}

Status Vault::CommitWithCurrentKek(SealedVersion& sealed, const std::function<Status()>& commit) {
  for (int attempt = 0;; ++attempt) {
    Status st = commit();
    if (st.reason() != "key.kek_destroyed" || attempt >= 3) return st;
    VAULT_ASSIGN_OR_RETURN(sealed.key, opt_.keys->Wrap(*sealed.dek, sealed.binding));
  }
}

StatusOr<DocumentRecord> Vault::Ingest(IngestRequest request, ByteSource& content) {
  VAULT_RETURN_IF_ERROR(opt_.dictionary->Validate(request.meta));
  const DocumentType* type = opt_.dictionary->FindType(request.meta.doc_type);
  NewDocument doc;
  doc.id = NewDocumentId();
  doc.type_code = type->code;
  doc.meta = std::move(request.meta);
  doc.created_by = request.actor;
  VAULT_ASSIGN_OR_RETURN(SealedVersion sealed, SealVersion(doc.id, 1, content));
  sealed.record.created_by = request.actor;
  sealed.record.reason = "initial version";
  sealed.record.filename = request.filename;
  doc.created_at = sealed.record.created_at;
  DocumentRecord rec;
  Status st = CommitWithCurrentKek(sealed, [&]() -> Status {
    VAULT_ASSIGN_OR_RETURN(rec, opt_.metadata->InsertDocument(doc, sealed.record, sealed.key));
    return Status::Ok();
  });
  if (!st.ok()) {
    // Best effort: a blob left behind is reported as untracked by Verify().
    (void)opt_.blobs->Remove(sealed.record.blob_name);
    return st;
  }
  return rec;
}

StatusOr<VersionRecord> Vault::AddVersion(const std::string& id_or_number, const std::string& reason,
                                          const std::string& actor, const std::string& filename,
                                          ByteSource& content) {
  if (reason.empty() || !FieldDictionary::IsValidUtf8(reason) ||
      FieldDictionary::CountChars(reason) > 500) {
    return InvalidArgumentError("field.invalid",
                                "invalid metadata: reason: is required, UTF-8, at most 500 characters");
  }
  VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, Resolve(id_or_number));
  VAULT_ASSIGN_OR_RETURN(SealedVersion sealed,
                         SealVersion(doc.id, doc.current_version + 1, content));
  sealed.record.created_by = actor;
  sealed.record.reason = reason;
  sealed.record.filename = filename;
  Status st = CommitWithCurrentKek(
      sealed, [&]() -> Status { return opt_.metadata->InsertVersion(sealed.record, sealed.key); });
  if (!st.ok()) {
    (void)opt_.blobs->Remove(sealed.record.blob_name);
    return st;
  }
  return sealed.record;
}

StatusOr<DocumentRecord> Vault::Resolve(const std::string& id_or_number) {
  if (LooksLikeDocumentId(id_or_number)) return opt_.metadata->GetDocument(id_or_number);
  return opt_.metadata->GetByArchiveNumber(id_or_number);
}

StatusOr<DocumentRecord> Vault::Get(const std::string& id_or_number) { return Resolve(id_or_number); }

StatusOr<std::vector<VersionRecord>> Vault::Versions(const std::string& id_or_number) {
  VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, Resolve(id_or_number));
  return opt_.metadata->ListVersions(doc.id);
}

StatusOr<SearchPage> Vault::Search(DocumentFilter filter) {
  if (!filter.doc_type.empty()) {
    const DocumentType* t = opt_.dictionary->FindType(filter.doc_type);
    if (!t) return InvalidArgumentError("field.invalid", "doc_type: unknown document type");
    filter.doc_type = t->key;
  }
  for (const std::string* d : {&filter.from_date, &filter.to_date}) {
    if (!d->empty() && !FieldDictionary::IsValidDate(*d)) {
      return InvalidArgumentError("field.invalid", "date filter must be YYYY-MM-DD");
    }
  }
  return opt_.metadata->Search(filter);
}

StatusOr<VersionRecord> Vault::ReadContent(const std::string& id_or_number, uint32_t version,
                                           ByteSink& sink) {
  VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, Resolve(id_or_number));
  if (version == 0) version = doc.current_version;
  VAULT_ASSIGN_OR_RETURN(std::vector<VersionRecord> versions, opt_.metadata->ListVersions(doc.id));
  const VersionRecord* v = nullptr;
  for (const auto& candidate : versions) {
    if (candidate.version == version) v = &candidate;
  }
  if (!v) return NotFoundError("document.version_not_found", "no such version");
  VAULT_RETURN_IF_ERROR(ReadVersion(*v, sink));
  return *v;
}

Status Vault::ReadVersion(const VersionRecord& v, ByteSink& sink) {
  VAULT_ASSIGN_OR_RETURN(BlobBinding binding, BindingFor(v.document_id, v.version));
  VAULT_ASSIGN_OR_RETURN(WrappedKey wrapped, opt_.metadata->GetWrappedKey(v.document_id, v.version));
  VAULT_ASSIGN_OR_RETURN(SecretKey dek, opt_.keys->Unwrap(wrapped, binding));
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<BlobReader> reader, opt_.blobs->Open(v.blob_name));
  VAULT_ASSIGN_OR_RETURN(OpenResult opened, OpenStream(dek, binding, *reader, &sink, OpenOptions{}));
  if (opened.plaintext_size != v.size) {
    return DataLossError("blob.size_mismatch", "content size differs from the recorded size");
  }
  return Status::Ok();
}

StatusOr<ArtifactRecord> Vault::SealArtifact(const std::string& kind, const std::string& document_id,
                                             ByteSource& content) {
  const std::string id = NewDocumentId();
  VAULT_ASSIGN_OR_RETURN(SealedVersion sealed, SealVersion(id, 0, content));
  ArtifactRecord a;
  a.id = id;
  a.kind = kind;
  a.document_id = document_id;
  a.blob_name = sealed.record.blob_name;
  a.size = sealed.record.size;
  a.blob_size = sealed.record.blob_size;
  a.sha256 = sealed.record.sha256;
  a.created_at = sealed.record.created_at;
  Status st = CommitWithCurrentKek(sealed, [&]() { return opt_.metadata->InsertArtifact(a, sealed.key); });
  if (!st.ok()) {
    (void)opt_.blobs->Remove(a.blob_name);
    return st;
  }
  return a;
}

StatusOr<ArtifactRecord> Vault::GetArtifact(const std::string& id) { return opt_.metadata->GetArtifact(id); }

Status Vault::ReadArtifact(const ArtifactRecord& a, ByteSink& sink) {
  VAULT_ASSIGN_OR_RETURN(BlobBinding binding, BindingFor(a.id, 0));
  VAULT_ASSIGN_OR_RETURN(WrappedKey wrapped, opt_.metadata->GetArtifactKey(a.id));
  VAULT_ASSIGN_OR_RETURN(SecretKey dek, opt_.keys->Unwrap(wrapped, binding));
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<BlobReader> reader, opt_.blobs->Open(a.blob_name));
  OpenOptions options;
  options.compute_sha256 = true;
  VAULT_ASSIGN_OR_RETURN(OpenResult opened, OpenStream(dek, binding, *reader, &sink, options));
  if (opened.plaintext_size != a.size || HexEncode(opened.sha256.data(), opened.sha256.size()) != a.sha256) {
    return DataLossError("blob.hash_mismatch", "the artifact differs from what was recorded");
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<BlobRandomReader>> Vault::OpenVersion(const VersionRecord& v) {
  VAULT_ASSIGN_OR_RETURN(BlobBinding binding, BindingFor(v.document_id, v.version));
  VAULT_ASSIGN_OR_RETURN(WrappedKey wrapped, opt_.metadata->GetWrappedKey(v.document_id, v.version));
  VAULT_ASSIGN_OR_RETURN(SecretKey dek, opt_.keys->Unwrap(wrapped, binding));
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<BlobReader> blob, opt_.blobs->Open(v.blob_name));
  VAULT_ASSIGN_OR_RETURN(std::unique_ptr<BlobRandomReader> reader,
                         BlobRandomReader::Open(dek, binding, std::move(blob)));
  if (reader->Size() != v.size) {
    return DataLossError("blob.size_mismatch", "content size differs from the recorded size");
  }
  return reader;
}

StatusOr<FixityEntry> Vault::CheckVersion(const VersionRecord& v, const std::string& archive_number) {
  FixityEntry e;
  e.document_id = v.document_id;
  e.archive_number = archive_number;
  e.version = v.version;
  e.blob_name = v.blob_name;
  VAULT_ASSIGN_OR_RETURN(BlobBinding binding, BindingFor(v.document_id, v.version));
  auto reader = opt_.blobs->Open(v.blob_name);
  if (!reader.ok()) {
    if (reader.status().code() != StatusCode::kNotFound) return reader.status();
    e.state = FixityEntry::State::kMissing;
    e.detail = reader.status().reason();
    return e;
  }
  auto wrapped = opt_.metadata->GetWrappedKey(v.document_id, v.version);
  if (!wrapped.ok()) {
    e.state = FixityEntry::State::kChanged;
    e.detail = wrapped.status().reason();
    return e;
  }
  auto dek = opt_.keys->Unwrap(*wrapped, binding);
  if (!dek.ok() && dek.status().reason() == "key.unknown_kek") {
    // The wrong key file, not a damaged document: say so instead of
    // reporting every version as changed.
    return dek.status();
  }
  if (!dek.ok()) {
    e.state = FixityEntry::State::kChanged;
    e.detail = dek.status().reason();
    return e;
  }
  OpenOptions opts;
  opts.compute_sha256 = true;
  auto opened = OpenStream(*dek, binding, **reader, nullptr, opts);
  if (!opened.ok()) {
    if (opened.status().code() != StatusCode::kDataLoss) return opened.status();
    e.state = FixityEntry::State::kChanged;
    e.detail = opened.status().reason();
    return e;
  }
  std::string sha = HexEncode(opened->sha256.data(), opened->sha256.size());
  if (sha != v.sha256 || opened->plaintext_size != v.size) {
    e.state = FixityEntry::State::kChanged;
    e.detail = "sha256_mismatch";
  }
  return e;
}

StatusOr<FixityReport> Vault::Verify(const std::string& id_or_number,
                                     const std::function<Status(const VersionRecord&)>& before_each) {
  FixityReport report;
  std::vector<VersionRecord> versions;
  std::map<std::string, std::string> numbers;
  if (!id_or_number.empty()) {
    VAULT_ASSIGN_OR_RETURN(DocumentRecord doc, Resolve(id_or_number));
    VAULT_ASSIGN_OR_RETURN(versions, opt_.metadata->ListVersions(doc.id));
    numbers[doc.id] = doc.archive_number;
  } else {
    VAULT_ASSIGN_OR_RETURN(versions, opt_.metadata->AllVersions());
  }
  VAULT_ASSIGN_OR_RETURN(std::set<std::string> destroyed, opt_.metadata->DestroyedDocumentIds());
  for (const VersionRecord& v : versions) {
    if (destroyed.count(v.document_id)) continue;  // a ghost: destroyed on purpose, with a certificate
    auto it = numbers.find(v.document_id);
    if (it == numbers.end()) {
      auto doc = opt_.metadata->GetDocument(v.document_id);
      it = numbers.emplace(v.document_id, doc.ok() ? doc->archive_number : "").first;
    }
    if (before_each) VAULT_RETURN_IF_ERROR(before_each(v));
    VAULT_ASSIGN_OR_RETURN(FixityEntry e, CheckVersion(v, it->second));
    switch (e.state) {
      case FixityEntry::State::kOk: ++report.ok; break;
      case FixityEntry::State::kChanged: ++report.changed; break;
      case FixityEntry::State::kMissing: ++report.missing; break;
      case FixityEntry::State::kUntracked: ++report.untracked; break;
    }
    report.entries.push_back(std::move(e));
  }
  if (id_or_number.empty()) {
    std::set<std::string> tracked;
    for (const auto& v : versions) tracked.insert(v.blob_name);
    VAULT_ASSIGN_OR_RETURN(std::vector<ArtifactRecord> artifacts, opt_.metadata->AllArtifacts());
    for (const auto& a : artifacts) tracked.insert(a.blob_name);
    VAULT_ASSIGN_OR_RETURN(std::vector<std::string> blobs, opt_.blobs->List());
    for (const std::string& name : blobs) {
      if (tracked.count(name)) continue;
      FixityEntry e;
      e.state = FixityEntry::State::kUntracked;
      e.blob_name = name;
      e.detail = "blob without metadata";
      report.entries.push_back(e);
      ++report.untracked;
    }
    VAULT_ASSIGN_OR_RETURN(std::vector<std::string> temps, opt_.blobs->ListTemporaries());
    for (const std::string& name : temps) {
      FixityEntry e;
      e.state = FixityEntry::State::kUntracked;
      e.blob_name = "tmp/" + name;
      e.detail = "temporary left by an interrupted write";
      report.entries.push_back(e);
      ++report.untracked;
    }
  }
  return report;
}

StatusOr<int64_t> Vault::RemoveUntracked() {
  VAULT_ASSIGN_OR_RETURN(std::vector<VersionRecord> versions, opt_.metadata->AllVersions());
  std::set<std::string> tracked;
  for (const auto& v : versions) tracked.insert(v.blob_name);
  VAULT_ASSIGN_OR_RETURN(std::vector<ArtifactRecord> artifacts, opt_.metadata->AllArtifacts());
  for (const auto& a : artifacts) tracked.insert(a.blob_name);
  int64_t removed = 0;
  VAULT_ASSIGN_OR_RETURN(std::vector<std::string> blobs, opt_.blobs->List());
  for (const std::string& name : blobs) {
    if (tracked.count(name)) continue;
    VAULT_RETURN_IF_ERROR(opt_.blobs->Remove(name));
    ++removed;
  }
  VAULT_ASSIGN_OR_RETURN(std::vector<std::string> temps, opt_.blobs->ListTemporaries());
  for (const std::string& name : temps) {
    VAULT_RETURN_IF_ERROR(opt_.blobs->RemoveTemporary(name));
    ++removed;
  }
  return removed;
}

StatusOr<RotationReport> Vault::RotateKeys() {
  RotationReport report;
  // Persist the new KEK before anything is wrapped under it.
  VAULT_ASSIGN_OR_RETURN(report.new_kek_id, opt_.keys->Rotate());
  VAULT_ASSIGN_OR_RETURN(report.rewrapped, RewrapToPrimary());
  for (const KekInfo& k : opt_.keys->List()) {
    if (!k.primary) report.retired_kek_ids.push_back(k.id);
  }
  return report;
}

StatusOr<int64_t> Vault::RewrapToPrimary(const std::function<void(int64_t)>& on_batch) {
  // Resumable: a crash mid-way leaves some DEKs under an older KEK, which
  // stays in the ring until destroyed; calling this again finishes them.
  const std::string primary = opt_.keys->PrimaryId();
  int64_t rewrapped = 0;
  while (true) {
    VAULT_ASSIGN_OR_RETURN(std::vector<KeyRow> rows,
                           opt_.metadata->KeysNotWrappedBy(primary, kRotationBatch));
    if (rows.empty()) break;
    for (KeyRow& row : rows) {
      VAULT_ASSIGN_OR_RETURN(BlobBinding binding, BindingFor(row.document_id, row.version));
      auto dek = opt_.keys->Unwrap(row.key, binding);
      if (!dek.ok()) {
        return Status(dek.status().code(), dek.status().reason(),
                      "document " + row.document_id + " version " + std::to_string(row.version) +
                          ": " + dek.status().message());
      }
      VAULT_ASSIGN_OR_RETURN(row.key, opt_.keys->Wrap(*dek, binding));
      if (row.key.kek_id != primary) {
        // Another rotation changed the primary under us; rewrapping toward
        // a moving target could loop forever. Stop; a rerun finishes it.
        return FailedPreconditionError("key.rotation_raced",
                                       "the primary master key changed during rewrap; run "
                                       "`vaultctl keys rewrap` again");
      }
    }
    VAULT_RETURN_IF_ERROR(opt_.metadata->UpdateWrappedKeys(rows));
    rewrapped += static_cast<int64_t>(rows.size());
    if (on_batch) on_batch(rewrapped);
  }
  // Old wrapped keys must not linger in the write-ahead log.
  VAULT_RETURN_IF_ERROR(opt_.metadata->Checkpoint());
  return rewrapped;
}

Status Vault::DestroyKek(const std::string& kek_id) {
  bool known = false;
  for (const KekInfo& k : opt_.keys->List()) {
    if (k.id == kek_id) {
      known = true;
      if (k.primary) {
        return FailedPreconditionError("key.is_primary",
                                       "the primary master key cannot be destroyed");
      }
    }
  }
  if (!known) return NotFoundError("key.unknown_kek", "no master key " + kek_id);
  // The tombstone goes in first, atomically with the in-use check, so an
  // ingest still holding a DEK wrapped by this KEK cannot commit it later.
  VAULT_RETURN_IF_ERROR(opt_.metadata->MarkKekDestroyed(kek_id, FormatUtc(opt_.clock->Now())));
  return opt_.keys->Destroy(kek_id);
}

std::vector<KekInfo> Vault::ListKeys() const { return opt_.keys->List(); }

}  // namespace vault
