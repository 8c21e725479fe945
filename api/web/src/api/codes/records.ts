// API error codes the records area's pages show (words: errors.<code with _> in
// i18n/areas/records.*.ts).
export const CODES: readonly string[] = []
