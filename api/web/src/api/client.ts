// The one way the UI talks to vaultd: a typed client generated from
// docs/openapi.yaml (openapi-typescript + openapi-fetch), the browser's
// session cookie, and the session's CSRF token on every change. Errors
// become ApiError with the API's stable code; errors.ts translates them.
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import type { StampedCopy } from './types'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

let csrfToken = ''
export function setCsrfToken(token: string): void {
  csrfToken = token
}

// Called when the session is gone (logged out elsewhere, expired, account
// disabled): the app returns to the login page with the reason.
let onSessionEnded: (code: string) => void = () => {}
export function whenSessionEnds(handler: (code: string) => void): void {
  onSessionEnded = handler
}

const SESSION_ENDED = new Set(['auth.expired', 'auth.revoked', 'auth.invalid_token', 'auth.disabled', 'auth.missing_token'])

function headersFor(method: string, extra?: HeadersInit): Headers {
  const h = new Headers(extra)
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) h.set('X-CSRF-Token', csrfToken)
  return h
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken) {
      request.headers.set('X-CSRF-Token', csrfToken)
    }
    return request
  },
}

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' })
api.use(csrf)

async function errorOf(resp: Response): Promise<ApiError> {
  let code = 'http.' + resp.status
  let message = resp.statusText
  try {
    const body = await resp.json()
    if (body?.error?.code) {
      code = body.error.code
      message = body.error.message ?? ''
    }
  } catch {
    // Not JSON: keep the HTTP status as the code.
  }
  return new ApiError(resp.status, code, message)
}

async function check(resp: Response, loginCall = false): Promise<Response> {
  if (resp.ok) return resp
  const err = await errorOf(resp)
  if (!loginCall && SESSION_ENDED.has(err.code)) onSessionEnded(err.code)
  throw err
}

// Unwraps an openapi-fetch result: the data, or an ApiError.
export async function call<T>(promise: Promise<{ data?: unknown; error?: unknown; response: Response }>, loginCall = false): Promise<T> {
  const { data, error, response } = await promise
  if (error !== undefined || !response.ok) {
    const e = error as { error?: { code?: string; message?: string } } | undefined
    const err = new ApiError(response.status, e?.error?.code ?? 'http.' + response.status, e?.error?.message ?? '')
    if (!loginCall && SESSION_ENDED.has(err.code)) onSessionEnded(err.code)
    throw err
  }
  return data as T
}

type Path = keyof paths & string

// A typed path with its {parameters} filled in (encoded), so binary calls
// below stay tied to the routes of docs/openapi.yaml too.
export function pathOf(path: Path, params: Record<string, string> = {}, query: Record<string, string> = {}): string {
  let out: string = path
  for (const [k, v] of Object.entries(params)) out = out.replace('{' + k + '}', encodeURIComponent(v))
  const q = new URLSearchParams(query).toString()
  return q ? out + '?' + q : out
}

// A stamped copy (exports, a loan's copy): bytes in memory only, never
// cached (the API answers Cache-Control: no-store, and we ask for no-store).
export async function fetchCopy(url: string, method: 'GET' | 'POST', body?: unknown): Promise<StampedCopy> {
  const resp = await check(
    await fetch(url, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: headersFor(method, body === undefined ? undefined : { 'Content-Type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  )
  return {
    bytes: await resp.arrayBuffer(),
    exportCode: resp.headers.get('X-Export-Code') ?? '',
    exportId: resp.headers.get('X-Export-Id') ?? '',
    sha256: resp.headers.get('X-Content-SHA256') ?? '',
  }
}

// A returned file, as the body of POST /api/v1/borrows/{id}/return.
export async function uploadBytes<T>(url: string, file: Blob): Promise<T> {
  const resp = await check(
    await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: headersFor('POST', { 'Content-Type': 'application/octet-stream' }),
      body: file,
    }),
  )
  return (await resp.json()) as T
}

// The session's CSRF token, for requests made without openapi-fetch (an
// upload through XMLHttpRequest, which reports its progress: api/upload.ts).
export function currentCsrfToken(): string {
  return csrfToken
}
