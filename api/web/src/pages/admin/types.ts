// Shapes of the admin API's answers (docs/openapi.yaml describes them in
// prose), for the pages of this folder.
export interface UserRow {
  username: string
  display_name: string
  role: string
  department: string
  clearance: string
  disabled: boolean
  customers: string[]
}

export interface RoleGrant {
  id: number
  username: string
  role: string
  from_role: string
  state: string
  proposed_by: string
  proposed_at: string
  decided_by: string
  decided_at: string
}

export interface Department {
  name: string
  display_name: string
  created_at: string
  users: number
}

export const ROLES = ['admin', 'archive_admin', 'dept_manager', 'staff', 'legal', 'auditor']
// Roles given only by two admins (vault::NeedsFourEyes; docs/authorization.md).
export const FOUR_EYES_ROLES = ['admin', 'archive_admin', 'legal']
export const CLEARANCES = ['public', 'internal', 'confidential']

// An initial password the admin hands over once: 16 characters from an
// alphabet without look-alikes, from the browser's CSPRNG.
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'
  const out: string[] = []
  const bytes = new Uint8Array(64)
  while (out.length < 16) {
    crypto.getRandomValues(bytes)
    for (const b of bytes) {
      // Rejection sampling keeps every character equally likely.
      if (b < 256 - (256 % alphabet.length) && out.length < 16) out.push(alphabet[b % alphabet.length])
    }
  }
  return out.join('')
}

// GET /api/v1/keys: a master key of the ring (never its bytes).
export interface MasterKey {
  id: string
  state: string // primary | retired
  created_at: string
  data_keys: number
}

// GET/POST /api/v1/keys/rotation, POST /api/v1/keys/rewrap.
export interface RewrapProgress {
  state: 'idle' | 'running' | 'done' | 'failed'
  primary_kek_id: string
  rewrapped: number
  remaining: number
  started_by: string
  started_at: string
  finished_at: string
  error: string
}

// GET/POST /api/v1/keys/destructions: a four-eyes master-key destruction.
export interface KekDestruction {
  id: number
  kek_id: string
  state: 'requested' | 'approved' | 'destroyed'
  requested_by: string
  requested_at: string
  approved_by: string
  approved_at: string
  destroyed_at: string
}
