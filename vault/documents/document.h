// The document model: metadata as validated, versions, search filters.
//
// Field meanings follow ../shared/MISSION.md; the field dictionary
// (policies/fields.json, see field_dictionary.h) decides what is valid.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vault {

struct DocumentMetadata {
  std::string customer_number;  // 客户编号
  std::string customer_name;
  std::string doc_type;         // dictionary key, e.g. "contract"
  std::string title;
  std::string department;
  std::string product_line;
  std::string region;           // region or channel
  std::string business_stage;   // prospect | won | lost
  std::string classification;   // public | internal | confidential
  std::string retention_class;
  std::vector<std::string> tags;
  std::map<std::string, std::string> fields;  // free fields named in the dictionary
};

struct VersionRecord {
  std::string document_id;
  uint32_t version = 0;
  uint64_t size = 0;           // plaintext bytes
  std::string sha256;          // hex of the plaintext, as sha256sum prints it
  std::string blob_name;
  uint64_t blob_size = 0;      // ciphertext bytes
  std::string created_at;
  std::string created_by;
  std::string reason;          // why this version exists
  std::string filename;        // original file name, informational
};

struct DocumentRecord {
  std::string id;              // 32 hex digits
  std::string archive_number;  // <customer>_<type code>_<sequence>
  std::string type_code;
  int64_t sequence = 0;
  DocumentMetadata meta;
  uint32_t current_version = 0;
  std::string created_at;
  std::string updated_at;
  std::string created_by;
};

// What a caller may see, as constraints a query can apply (from
// PolicyEngine::VisibleScope), so a page of results holds only visible
// documents and its offsets count only those.
struct VisibilityScope {
  bool restricted = false;      // false: no constraint
  bool nothing = false;         // the caller may see no documents at all
  std::string department;       // non-empty: only this department
  bool customers_only = false;  // only documents of `customers`
  std::vector<std::string> customers;
  bool classification_limited = false;  // only `classifications` (or none set)
  std::vector<std::string> classifications;
};

// All members optional; empty means "no constraint". Dates are YYYY-MM-DD
// and bound the ingest date inclusively. Title words follow the match
// semantics of vault/metadata/search_terms.h (one CJK character and more,
// words by prefix, case-insensitive).
//
// Paging: `cursor` (SearchPage::next_cursor of the previous page) starts
// right after the previous page, equally fast at any depth; `offset` is kept
// for old callers and costs time proportional to it. Give one or the other.
struct DocumentFilter {
  VisibilityScope scope;
  std::string customer_number;
  std::string doc_type;
  std::string department;
  std::string classification;
  std::string tag;
  std::string from_date;
  std::string to_date;
  std::string title_words;  // every word must match the title (search_terms.h)
  bool oldest_first = false;  // by time filed; newest first by default
  int64_t limit = 50;
  int64_t offset = 0;
  std::string cursor;  // opaque, from SearchPage::next_cursor; "" = first page
  // Totals are counted exactly up to this many matches (at most 1,000 with
  // title words); past it the count stops and the page says so
  // (SearchPage::total_is_estimate).
  int64_t total_cap = 10000;
};

struct SearchPage {
  std::vector<DocumentRecord> documents;
  // Matches of the whole filter (not only after the cursor). Exact unless
  // total_is_estimate: then at least this many match (the count stopped at
  // DocumentFilter::total_cap).
  int64_t total = 0;
  bool total_is_estimate = false;
  std::string next_cursor;  // "" when this is the last page
};

}  // namespace vault
