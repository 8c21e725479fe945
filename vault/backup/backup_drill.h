// The restore drill (`vaultctl backup drill DIR`, docs/operations.md
// "Restore drills"): proves a backup restores, without touching any vault.
//
// Verifies the manifest and every file (backup_restore.h step 1), restores
// (a PostgreSQL backup's database into a throwaway database on `pg_server`)
// into a private temporary directory (blobs hard-linked from the backup when
// the filesystem allows: nothing there writes to them), then checks the
// restored vault: fixity of every version (each blob authenticated and its
// plaintext SHA-256 compared, nothing written), the audit hash chain and its
// signed checkpoints, and the destruction certificates' chain. The temporary
// directory is removed afterwards, whatever happened.
//
// The report is canonical JSON signed with the vault's backup signing key
// (Ed25519, raw 64-byte signature), verifiable with stock openssl:
//   openssl pkeyutl -verify -pubin -inkey signing.pem -rawin
//       -in drill-report.json -sigfile drill-report.json.sig   (one line)
// With DrillOptions::pdf_font_file the same report is also rendered as
// drill-report.pdf with its own signature drill-report.pdf.sig (drill_pdf.h);
// a PDF that cannot be rendered leaves the JSON report standing
// (DrillReport::pdf_error).
// A drill that fails a check still writes its signed report ("result":
// "failed", with the problem); one whose manifest or files do not verify
// reports the file named.
//
// Thread-safety: a function.
#pragma once

#include <string>
#include <vector>

#include "vault/local/local_vault.h"

namespace vault {

struct DrillOptions {
  std::string backup_dir;
  LocalVaultConfig key_config;  // key_file or passphrase, clock, dictionary
  std::string temp_parent;      // where the temporary restore goes ("" = $TMPDIR or /tmp)
  std::string report_dir;       // where the report goes ("" = BACKUP/drills/<time>)
  // PostgreSQL backups: a server where the drill creates (and drops) a
  // throwaway database, as a role with CREATEDB (drill_database.h); psql's
  // directory ("" = PATH).
  std::string pg_server, pg_bin_dir;
  // The TrueType CJK font of the PDF rendering (drill_pdf.h); "" = JSON only.
  std::string pdf_font_file;
};

struct DrillReport {
  bool passed = false;
  std::string report_dir;  // holds drill-report.json, drill-report.json.sig, signing.pem
  std::string json;        // the signed report
  std::vector<std::string> problems;
  // With a font: whether drill-report.pdf (.sig) was written, and why not.
  bool pdf_written = false;
  std::string pdf_error;
};

// Errors only when no report can be written at all (no key, no directory);
// a failed check is a report with passed == false.
StatusOr<DrillReport> RunDrill(const DrillOptions& options);

}  // namespace vault
