// API error codes the admin area's pages show (words: errors.<code with _> in
// i18n/areas/admin.*.ts).
export const CODES: readonly string[] = []
