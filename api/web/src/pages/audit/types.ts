// Shapes of the audit routes' answers (docs/openapi.yaml describes them in
// prose only).

export interface AuditEvent {
  seq: number
  time: string
  actor: string
  role: string
  action: string
  object: string
  outcome: string
  client: string
  request_id: string
  detail: string
  hash: string
}

export interface CheckpointRef {
  id: number
  size: number
  key_name: string
  created_at: string
}

export interface PageChain {
  ok: boolean
  complete: boolean
  walked: number
  unchecked: number
  uncovered: number
  first_bad_seq: number
  problems: string[]
  checkpoint: CheckpointRef | null
}

export interface AuditPage {
  items: AuditEvent[]
  next: number | null
  chain?: PageChain
}

export interface Verification {
  ok: boolean
  events: number
  checkpoints: number
  first_bad_seq: number
  problems: string[]
  verified_at: string
}

export interface Checkpoint extends CheckpointRef {
  head_hash: string
  note: string
  public_key_pem?: string
}

export interface ExportRecord {
  id: string
  code: string
  user: string
  document: string
  archive_number: string
  version: number
  borrow: string
  time: string
  source_sha256: string
  output_sha256: string
  pages: number
  bytes: number
}

export interface TraceResult {
  export: ExportRecord
  signature_valid?: boolean
  found_by?: 'metadata' | 'visible_code'
  exact_copy?: boolean
  token_disagrees?: boolean
}

// GET /api/v1/alerts items (docs/openapi.yaml).
export interface AlertItem {
  id: number
  rule: string
  subject: string
  window_start: string
  window_end: string
  events: number
  raised_at: string
  summary: string
  state: 'open' | 'acknowledged'
  acknowledged_by: string
  acknowledged_at: string
  note: string
  evidence: number[]
}
