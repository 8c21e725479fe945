// FieldDictionary: what metadata the vault accepts, from policies/fields.json.
//
// Validation collects one error per offending field and reports them all in
// one Status (reason "field.invalid"), each naming the field, so a clerk can
// fix a whole form at once; Check() gives the same errors as a list with a
// stable reason code each (FieldError), for clients that show them next to
// their fields. Normalization maps document types given as key, code or
// Chinese name (合同) to the key.
//
// Thread-safety: immutable after creation.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vault/base/status.h"
#include "vault/documents/document.h"

namespace vault {

struct DocumentType {
  std::string key;   // "contract"
  std::string code;  // "HT", used in archive numbers
  std::string name;  // "合同"
};

// One offending field. `field` is the metadata member's name
// (customer_number, doc_type, title, customer_name, department,
// product_line, region, classification, business_stage, retention_class,
// tags) or, with `free` set, the name of a free field. `reason` is one of:
// required, bad_customer_number, unknown_type, bad_utf8, control_chars,
// too_long, unknown_classification, unknown_stage, unknown_retention,
// too_many_tags, unknown_field, phone, date, decimal, email. `max` is the
// limit for too_long (characters) and too_many_tags, else 0.
struct FieldError {
  std::string field;
  std::string reason;
  bool free = false;
  size_t max = 0;
};

class FieldDictionary {
 public:
  static StatusOr<std::unique_ptr<FieldDictionary>> FromJson(const std::string& json);
  // The dictionary built into the binary (a copy of policies/fields.json).
  static const FieldDictionary& Default();

  // Validates and normalizes `meta` in place.
  Status Validate(DocumentMetadata& meta) const;
  // The same check as a list (empty: valid); normalizes `meta` in place.
  std::vector<FieldError> Check(DocumentMetadata& meta) const;
  // The validated fields.json text this dictionary was built from (what a
  // client needs to build a form: types, levels, stages, retention classes,
  // limits and the free fields with their labels).
  const std::string& json() const { return json_; }
  // Resolves a type given as key, code or name.
  const DocumentType* FindType(const std::string& any) const;
  const std::vector<DocumentType>& types() const { return types_; }

  // Text checks shared with other validators.
  static bool IsValidUtf8(const std::string& s);
  static size_t CountChars(const std::string& utf8);
  static bool IsValidPhone(const std::string& s);
  static bool IsValidDate(const std::string& s);

 private:
  struct FreeField {
    std::string kind;  // text | phone | date | decimal | email
    size_t max_chars = 200;
  };
  FieldDictionary() = default;

  std::string json_;
  std::vector<DocumentType> types_;
  std::vector<std::string> classifications_;
  std::vector<std::string> stages_;
  std::vector<std::string> retention_classes_;
  std::map<std::string, FreeField> fields_;
  size_t title_max_chars_ = 200;
  size_t text_max_chars_ = 100;
  size_t max_tags_ = 20;
};

}  // namespace vault
