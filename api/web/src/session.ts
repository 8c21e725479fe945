// Who is logged in, shared by every page. The session itself is an
// HttpOnly cookie the page cannot read; this holds only who the user is
// and the CSRF token to send with changes.
import { reactive } from 'vue'
import { api, call, setCsrfToken } from './api/client'
import type { Me } from './api/types'

export const session = reactive<{ me: Me | null; checked: boolean }>({ me: null, checked: false })

export async function loadSession(): Promise<Me | null> {
  try {
    const me = await call<Me>(api.GET('/api/v1/sessions/current'), true)
    setCsrfToken(me.csrf_token ?? '')
    session.me = me
  } catch {
    session.me = null
  }
  session.checked = true
  return session.me
}

export async function logIn(username: string, password: string): Promise<void> {
  const r = await call<{ csrf_token: string }>(
    api.POST('/api/v1/sessions', { body: { username, password, cookie: true } }),
    true,
  )
  setCsrfToken(r.csrf_token)
  await loadSession()
}

export async function logOut(): Promise<void> {
  try {
    await call(api.DELETE('/api/v1/sessions/current'), true)
  } finally {
    forget()
  }
}

export function forget(): void {
  setCsrfToken('')
  session.me = null
}

export function hasRole(...roles: string[]): boolean {
  return !!session.me && roles.includes(session.me.role)
}
