// Shapes of the records area's API answers (docs/openapi.yaml describes them in prose).
import type { Hold } from '../../api/types'

export interface ProtectionRow {
  document: string
  archive_number: string
  erasable: boolean
  protected_by: string[]
  kinds: string[]
}

export interface DueRow extends ProtectionRow {
  title: string
  customer: string
  type: string
  retention: { rule: string; label: string; period: string; anchor: string; anchor_date: string; due_at: string; reason: string }
}

export type HoldRow = Hold

export interface DestructionItem {
  document: string
  archive_number: string
  title: string
  customer: string
  classification: string
  versions: number
  bytes: number
  blobs: number
}

export interface Destruction {
  id: string
  state: string
  reason: string
  reference: string
  requested_by: string
  requested_at: string
  approved_by: string
  approved_at: string
  witness: string
  step: string
  certificate: string
  started_at: string
  completed_at: string
  items: DestructionItem[]
}

export interface CertificateRow {
  id: string
  sequence: number
  destruction: string
  sha256: string
  previous_sha256: string
  key_name: string
  created_at: string
}

export interface ChainLink extends CertificateRow {
  problems: { kind: string; problem: string }[]
}

export interface Chain {
  intact: boolean
  certificates: number
  links: ChainLink[]
  missing: { certificate: string; kind: string; problem: string }[]
}

export interface VerifyVerdict {
  signature_valid: boolean
  known: boolean
  certificate: string
  sha256: string
  chain_intact: boolean
  chain_problems: string[]
}

// The holds that apply to a record: on it, or on its customer.
export function holdsOn(holds: HoldRow[], document: string, customer: string): HoldRow[] {
  return holds.filter((h) => (h.scope === 'document' && h.target === document) || (h.scope === 'customer' && h.target === customer))
}
