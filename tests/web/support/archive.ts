// Helpers of the archive journeys (1x-*.spec.ts): records ingested through
// the API, loans asked for, approved and issued, hashes.
import { expect, type APIRequestContext } from '@playwright/test'
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ROOT } from './env'

export const SAMPLES = path.join(ROOT, 'build', 'web-e2e', 'samples')

export function sha256(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex')
}

// A new record through POST /api/v1/documents (metadata part first).
export async function ingest(archivist: APIRequestContext, meta: Record<string, unknown>, file = 'contract.pdf'): Promise<{ id: string; archive_number: string }> {
  const r = await archivist.post('/api/v1/documents', {
    multipart: {
      metadata: JSON.stringify(meta),
      file: { name: file, mimeType: 'application/pdf', buffer: fs.readFileSync(path.join(SAMPLES, file)) },
    },
  })
  expect(r.status(), await r.text()).toBe(201)
  return r.json()
}

// An invoice of C0009 in 华南销售部: its loans follow the journeys' own rule
// (global-setup.ts: approved by an archive admin, suspended 1 s overdue).
// C0009 is assigned only to the archive journeys' borrowers, so staff_south's
// searches in the other journeys never see these records.
export async function invoice(archivist: APIRequestContext, title: string): Promise<string> {
  return (await ingest(archivist, { customer: 'C0009', type: 'invoice', title, department: '华南销售部', classification: 'internal' })).id
}

// A loan asked for by `staff` and approved by the archivist; its id.
export async function approvedLoan(staff: APIRequestContext, archivist: APIRequestContext, doc: string,
  purpose: string, kind = 'electronic', period = 'P7D'): Promise<string> {
  const r = await staff.post('/api/v1/borrows', { data: { documents: [doc], purpose, kind, period } })
  expect(r.status(), await r.text()).toBe(201)
  const id = (await r.json()).id as string
  const a = await archivist.post(`/api/v1/borrows/${id}/approve`, { data: {} })
  expect(a.status(), await a.text()).toBe(200)
  expect((await a.json()).state).toBe('approved')
  return id
}

export async function loanOf(ctx: APIRequestContext, id: string): Promise<{ state: string; due_at: string; suspended: boolean;
  items: { result: string; issued_pages: number; issued_sha256: string }[]; events: { action: string; detail: string }[] }> {
  const r = await ctx.get('/api/v1/borrows/' + id)
  expect(r.status()).toBe(200)
  return r.json()
}
