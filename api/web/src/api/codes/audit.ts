// API error codes the audit area's pages show (words: errors.<code with _> in
// i18n/areas/audit.*.ts).
export const CODES: readonly string[] = []
