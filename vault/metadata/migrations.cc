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
      {3,
       "hash-chained audit log, signed checkpoints, signing public keys",
       {
           R"(CREATE TABLE audit_events (
                seq INTEGER PRIMARY KEY,
                time TEXT NOT NULL,
                actor TEXT NOT NULL,
                role TEXT NOT NULL,
                action TEXT NOT NULL,
                object TEXT NOT NULL,
                outcome TEXT NOT NULL,
                client TEXT NOT NULL,
                request_id TEXT NOT NULL,
                detail TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL))",
           "CREATE INDEX audit_by_actor ON audit_events(actor)",
           "CREATE INDEX audit_by_object ON audit_events(object)",
           R"(CREATE TABLE audit_checkpoints (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                size INTEGER NOT NULL,
                head_hash TEXT NOT NULL,
                key_name TEXT NOT NULL,
                note TEXT NOT NULL,
                created_at TEXT NOT NULL))",
           R"(CREATE TABLE signing_keys (
                key_name TEXT PRIMARY KEY,
                public_key TEXT NOT NULL,
                created_at TEXT NOT NULL))",
       }},
      {4,
       "users and bearer sessions",
       {
           R"(CREATE TABLE users (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                username TEXT NOT NULL UNIQUE,
                display_name TEXT NOT NULL,
                role TEXT NOT NULL,
                department TEXT NOT NULL,
                clearance TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                disabled INTEGER NOT NULL DEFAULT 0,
                failed_logins INTEGER NOT NULL DEFAULT 0,
                locked_until INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL))",
           R"(CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users(id),
                created_at TEXT NOT NULL,
                expires_at INTEGER NOT NULL,
                revoked INTEGER NOT NULL DEFAULT 0))",
           "CREATE INDEX sessions_by_user ON sessions(user_id)",
       }},
      {5,
       "customers assigned to users (staff see their own customers)",
       {
           R"(CREATE TABLE user_customers (
                user_id INTEGER NOT NULL REFERENCES users(id),
                customer_number TEXT NOT NULL,
                PRIMARY KEY (user_id, customer_number)))",
       }},
      {6,
       "departments (registered by admins or on a user's first use)",
       {
           R"(CREATE TABLE departments (
                name TEXT PRIMARY KEY,
                display_name TEXT NOT NULL,
                created_at TEXT NOT NULL))",
           "INSERT OR IGNORE INTO departments (name, display_name, created_at) "
           "SELECT DISTINCT department, department, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM users",
       }},
      {7,
       "the export ledger (every stamped copy that left the vault)",
       {
           R"(CREATE TABLE exports (
                export_id TEXT PRIMARY KEY,
                code TEXT NOT NULL UNIQUE,
                username TEXT NOT NULL,
                document_id TEXT NOT NULL,
                archive_number TEXT NOT NULL,
                version INTEGER NOT NULL,
                borrow_id TEXT NOT NULL,
                created_at TEXT NOT NULL,
                source_sha256 TEXT NOT NULL,
                output_sha256 TEXT NOT NULL,
                pages INTEGER NOT NULL,
                bytes INTEGER NOT NULL,
                key_name TEXT NOT NULL,
                public_key TEXT NOT NULL,
                signature TEXT NOT NULL))",
           "CREATE INDEX exports_by_user_time ON exports(username, created_at)",
           "CREATE INDEX exports_by_document ON exports(document_id)",
       }},
  };
  return kMigrations;
}

}  // namespace vault
