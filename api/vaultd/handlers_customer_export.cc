// A data subject's access request (PIPL/GDPR): everything the vault holds
// about one customer, as a ZIP, made for the caller through the same
// decision and the same export path as a single stamped export.
#include <Poco/DateTime.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Path.h>
#include <Poco/Zip/Compress.h>

#include <sstream>

#include "api/common/json_output.h"
#include "api/vaultd/exchange.h"
#include "api/vaultd/routes.h"

namespace vaultd {

using vault::Status;

// GET /api/v1/customers/{customer}/export: metadata.json with the metadata
// of every record of the customer the caller may see, and a stamped copy of
// each one the caller may export (vault::DocumentAccess: the role policy,
// destroyed, being destroyed, an overdue loan), each copy an export
// in the ledger and in the audit log like any other. Every page of records
// is read, however many there are.
void HandleCustomerExport(Exchange& ex, const PathParams& p) {
  const std::string customer = p[0].substr(0, 64);
  if (!ex.Authenticate("customer.export", customer)) return;
  if (!ex.Allowed("customer.export", customer)) return;
  ConcurrencyGate::Slot slot(*ex.ctx().exports);
  if (!slot.held()) {
    Status busy = vault::UnavailableError("export.busy", "too many exports at once; retry shortly");
    ex.Audit("customer.export", customer, busy);
    return ex.Error(busy);
  }
  std::ostringstream zip_bytes;
  Poco::Zip::Compress zip(zip_bytes, true);
  Poco::JSON::Array::Ptr records = new Poco::JSON::Array;
  int64_t seen = 0, copies = 0;
  vault::DocumentFilter f;
  f.customer_number = customer;
  f.limit = std::max<int64_t>(1, ex.ctx().options->customer_export_page_size);
  for (;;) {
    auto page = ex.vault().Search(f);
    if (!page.ok()) return ex.Error(page.status());
    for (const auto& d : page->documents) {
      // A record the caller may not see is not part of their answer at all.
      if (!ex.ctx().access->Decide(ex.subject(), "document.metadata", d).allowed) {
        continue;
      }
      ++seen;
      auto meta = api::DocumentJson(d);
      Status refused = ex.CheckDocument(d, "document.export");  // audits a refusal
      if (refused.ok()) {
        vault::ExportRequest req;
        req.document = d.id;
        req.username = ex.subject().username;
        req.display_name = ex.display_name();
        req.department = ex.subject().department;
        auto exported = ex.ctx().exporter->Export(req, d);
        if (exported.ok()) {
          const vault::ExportRecord& r = exported->record;
          // Each copy is audited like a single export; without its event
          // the ZIP is not sent (fail closed).
          if (!ex.AuditOrFail("document.export", d.archive_number,
                              "export " + r.code + ", version " + std::to_string(r.version) + ", " +
                                  std::to_string(r.pages) + " pages, sha256 " + r.output_sha256 +
                                  ", customer export " + customer)) {
            return;
          }
          const std::string name = "copies/" + d.archive_number + "-" + r.code + ".pdf";
          std::istringstream in(exported->pdf);
          zip.addFile(in, Poco::DateTime(), Poco::Path(name, Poco::Path::PATH_UNIX),
                      Poco::Zip::ZipCommon::CM_STORE);
          meta->set("copy", name);
          meta->set("export_code", r.code);
          ++copies;
        } else {
          refused = exported.status();
          ex.Audit("document.export", d.archive_number, refused);
        }
      }
      if (!refused.ok()) {
        meta->set("copy", "");
        meta->set("not_exported", refused.reason());
      }
      records->add(meta);
    }
    if (page->next_cursor.empty()) break;
    f.cursor = page->next_cursor;
  }
  if (seen == 0) {
    Status none = vault::NotFoundError("customer.not_found", "no records of this customer");
    ex.Audit("customer.export", customer, none);
    return ex.Error(none);
  }
  Poco::JSON::Object::Ptr index = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  index->set("customer", customer);
  index->set("generated_at", vault::FormatUtc(ex.ctx().clock->Now()));
  index->set("generated_for", ex.subject().username);
  index->set("records", records);
  std::ostringstream js;
  index->stringify(js, 2);
  std::istringstream meta_in(js.str());
  zip.addFile(meta_in, Poco::DateTime(), Poco::Path("metadata.json", Poco::Path::PATH_UNIX));
  zip.close();
  const std::string out = zip_bytes.str();
  if (!ex.AuditOrFail("customer.export", customer,
                      std::to_string(seen) + " records, " + std::to_string(copies) + " copies")) {
    return;
  }
  auto& resp = ex.resp();
  resp.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
  resp.setContentType("application/zip");
  resp.setContentLength64(static_cast<Poco::Int64>(out.size()));
  resp.set("Content-Disposition", "attachment; filename=\"customer-" + customer + ".zip\"");
  resp.sendBuffer(out.data(), out.size());
  ex.ctx().metrics->bytes_sent += static_cast<int64_t>(out.size());
}

}  // namespace vaultd
