// How a row of the documents table maps to a DocumentRecord: shared by the
// metadata store's lookups and its search (document_search.cc), so both read
// the same columns the same way. Internal to vault/metadata/.
#pragma once

#include <map>
#include <string>

#include "vault/db/rows.h"
#include "vault/documents/document.h"

namespace vault::metadata_rows {

inline constexpr char kDocumentColumns[] =
    "id, archive_number, customer_number, customer_name, doc_type, type_code, sequence, title, "
    "department, product_line, region, business_stage, classification, retention_class, "
    "fields_json, current_version, created_at, updated_at, created_by";

std::string FieldsToJson(const std::map<std::string, std::string>& fields);
std::map<std::string, std::string> FieldsFromJson(const std::string& json);

// Row is a Poco RecordSet or a db::PreparedQuery positioned on a row.
template <typename Row>
DocumentRecord DocumentFromRow(Row& rs) {
  DocumentRecord d;
  db::Row(rs)("id", &d.id)("archive_number", &d.archive_number)("customer_number", &d.meta.customer_number)
      ("customer_name", &d.meta.customer_name)("doc_type", &d.meta.doc_type)("type_code", &d.type_code)
      ("sequence", &d.sequence)("title", &d.meta.title)("department", &d.meta.department)
      ("product_line", &d.meta.product_line)("region", &d.meta.region)("business_stage", &d.meta.business_stage)
      ("classification", &d.meta.classification)("retention_class", &d.meta.retention_class);
  d.meta.fields = FieldsFromJson(db::Text(rs, "fields_json"));
  db::Row(rs)("current_version", &d.current_version)("created_at", &d.created_at)("updated_at", &d.updated_at)
      ("created_by", &d.created_by);
  return d;
}

}  // namespace vault::metadata_rows
