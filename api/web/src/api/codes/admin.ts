// API error codes the admin area's pages show (words: errors.<code with _> in
// i18n/areas/admin.*.ts).
export const CODES: readonly string[] = [
  'user.invalid', 'user.exists', 'user.not_found', 'user.self_demotion', 'role_grant.required',
  'role_grant.same_admin', 'role_grant.own_grant', 'role_grant.pending', 'role_grant.unchanged',
  'role_grant.decided', 'role_grant.invalid', 'role_grant.not_found', 'department.exists', 'department.invalid',
  'key.rotation_running', 'key.rotate_unsupported', 'key.not_leader', 'key.unknown_kek', 'key.is_primary',
  'key.destruction_pending', 'key.destruction_not_found', 'key.destruction_decided', 'key.same_admin',
]
