// Role groups as policies/roles.json grants them, for page access in the
// UI. The server decides every call on its own; these only keep a page from
// being offered to someone whose calls would all be refused.
export const DOCUMENT_READERS = ['archive_admin', 'dept_manager', 'staff', 'legal', 'auditor']
export const BORROWERS = ['archive_admin', 'dept_manager', 'staff', 'legal']
export const APPROVERS = ['dept_manager', 'legal', 'archive_admin']
export const ALL_ROLES = ['admin', 'archive_admin', 'dept_manager', 'staff', 'legal', 'auditor']
