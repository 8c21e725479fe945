// API error codes the archive area's pages show (words: errors.<code with _> in
// i18n/areas/archive.*.ts).
export const CODES: readonly string[] = [
  'upload.too_large', 'upload.empty', 'upload.truncated', 'request.bad_filename',
  'borrow.issue_in_progress', 'borrow.pages_required', 'borrow.bad_pages', 'borrow.return_kind',
  'borrow.recalled', 'borrow.no_longer_allowed',
]
