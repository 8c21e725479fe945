// The files of a checkpoint as the auditor downloads them, and the exact
// commands that check one offline with openssl alone (docs/audit.md):
// the signed body is everything before the blank line; the signature is the
// base64 after the key name, minus its first 4 bytes (the key hash).
import type { Checkpoint } from './types'

export const PUBLIC_KEY_FILE = 'audit-signing.pem'

export function noteFile(cp: Pick<Checkpoint, 'id'>): string {
  return `checkpoint-${cp.id}.note`
}

export function offlineCommand(cp: Pick<Checkpoint, 'id'>): string {
  const base = `checkpoint-${cp.id}`
  return [
    `sed '/^$/,$d' ${base}.note > ${base}.body`,
    `tail -n 1 ${base}.note | awk '{print $3}' | base64 -d | tail -c 64 > ${base}.sig`,
    `openssl pkeyutl -verify -pubin -inkey ${PUBLIC_KEY_FILE} -rawin -in ${base}.body -sigfile ${base}.sig`,
  ].join('\n')
}

// Saves text as a file through the user's own download (nothing is kept
// in browser storage).
export function saveText(text: string, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
