// The search side of SqliteMetadataStore: the title index (table
// search_terms, kept in the same transaction as the document it describes)
// and the document search with keyset pages and capped totals.
//
// Only the metadata store calls these, inside its Read or Write on `c`; they
// throw Poco exceptions, which its Client turns into metadata.db_error.
//
// The SQL is written for both engines (vault/db/database.h): `?`
// placeholders, no engine-specific functions, no LIKE (PostgreSQL's is
// case-sensitive) and no rowid; tokenizing and the exact title check are C++
// (search_terms.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vault/db/connection.h"
#include "vault/documents/document.h"
#include "vault/metadata/search_cursor.h"
#include "vault/metadata/search_terms.h"

namespace vault::document_search {

struct IndexCounts {
  int64_t documents = 0;  // documents indexed
  int64_t terms = 0;      // rows written to search_terms
};

// Replaces the index rows of one document by the terms of `title`.
void IndexTitle(db::Connection& c, const std::string& document_id, const std::string& title);

// Empties the index and indexes every document again, in batches read by
// id. Run inside one transaction, so a search sees the old index or the new.
IndexCounts Rebuild(db::Connection& c);

// Migration 13 leaves a marker; the store backfills the index (Rebuild)
// when it opens a database that still has it. Claim removes the marker and
// says whether this transaction removed it: two processes (or, on
// PostgreSQL, two nodes, where the second DELETE waits for the first
// transaction and then finds nothing) never both rebuild.
bool BackfillPending(db::Connection& c);
bool ClaimBackfillMarker(db::Connection& c);

// One page of `f`. `parts` is f.title_words parsed, `after` the decoded
// f.cursor or null. f.scope.nothing and an empty index probe give an empty
// page without touching the documents.
SearchPage Run(db::Connection& c, const DocumentFilter& f, const std::vector<TitleQueryPart>& parts,
               const SearchCursor* after);

// For tests: the posting-list length under which a title probe drives a
// page (default 8,000, chosen with bench/scale.sh), so a small seeded set
// exercises both plans. Returns the previous value; 0 restores the default.
int64_t SetDriveLimitForTesting(int64_t rows);

}  // namespace vault::document_search
