// API error codes the audit area's pages show (words: errors.<code with _> in
// i18n/areas/audit.*.ts).
export const CODES: readonly string[] = ['trace.not_found', 'export.not_found', 'audit.checkpoint_not_found',
  'alert.not_found', 'alert.already_acknowledged', 'alert.note_too_long']
