// The vault's stores write one SQL dialect: SQLite's, with `?`
// placeholders. PostgreSQL runs the same statements after this rewrite, so
// no store carries two copies of its SQL. What is rewritten, outside quoted
// strings and identifiers only:
//   ?                              -> $1, $2, ... in order
//   INSERT OR IGNORE INTO ...      -> INSERT INTO ... ON CONFLICT DO NOTHING
//   group_concat(x, char(31))      -> string_agg(x, chr(31))
//   last_insert_rowid()            -> lastval()
//   BEGIN IMMEDIATE                -> BEGIN
//   COLLATE BINARY                 -> COLLATE "C" (byte, i.e. code-point, order)
//   INTEGER PRIMARY KEY AUTOINCREMENT -> BIGSERIAL PRIMARY KEY
//   INTEGER                        -> BIGINT (SQLite integers are 64-bit)
// Anything else must already mean the same on both engines (the conformance
// suite runs every store's tests on both). INSERT OR REPLACE has no
// generic translation (it needs the conflict target): stores write
// `INSERT ... ON CONFLICT (key) DO UPDATE SET ...`, which both understand.
#pragma once

#include <string>

namespace vault::db {

std::string ToPostgresSql(const std::string& sqlite_sql);

}  // namespace vault::db
