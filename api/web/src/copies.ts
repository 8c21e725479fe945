// Stamped copies: every view and download is a fresh export through the
// API (ledger entry, export code), kept in memory only, and saved by the
// user's own download, never in browser storage.
import { fetchCopy, pathOf } from './api/client'
import type { StampedCopy } from './api/types'

export function exportCopy(documentId: string, body: { borrow?: string } = {}): Promise<StampedCopy> {
  return fetchCopy(pathOf('/api/v1/documents/{id}/exports', { id: documentId }), 'POST', body)
}

export function loanCopy(loanId: string, documentId: string): Promise<StampedCopy> {
  return fetchCopy(pathOf('/api/v1/borrows/{id}/copy', { id: loanId }, { document: documentId }), 'GET')
}

export function saveCopy(copy: StampedCopy, filename: string): void {
  const url = URL.createObjectURL(new Blob([copy.bytes], { type: 'application/pdf' }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
