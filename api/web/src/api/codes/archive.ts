// API error codes the archive area's pages show (words: errors.<code with _> in
// i18n/areas/archive.*.ts).
export const CODES: readonly string[] = []
