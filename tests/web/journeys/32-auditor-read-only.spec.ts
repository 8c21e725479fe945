// Journey 32: the auditor's read-only guarantee, generically. Logged in as
// the auditor, visit every page of the header's navigation (read from the
// nav element, so pages added later are covered without changing this
// test), fill every empty text field of the page with harmless input, give
// every file field a PDF, click every enabled button of the page (and the
// submit of any dialog it opens), and record every request to /api/. Each
// must be a GET or HEAD, except the reads by nature listed below; and the
// audit log must show no action of the auditor other than reads.
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect } from '../support/fixtures'
import { ROOT } from '../support/env'

test.describe.configure({ mode: 'serial' })

// Requests other than GET/HEAD that only read, with the reason.
const READS_BY_NATURE: { method: string; path: RegExp; why: string }[] = [
  { method: 'POST', path: /^\/api\/v1\/trace$/, why: 'traces a PDF found outside to its export: the file is the question, nothing is stored' },
  { method: 'POST', path: /^\/api\/v1\/certificates\/verify$/, why: 'checks a destruction certificate and its signature: nothing is stored' },
]

// Audit actions that are reads (the server audits every request): logging
// in, and actions named as reads, listings, look-ups, verifications or
// downloads of a register or certificate (no ledger entry, unlike a copy).
const READ_ACTION = /^(session\.(create|read)|[a-z_]+\.(read|list|metadata|trace|verify|checkpoints|register|search|download))$/

const HARMLESS = 'ABCD-1234'

async function exercise(page: Page, href: string): Promise<void> {
  const main = page.locator('main')
  const inputs = main.locator('input[type="text"], input:not([type]), input[type="search"], textarea')
  for (let i = 0; i < (await inputs.count()); i++) {
    const f = inputs.nth(i)
    if ((await f.isVisible()) && (await f.isEditable()) && !(await f.inputValue())) await f.fill(HARMLESS)
  }
  const files = main.locator('input[type="file"]')
  const pdf = fs.readFileSync(path.join(ROOT, 'build', 'web-e2e', 'samples', 'order.pdf'))
  for (let i = 0; i < (await files.count()); i++) {
    await files.nth(i).setInputFiles({ name: 'found.pdf', mimeType: 'application/pdf', buffer: pdf })
  }
  const buttons = main.locator('button')
  const n = await buttons.count()
  for (let i = 0; i < n; i++) {
    if (new URL(page.url()).pathname !== href) {
      await page.goto(href)
      await page.waitForLoadState('networkidle')
    }
    const b = main.locator('button').nth(i)
    if (!(await b.isVisible().catch(() => false)) || !(await b.isEnabled().catch(() => false))) continue
    await b.click({ timeout: 5000 }).catch(() => undefined)
    await page.waitForLoadState('networkidle')
    // A dialog it opened: harmless input, then its submit.
    const dialog = page.getByRole('dialog').last()
    if (await dialog.isVisible().catch(() => false)) {
      const fields = dialog.locator('input[type="text"], input:not([type]), textarea')
      for (let k = 0; k < (await fields.count()); k++) {
        if (await fields.nth(k).isEditable()) await fields.nth(k).fill(HARMLESS)
      }
      const submit = dialog.locator('button[type="submit"], .el-button--primary').last()
      if (await submit.isVisible().catch(() => false)) await submit.click({ timeout: 5000 }).catch(() => undefined)
      await page.waitForLoadState('networkidle')
      await page.keyboard.press('Escape')
    }
  }
}

test('the auditor can click everything on every page of their navigation and changes nothing', async ({ page, loginAs, checkPage, api, appLocale }) => {
  test.setTimeout(240_000)
  const admin = await api('sysadmin')
  await loginAs(page, 'auditor')
  const since = (await (await admin.get('/api/v1/audit?order=newest&limit=1')).json()).items[0].seq as number

  const requests: { method: string; path: string; page: string }[] = []
  let current = ''
  page.on('request', (r) => {
    const u = new URL(r.url())
    if (u.pathname.startsWith('/api/')) requests.push({ method: r.method(), path: u.pathname, page: current })
  })

  const nav = page.getByTestId('main-nav')
  const hrefs = await nav.getByRole('link').evaluateAll((links) => links.map((a) => new URL((a as HTMLAnchorElement).href).pathname))
  // The auditor's pages of this area at least; others' pages join the list as they are merged.
  expect(hrefs).toEqual(expect.arrayContaining(['/search', '/audit', '/trace']))
  for (const href of hrefs) {
    current = href
    await page.goto(href)
    await page.waitForLoadState('networkidle')
    await checkPage(page, 'auditor-' + href.replace(/\W+/g, '-').replace(/^-|-$/g, ''))
    await exercise(page, href)
  }
  // The header's own links stay reachable (nothing above logged us out).
  await expect(page.getByTestId('who-am-i')).toBeVisible()

  expect(requests.length).toBeGreaterThan(hrefs.length)
  const writes = requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'
    && !READS_BY_NATURE.some((x) => x.method === r.method && x.path.test(r.path)))
  expect(writes, 'requests other than reads, by page').toEqual([])
  // The trace upload was exercised (a read by nature, listed above).
  expect(requests.some((r) => r.method === 'POST' && r.path === '/api/v1/trace')).toBe(true)

  // What the server recorded for the auditor meanwhile: reads only.
  const events: { seq: number; action: string; outcome: string }[] = []
  let after = since
  for (;;) {
    const r = await (await admin.get(`/api/v1/audit?user=auditor&after=${after}&limit=1000`)).json()
    events.push(...r.items)
    if (r.next === null) break
    after = r.next
  }
  expect(events.length, appLocale).toBeGreaterThan(0)
  const changes = events.filter((e) => !READ_ACTION.test(e.action)).map((e) => `${e.seq} ${e.action} ${e.outcome}`)
  expect(changes, 'state-changing actions by the auditor').toEqual([])

})
