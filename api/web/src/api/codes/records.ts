// API error codes the records area's pages show (words: errors.<code with _> in
// i18n/areas/records.*.ts).
export const CODES: readonly string[] = [
  'destruction.protected', 'destruction.already_open', 'destruction.bad_reason', 'destruction.reference_required',
  'destruction.no_documents', 'destruction.duplicate_document', 'destruction.self_approval',
  'destruction.legal_required', 'destruction.witness_required', 'destruction.bad_state', 'destruction.not_found',
  'destruction.nothing_erasable', 'destruction.changed_during', 'destruction.failed', 'certificate.not_found',
  'customer.not_found',
]
