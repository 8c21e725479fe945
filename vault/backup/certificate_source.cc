#include "vault/backup/certificate_source.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <fstream>
#include <sstream>

#include "vault/base/hex.h"
#include "vault/crypto/sha256.h"
#include "vault/db/sqlite_snapshot.h"

namespace fs = boost::filesystem;

namespace vault {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

StatusOr<std::vector<ChainCertificate>> FromLiveDatabase(const std::string& path) {
  VAULT_ASSIGN_OR_RETURN(auto snap, db::SqliteSnapshot::Open(path));
  VAULT_ASSIGN_OR_RETURN(std::vector<db::SourceTable> tables, snap->Tables());
  std::vector<ChainCertificate> out;
  for (const db::SourceTable& t : tables) {
    if (t.name != "certificates") continue;
    int json_col = -1, sig_col = -1, minisig_col = -1;
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (t.columns[i] == "minisig") minisig_col = static_cast<int>(i);
      if (t.columns[i] == "json") json_col = static_cast<int>(i);
      if (t.columns[i] == "signature") sig_col = static_cast<int>(i);
    }
    if (json_col < 0 || sig_col < 0) break;
    VAULT_RETURN_IF_ERROR(snap->ForEachRow(t, [&](const db::SqlRow& row) -> Status {
      auto sig = HexDecode(row[static_cast<size_t>(sig_col)].text);
      const std::string raw = sig ? std::string(sig->begin(), sig->end()) : std::string();
      VAULT_ASSIGN_OR_RETURN(ChainCertificate c, ParseChainCertificate(row[static_cast<size_t>(json_col)].text, raw,
                                                                       path + " (certificates)"));
      if (minisig_col >= 0) c.cert.minisig = row[static_cast<size_t>(minisig_col)].text;
      out.push_back(std::move(c));
      return Status::Ok();
    }));
  }
  return out;
}

}  // namespace

StatusOr<ChainCertificate> ParseChainCertificate(const std::string& json, const std::string& raw_signature,
                                                 const std::string& where) {
  ChainCertificate c;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    c.cert.id = o->getValue<std::string>("certificate_id");
    c.cert.seq = o->getValue<Poco::Int64>("sequence");
    c.cert.destruction_id = o->getValue<std::string>("destruction_id");
    c.cert.previous_sha256 = o->getValue<std::string>("previous_certificate_sha256");
    c.cert.created_at = o->getValue<std::string>("issued_at");
    auto key = o->getObject("signing_key");
    auto records = o->getArray("records");
    if (!key || !records) throw Poco::DataException("no signing_key or records");
    c.cert.key_name = key->getValue<std::string>("name");
    c.cert.public_key = key->getValue<std::string>("ed25519_public_key");
    for (size_t i = 0; i < records->size(); ++i) {
      auto r = records->getObject(static_cast<unsigned>(i));
      if (!r) throw Poco::DataException("a record is not an object");
      c.document_ids.push_back(r->getValue<std::string>("document_id"));
    }
    if (auto ow = o->getObject("overwrite")) {
      if (auto passes = ow->getArray("passes")) {
        for (size_t i = 0; i < passes->size(); ++i) {
          auto p = passes->getObject(static_cast<unsigned>(i));
          if (p && p->has("pattern")) c.passes.push_back(p->getValue<std::string>("pattern"));
        }
      }
    }
  } catch (const Poco::Exception& e) {
    return DataLossError("backup.certificates_unreadable", where + ": not a destruction certificate (" +
                                                               e.displayText() + ")");
  } catch (const std::exception& e) {
    return DataLossError("backup.certificates_unreadable", where + ": not a destruction certificate (" +
                                                               std::string(e.what()) + ")");
  }
  c.cert.json = json;
  c.cert.sha256 = Sha256::HexOf(json);
  c.cert.signature = HexEncode(reinterpret_cast<const uint8_t*>(raw_signature.data()), raw_signature.size());
  return c;
}

StatusOr<std::vector<ChainCertificate>> LoadCertificates(const std::string& source) {
  boost::system::error_code ec;
  const fs::path p(source);
  if (!fs::is_directory(p, ec)) {
    return NotFoundError("backup.certificates_unreadable",
                         source + " is not a directory (give the live vault's data directory or a certificate "
                                  "bundle directory)");
  }
  std::vector<ChainCertificate> out;
  if (fs::exists(p / "metadata.db", ec)) {
    VAULT_ASSIGN_OR_RETURN(out, FromLiveDatabase((p / "metadata.db").string()));
  } else if (fs::exists(p / "VAULT", ec)) {
    return FailedPreconditionError("backup.certificates_unreadable",
                                   source + " is a vault whose database is not a SQLite file here (PostgreSQL?): "
                                            "write a bundle with `vaultctl cert bundle --out DIR` and give that");
  } else {
    bool any = false;
    for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (name.size() < 6 || name.compare(name.size() - 5, 5, ".json") != 0) continue;
      const fs::path sig = it->path().string() + ".sig";
      if (!fs::exists(sig, ec)) continue;
      VAULT_ASSIGN_OR_RETURN(ChainCertificate c, ParseChainCertificate(ReadAll(it->path().string()),
                                                                       ReadAll(sig.string()), name));
      out.push_back(std::move(c));
      any = true;
    }
    // bundle.json marks a bundle written by `vaultctl cert bundle`, which
    // may rightly hold no certificate at all.
    if (!any && !fs::exists(p / "bundle.json", ec)) {
      return NotFoundError("backup.certificates_unreadable",
                           source + " holds neither a vault's metadata.db nor certificates (CERT-*.json with "
                                    ".json.sig, or bundle.json)");
    }
  }
  std::sort(out.begin(), out.end(),
            [](const ChainCertificate& a, const ChainCertificate& b) { return a.cert.seq < b.cert.seq; });
  return out;
}

}  // namespace vault
