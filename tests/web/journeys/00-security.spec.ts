import { test, expect } from '../support/fixtures'
import en from '../../../api/web/src/i18n/en'
import zhCN from '../../../api/web/src/i18n/zh-CN'
import { KNOWN_CODES } from '../../../api/web/src/api/error-codes'

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v, prefix + k + '.') : [prefix + k]))
}

test('both locales have exactly the same message keys, and words for every known API error code', async () => {
  expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  for (const code of KNOWN_CODES) expect(keys(en), code).toContain('errors.' + code.replace(/\./g, '_'))
})

test('the session is an HttpOnly SameSite=Strict cookie and no token is kept in storage', async ({ page, loginAs, context }) => {
  await loginAs(page, 'staff_south')
  const cookies = await context.cookies()
  const session = cookies.find((c) => c.name === 'vault_session')
  expect(session).toBeDefined()
  expect(session!.httpOnly).toBe(true)
  expect(session!.sameSite).toBe('Strict')
  expect(session!.path).toBe('/')
  expect(await page.evaluate(() => document.cookie)).not.toContain('vault_session')
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))
  expect(stored).not.toContain(session!.value)
})

test('a change sent with the cookie but without the CSRF token is refused', async ({ page, loginAs, state, api }) => {
  await loginAs(page, 'staff_south')
  // page.request shares the browser's cookies, not the page's CSRF token.
  const r = await page.request.post('/api/v1/borrows', {
    data: { documents: [state.docs.quotation], purpose: 'CSRF probe', kind: 'electronic' },
  })
  expect(r.status()).toBe(403)
  expect((await r.json()).error.code).toBe('auth.csrf')
  const wrong = await page.request.post('/api/v1/borrows', {
    headers: { 'X-CSRF-Token': '0'.repeat(64) },
    data: { documents: [state.docs.quotation], purpose: 'CSRF probe', kind: 'electronic' },
  })
  expect(wrong.status()).toBe(403)
  // Nothing was asked for.
  const loans = await (await api('staff_south')).get('/api/v1/borrows')
  expect(JSON.stringify(await loans.json())).not.toContain('CSRF probe')
  // Reads need no token.
  expect((await page.request.get('/api/v1/sessions/current')).status()).toBe(200)
})

test('every page comes with a strict CSP and the other security headers', async ({ page, problems }) => {
  const resp = await page.goto('/search')
  const h = resp!.headers()
  expect(h['content-security-policy']).toContain("script-src 'self'")
  expect(h['content-security-policy']).toContain("frame-ancestors 'none'")
  expect(h['content-security-policy']).not.toContain('unsafe-eval')
  expect(h['content-security-policy']).not.toMatch(/script-src[^;]*unsafe-inline/)
  expect(h['x-content-type-options']).toBe('nosniff')
  expect(h['referrer-policy']).toBe('no-referrer')
  expect(h['cache-control']).toBe('no-cache')
  // An inline script is blocked by the browser under this policy.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script')
    s.textContent = 'window.__inline = 1'
    document.body.appendChild(s)
    return (window as unknown as { __inline?: number }).__inline === 1
  })
  expect(ran).toBe(false)
  // The browser reported the blocked script; that report is expected here.
  expect(problems.join('\n')).toContain('Content Security Policy')
  problems.splice(0, problems.length, ...problems.filter((p) => !p.includes('Content Security Policy')))
})

test('hashed assets are cached and paths outside the web root are refused', async ({ request }) => {
  const index = await (await request.get('/')).text()
  const asset = index.match(/\/assets\/[^"]+\.js/)![0]
  const r = await request.get(asset)
  expect(r.status()).toBe(200)
  expect(r.headers()['cache-control']).toContain('immutable')
  expect(r.headers()['content-type']).toContain('text/javascript')
  for (const bad of ['/%2e%2e/%2e%2e/CMakeLists.txt', '/assets/..%2f..%2fpackage.json']) {
    const b = await request.get(bad)
    expect(b.status(), bad).toBeGreaterThanOrEqual(400)
    expect(await b.text()).not.toContain('cmake_minimum_required')
  }
})

