// Role boundaries, for every role: the header offers exactly the pages the
// role may use (from the routes' meta, so every area's routes are covered),
// every other page opened by URL shows "not allowed", and the API refuses
// that page's main call as well.
import { test, expect } from '../support/fixtures'
import type { State } from '../support/env'
import { routes as staff } from '../../../api/web/src/routes/staff'
import { routes as archive } from '../../../api/web/src/routes/archive'
import { routes as records } from '../../../api/web/src/routes/records'
import { routes as audit } from '../../../api/web/src/routes/audit'
import { routes as admin } from '../../../api/web/src/routes/admin'

interface PageRoute {
  path: string
  meta?: { roles?: string[]; nav?: string; navOrder?: number }
  children?: PageRoute[]
}

function flatten(list: PageRoute[], prefix = ''): PageRoute[] {
  return list.flatMap((r) => {
    const path = r.path.startsWith('/') ? r.path : prefix.replace(/\/$/, '') + '/' + r.path
    return [{ ...r, path }, ...flatten(r.children ?? [], path)]
  })
}

const ROUTES = flatten([...staff, ...archive, ...records, ...audit, ...admin] as unknown as PageRoute[])

// One account per role (tests/web/support/env.ts).
const ACCOUNT: Record<string, string> = {
  admin: 'sysadmin',
  archive_admin: 'archivist',
  dept_manager: 'manager_south',
  staff: 'staff_south',
  legal: 'legal',
  auditor: 'auditor',
}

// The main API call of each page that only some roles may open: whoever may
// not open the page must get 403 from it. One row per page ('public': the
// page shows what the API gives to anyone, by design).
type ApiCall = { method: 'GET' | 'POST'; path: string; data?: unknown } | 'public'
const BORROW = (s: State): ApiCall => ({
  method: 'POST', path: '/api/v1/borrows', data: { documents: [s.docs.quotation], purpose: 'role boundary probe', kind: 'electronic' },
})
const VALIDATE = (): ApiCall => ({
  method: 'POST', path: '/api/v1/documents/validation', data: { customer: 'C0001', type: 'quotation', title: 'role boundary probe', department: '华南销售部' },
})
const API_OF_PAGE: Record<string, (s: State) => ApiCall> = {
  '/search': () => ({ method: 'GET', path: '/api/v1/documents' }),
  '/records/:id': () => ({ method: 'GET', path: '/api/v1/documents' }),
  '/records/:id/view': () => ({ method: 'GET', path: '/api/v1/documents' }),
  '/records/:id/borrow': BORROW,
  '/loans': BORROW,
  '/loans/:id': BORROW,
  '/approvals': () => ({ method: 'GET', path: '/api/v1/borrows?pending=1' }),
  '/holds': () => ({ method: 'POST', path: '/api/v1/holds', data: { scope: 'customer', target: 'C9999', reason: 'role boundary probe' } }),
  // Archive: a new record's or version's metadata check (document.create;
  // a version's upload itself answers 404 to a role that may not see the
  // record), issuing a loan (auditors may read every loan, not act on one),
  // the register (register.read).
  '/ingest': VALIDATE,
  '/records/:id/version': VALIDATE,
  '/loans-board': () => ({ method: 'POST', path: '/api/v1/borrows/JY0000000000NOPE/issue', data: {} }),
  '/register': () => ({ method: 'GET', path: '/api/v1/borrows/register?format=json' }),
  // Audit: the log (audit.read), the leak trace (export.trace).
  '/audit': () => ({ method: 'GET', path: '/api/v1/audit?limit=1' }),
  '/trace': () => ({ method: 'GET', path: '/api/v1/trace/ABCD-EFGH-JKLM' }),
  '/alerts': () => ({ method: 'GET', path: '/api/v1/alerts' }),
  '/admin/users': () => ({ method: 'GET', path: '/api/v1/users' }),
  '/admin/departments': () => ({ method: 'GET', path: '/api/v1/departments' }),
  '/admin/keys': () => 'public', // the certificate-signing public key is for anyone (docs/keys.md)
  '/admin/health': () => ({ method: 'GET', path: '/api/v1/system/health' }),
  // Records: retention (archive admins), a request's preconditions, the
  // destructions (a single one answers 404 to a role that may read none, so
  // the list stands for it), certificates, a customer's erasure preview.
  '/retention': () => ({ method: 'GET', path: '/api/v1/retention/due' }),
  '/destructions/new': (s) => ({ method: 'GET', path: `/api/v1/destructions/preconditions?documents=${s.docs.quotation}&reason=retention_expired` }),
  '/destructions': () => ({ method: 'GET', path: '/api/v1/destructions' }),
  '/destructions/:id': () => ({ method: 'GET', path: '/api/v1/destructions' }),
  '/certificates': () => ({ method: 'GET', path: '/api/v1/certificates' }),
  '/certificates/:id': () => ({ method: 'GET', path: '/api/v1/certificates/CERT-000001.json' }),
  '/data-subjects': () => ({ method: 'GET', path: '/api/v1/customers/C0001/erasure' }),
}

// What each role's header must (and must not) offer whatever other areas
// add: a check on the routes' meta themselves.
const MUST: Record<string, { has: string[]; not: string[] }> = {
  admin: { has: ['nav.users', 'nav.departments', 'nav.keys', 'nav.health'], not: ['nav.search', 'nav.loans', 'nav.approvals', 'nav.holds'] },
  archive_admin: { has: ['nav.search', 'nav.loans', 'nav.approvals', 'nav.alerts'], not: ['nav.users', 'nav.health', 'nav.holds'] },
  dept_manager: { has: ['nav.search', 'nav.loans', 'nav.approvals'], not: ['nav.users', 'nav.health', 'nav.holds'] },
  staff: { has: ['nav.search', 'nav.loans'], not: ['nav.approvals', 'nav.holds', 'nav.users', 'nav.health', 'nav.alerts'] },
  legal: { has: ['nav.search', 'nav.loans', 'nav.approvals', 'nav.holds'], not: ['nav.users', 'nav.health'] },
  auditor: { has: ['nav.search', 'nav.alerts'], not: ['nav.loans', 'nav.approvals', 'nav.holds', 'nav.users', 'nav.health'] },
}

function mayOpen(r: PageRoute, role: string): boolean {
  return !r.meta?.roles || r.meta.roles.includes(role)
}

function lookup(words: object, key: string): string {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], words) as string
}

test('every page that only some roles may open has a representative API call', async () => {
  const restricted = ROUTES.filter((r) => r.meta?.roles).map((r) => r.path)
  expect(restricted.length).toBeGreaterThan(0)
  expect(restricted.filter((p) => !API_OF_PAGE[p]), 'add a row to API_OF_PAGE').toEqual([])
})

for (const role of Object.keys(ACCOUNT)) {
  test(`${role}: the header offers exactly its pages, others are not allowed and their API calls refused`, async ({ page, loginAs, checkPage, w, api, state }) => {
    // (a) The navigation: exactly the routes whose meta lets this role in.
    const expected = ROUTES.filter((r) => typeof r.meta?.nav === 'string' && mayOpen(r, role))
      .sort((a, b) => (a.meta!.navOrder as number) - (b.meta!.navOrder as number))
      .map((r) => r.meta!.nav as string)
    for (const key of MUST[role].has) expect(expected, `${role} must be offered ${key}`).toContain(key)
    for (const key of MUST[role].not) expect(expected, `${role} must not be offered ${key}`).not.toContain(key)
    await loginAs(page, ACCOUNT[role])
    const nav = page.getByTestId('main-nav')
    await expect(nav.getByRole('link')).toHaveText(expected.map((k) => lookup(w, k)))

    // (b) Every page the role may not open, by URL: the "not allowed" page.
    const forbidden = ROUTES.filter((r) => r.meta?.roles && !mayOpen(r, role))
    expect(forbidden.length, `${role} is kept out of some page`).toBeGreaterThan(0)
    let first = true
    for (const r of forbidden) {
      const url = r.path.replace(/:(\w+)/g, 'X0000')
      await page.goto(url)
      await expect(page.getByTestId('forbidden'), url).toBeVisible()
      await expect(page.getByRole('heading', { name: w.forbidden.title })).toBeVisible()
      await expect(page.getByTestId('forbidden')).toContainText(url)
      if (first) await checkPage(page, 'forbidden-' + role)
      first = false
    }

    // (c) The API refuses those pages' main calls to this role.
    const ctx = await api(ACCOUNT[role])
    for (const r of forbidden) {
      const call = API_OF_PAGE[r.path]!(state)
      if (call === 'public') continue
      const resp = call.method === 'GET' ? await ctx.get(call.path) : await ctx.post(call.path, { data: call.data })
      expect(resp.status(), `${role} ${call.method} ${call.path} (page ${r.path}): ${await resp.text()}`).toBe(403)
    }
  })
}

test('the admin role is offered neither search nor loans, and cannot list documents', async ({ page, loginAs, w, api }) => {
  await loginAs(page, 'sysadmin')
  const nav = page.getByTestId('main-nav')
  await expect(nav.getByRole('link', { name: w.nav.users })).toBeVisible()
  await expect(nav.getByRole('link', { name: w.nav.search })).toHaveCount(0)
  await expect(nav.getByRole('link', { name: w.nav.loans })).toHaveCount(0)
  // "/" leads an admin to their first page, not to search.
  await page.goto('/')
  await expect(page).toHaveURL(/\/admin\/users$/)
  await page.goto('/search')
  await expect(page.getByTestId('forbidden')).toBeVisible()
  const r = await (await api('sysadmin')).get('/api/v1/documents')
  expect(r.status()).toBe(403)
  expect((await r.json()).error.code).toBe('access.denied')
})
