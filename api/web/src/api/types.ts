// Shapes of the API's answers that docs/openapi.yaml describes in prose
// only; request paths and parameters come typed from the generated schema.

export interface DocumentSummary {
  id: string
  archive_number: string
  title: string
  customer_number: string
  doc_type: string
  department: string
  classification: string
  version: number
  created_at: string
}

export interface DocumentPage {
  items: DocumentSummary[]
  next: number | null          // legacy offset paging; null on cursor pages
  next_cursor: string | null   // the next page; null on the last one
  total: number
  total_is_estimate: boolean   // the count stopped at its cap: at least `total`
}

export interface DocumentDetail extends DocumentSummary {
  customer_name: string
  type_code: string
  product_line: string
  region: string
  business_stage: string
  retention_class: string
  tags: string[]
  fields: Record<string, string>
  updated_at: string
  created_by: string
}

export interface VersionInfo {
  version: number
  size: number
  sha256: string
  created_at: string
  created_by: string
  reason: string
  filename: string
}

export interface LoanItem {
  document: string
  archive_number: string
  title: string
  classification: string
  version: number
  export_id: string
  issued_sha256: string
  issued_pages: number
  returned_sha256: string
  returned_pages: number
  result: string
  returned_at: string
}

export interface LoanEvent {
  at: string
  actor: string
  action: string
  from: string
  to: string
  round: number
  detail: string
}

export interface Loan {
  id: string
  state: string
  borrower: string
  department: string
  purpose: string
  kind: string
  period: string
  rule: string
  approval_chain: string[]
  waiting_for: string
  renewals: number
  requested_at: string
  approved_at: string
  issued_at: string
  due_at: string
  closed_at: string
  suspended: boolean
  note: string
  items: LoanItem[]
  events?: LoanEvent[]
}

export interface Notification {
  id: number
  borrow: string
  kind: string
  created_at: string
  message: string
}

// A legal hold (GET /api/v1/holds): on a customer or a single record.
export interface Hold { id: number; scope: string; target: string; reason: string; created_by: string; created_at: string }

export interface Me {
  username: string
  display_name: string
  role: string
  department: string
  clearance: string
  customers: string[]
  cookie: boolean
  csrf_token?: string
}

// A stamped copy as received: bytes kept in memory only (never in storage).
export interface StampedCopy {
  bytes: ArrayBuffer
  exportCode: string
  exportId: string
  sha256: string
}

export interface Verdict {
  allowed: boolean
  reason?: string
}

export interface RecordActions {
  export: Verdict
  borrow: Verdict
  loan_rule: {
    name: string
    default_period: string
    max_period: string
    default_days: number
    max_days: number
    renewals: number
    kinds: string[]
    approval_chain: string[]
  }
}
