// Shapes of the archive area's API answers (docs/openapi.yaml).

export interface FieldProblem {
  field: string
  reason: string
  max?: number
}

export interface KeyedName {
  key: string
  name: string
}

export interface FieldDictionary {
  document_types: { key: string; code: string; name: string }[]
  classifications: (KeyedName | string)[]
  business_stages: (KeyedName | string)[]
  retention_classes: (KeyedName | string)[]
  limits: { title_max_chars?: number; text_max_chars?: number; max_tags?: number }
  fields: { name: string; kind: string; max_chars?: number; label?: string }[]
}

export interface Created {
  id: string
  archive_number: string
  version: number
  sha256: string
  size?: number
}

export interface Incident {
  id: number
  borrow: string
  document: string
  at: string
  kind: string
  detail: string
  evidence: string
}

export interface RegisterRow {
  borrower: string
  department: string
  title: string
  archive_number: string
  classification: string
  purpose: string
  approvers: string
  borrowed_at: string
  due_at: string
  returned_at: string
  state: string
  note: string
  borrow_id: string
  borrower_id: string
  state_code: string
  classification_code: string
  result: string
}

// A keyed entry of fields.json as {key, name}.
export function keyed(v: KeyedName | string): KeyedName {
  return typeof v === 'string' ? { key: v, name: v } : v
}
