// Uploads with progress: fetch cannot report how much of a request body
// has been sent, XMLHttpRequest can (upload.onprogress). Same rules as the
// typed client: the session cookie (same origin), the session's CSRF token
// on the change, typed paths from docs/openapi.yaml, and errors as ApiError
// with the API's stable code (and, for field.invalid, the fields).
import { ApiError, currentCsrfToken, pathOf } from './client'
import type { FieldProblem } from './archive-types'

// A field.invalid answer: every offending field with its reason.
export class FieldsError extends ApiError {
  constructor(
    status: number,
    message: string,
    readonly fields: FieldProblem[],
  ) {
    super(status, 'field.invalid', message)
  }
}

// An ApiError (or FieldsError) from an error answer's JSON body.
export function apiErrorOf(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: string; message?: string; fields?: FieldProblem[] } } | null)?.error
  if (e?.code === 'field.invalid' && Array.isArray(e.fields)) return new FieldsError(status, e.message ?? '', e.fields)
  return new ApiError(status, e?.code ?? 'http.' + status, e?.message ?? '')
}

export interface Progress {
  loaded: number
  total: number
}

// POSTs `form` (multipart) to `url`; `onProgress` hears how many bytes of
// the body have gone out. Resolves with the JSON answer of a 2xx.
export function uploadForm<T>(url: string, form: FormData, onProgress: (p: Progress) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.withCredentials = true
    const token = currentCsrfToken()
    if (token) xhr.setRequestHeader('X-CSRF-Token', token)
    xhr.responseType = 'json'
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) onProgress({ loaded: ev.loaded, total: ev.total })
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response as T)
      else reject(apiErrorOf(xhr.status, xhr.response))
    }
    // The server answers a refused upload before reading the whole body and
    // closes the connection; the browser may then report a network error.
    xhr.onerror = () => reject(new Error('network'))
    xhr.onabort = () => reject(new Error('aborted'))
    xhr.send(form)
  })
}

// The multipart body of a new document or a new version: the metadata
// part (JSON) first, then the file, as vaultd requires.
export function documentForm(metadata: unknown, file: File): FormData {
  const form = new FormData()
  // A plain field, not a Blob: a part with a file name is taken for the file.
  form.append('metadata', JSON.stringify(metadata))
  form.append('file', file, file.name)
  return form
}

export const NEW_DOCUMENT_URL = pathOf('/api/v1/documents')
export const newVersionUrl = (id: string): string => pathOf('/api/v1/documents/{id}/versions', { id })
