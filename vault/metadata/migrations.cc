#include "vault/metadata/migrations.h"

namespace vault {

const std::vector<Migration>& SqliteMigrations() {
  static const std::vector<Migration> kMigrations = {
      {1,
       "documents, versions, wrapped keys, tags",
       {
           R"(CREATE TABLE documents (
                id TEXT PRIMARY KEY,
                archive_number TEXT NOT NULL UNIQUE,
                customer_number TEXT NOT NULL,
                customer_name TEXT NOT NULL,
                doc_type TEXT NOT NULL,
                type_code TEXT NOT NULL,
                sequence INTEGER NOT NULL,
                title TEXT NOT NULL,
                department TEXT NOT NULL,
                product_line TEXT NOT NULL,
                region TEXT NOT NULL,
                business_stage TEXT NOT NULL,
                classification TEXT NOT NULL,
                retention_class TEXT NOT NULL,
                fields_json TEXT NOT NULL,
                current_version INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                UNIQUE (customer_number, doc_type, sequence)))",
           "CREATE INDEX documents_by_department ON documents(department)",
           "CREATE INDEX documents_by_created ON documents(created_at)",
           R"(CREATE TABLE document_tags (
                document_id TEXT NOT NULL REFERENCES documents(id),
                tag TEXT NOT NULL,
                PRIMARY KEY (document_id, tag)))",
           R"(CREATE TABLE versions (
                document_id TEXT NOT NULL REFERENCES documents(id),
                version INTEGER NOT NULL,
                size INTEGER NOT NULL,
                sha256 TEXT NOT NULL,
                blob_name TEXT NOT NULL UNIQUE,
                blob_size INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                reason TEXT NOT NULL,
                filename TEXT NOT NULL,
                PRIMARY KEY (document_id, version)))",
           R"(CREATE TABLE wrapped_keys (
                document_id TEXT NOT NULL,
                version INTEGER NOT NULL,
                kek_id TEXT NOT NULL,
                wrapped TEXT NOT NULL,
                PRIMARY KEY (document_id, version),
                FOREIGN KEY (document_id, version) REFERENCES versions(document_id, version)))",
           "CREATE INDEX wrapped_keys_by_kek ON wrapped_keys(kek_id)",
       }},
      {2,
       "tombstones of destroyed master keys",
       {
           R"(CREATE TABLE destroyed_keks (
                kek_id TEXT PRIMARY KEY,
                destroyed_at TEXT NOT NULL))",
       }},
  };
  return kMigrations;
}

}  // namespace vault
