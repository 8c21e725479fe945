// Journey 30: the auditor's audit log. Filters (user, action, outcome,
// object), newest first with a cursor, each page's chain status and the
// checkpoint that covers it; "Verify now" on the server; a checkpoint and
// its public key downloaded and checked with the exact openssl commands the
// page shows; and a tampered log (in a throwaway vault of its own) shown as
// broken by the page and by "Verify now".
import { execFileSync, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Page } from '@playwright/test'
import { test, expect, fill } from '../support/fixtures'
import { BIN, ROOT } from '../support/env'

test.describe.configure({ mode: 'serial' })

// A message as a pattern: the placeholders given filled in, any other one
// matching any number.
function pattern(message: string, values: Record<string, string | number> = {}): RegExp {
  const escape = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const out = message.split(/(\{\w+\})/).map((part) => {
    const m = /^\{(\w+)\}$/.exec(part)
    if (!m) return escape(part)
    return m[1] in values ? escape(String(values[m[1]])) : '\\d+'
  })
  return new RegExp(out.join(''))
}

async function rowsObjects(page: Page): Promise<string[]> {
  return page.getByTestId('audit-table').locator('tbody tr td:nth-child(5)').allTextContents()
}

test('the auditor filters the audit log, pages newest first and sees each page\'s chain status', async ({ page, loginAs, checkPage, w, appLocale, api }) => {
  // Per-locale events: 23 refused trace look-ups by a staff member.
  const tag = `AUD-${appLocale === 'en' ? 'EN' : 'ZH'}-${Date.now().toString(36).toUpperCase()}`
  const staff = await api('staff_east')
  for (let i = 0; i < 23; i++) expect((await staff.get(`/api/v1/trace/${tag}-${i}`)).status()).toBe(403)

  await loginAs(page, 'auditor')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.audit }).click()
  await expect(page.getByRole('heading', { name: w.audit.heading, level: 1 })).toBeVisible()
  await expect(page.getByTestId('page-chain')).toContainText(w.audit.chain.ok.split('{walked}')[0].replace('{n}', '50'))
  await checkPage(page, 'audit-log')

  await page.getByLabel(w.audit.filters.user).fill('staff_east')
  await page.getByLabel(w.audit.filters.action, { exact: true }).fill('export.trace')
  await page.getByLabel(w.audit.filters.outcome).selectOption('denied')
  await page.getByLabel(w.audit.filters.size).selectOption('20')
  await page.getByRole('button', { name: w.audit.filters.submit }).click()
  const expected = Array.from({ length: 20 }, (_, k) => `${tag}-${22 - k}`)
  await expect.poll(() => rowsObjects(page)).toEqual(expected)
  await expect(page.getByTestId('audit-table')).toContainText(w.audit.outcome.denied)
  await expect(page.getByTestId('audit-page-info')).toHaveText(fill(w.audit.pageInfo, { page: 1, n: 20 }))
  const chain = page.getByTestId('page-chain')
  await expect(chain).toContainText(w.audit.chain.ok.split('{walked}')[0].replace('{n}', '20'))

  // What the server says about the same page.
  const admin = await api('sysadmin')
  const q = 'user=staff_east&action=export.trace&outcome=denied&order=newest&limit=20&chain=1'
  const first = await (await admin.get('/api/v1/audit?' + q)).json()
  expect(first.items.map((e: { object: string }) => e.object)).toEqual(expected)
  expect(first.chain.ok).toBe(true)

  // The checkpoints are written every 2 s: the page is soon covered by one.
  await expect(async () => {
    await page.getByRole('button', { name: w.audit.filters.submit }).click()
    await expect(page.getByTestId('page-checkpoint')).toBeVisible({ timeout: 1000 })
  }).toPass({ timeout: 15_000 })
  await expect(page.getByTestId('page-checkpoint')).toContainText(pattern(w.audit.chain.covered.split('{time}')[0]))
  await checkPage(page, 'audit-log-filtered')

  await page.getByRole('button', { name: w.audit.older }).click()
  await expect.poll(async () => (await rowsObjects(page)).slice(0, 3)).toEqual([`${tag}-2`, `${tag}-1`, `${tag}-0`])
  await expect(page.getByTestId('audit-page-info')).toHaveText(pattern(w.audit.pageInfo, { page: 2 }))
  const second = await (await admin.get(`/api/v1/audit?${q}&before=${first.next}`)).json()
  expect(await rowsObjects(page)).toEqual(second.items.map((e: { object: string }) => e.object))
  await page.getByRole('button', { name: w.audit.newer }).click()
  await expect.poll(() => rowsObjects(page)).toEqual(expected)

  await page.getByLabel(w.audit.filters.object).fill(`${tag}-7`)
  await page.getByRole('button', { name: w.audit.filters.submit }).click()
  await expect.poll(() => rowsObjects(page)).toEqual([`${tag}-7`])
  await expect(page).toHaveURL(new RegExp(`object=${tag}-7`))
})

test('verify now runs on the server, and a checkpoint downloaded from the page passes the openssl command it shows', async ({ page, loginAs, checkPage, w, api }) => {
  await loginAs(page, 'auditor')
  await page.goto('/audit')
  await page.getByRole('button', { name: w.audit.verify.button }).click()
  const result = page.getByTestId('verify-result')
  await expect(result).toContainText(pattern(w.audit.verify.ok))
  const admin = await api('sysadmin')
  const recorded = (await (await admin.get('/api/v1/audit?user=auditor&action=audit.verify&order=newest&limit=1')).json()).items[0]
  expect(recorded.outcome).toBe('ok')
  expect(recorded.detail).toBe('intact')
  const server = await (await admin.get('/api/v1/audit/verification')).json()
  expect(server.ok).toBe(true)

  const panel = page.getByTestId('checkpoint-panel')
  await expect(panel.getByTestId('checkpoint-summary')).toBeVisible()
  await checkPage(page, 'audit-verified')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'checkpoint-'))
  const save = async (name: RegExp) => {
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name }).click()])
    const file = path.join(dir, download.suggestedFilename())
    await download.saveAs(file)
    return file
  }
  const note = await save(new RegExp(w.audit.checkpoint.downloadNote.split('{file}')[0].replace(/[()（）]/g, '.')))
  const key = await save(new RegExp(w.audit.checkpoint.downloadKey.split('{file}')[0].replace(/[()（）]/g, '.')))
  expect(path.basename(key)).toBe('audit-signing.pem')
  const id = Number(/checkpoint-(\d+)\.note$/.exec(note)![1])
  const stored = (await (await admin.get('/api/v1/audit/checkpoints?id=' + id)).json()).items[0]
  expect(fs.readFileSync(note, 'utf8')).toBe(stored.note)

  // The exact commands shown on the page, run as shown.
  const command = (await page.getByTestId('openssl-command').textContent())!
  const out = execFileSync('bash', ['-e', '-c', command], { cwd: dir }).toString()
  expect(out).toContain('Signature Verified Successfully')
  // One flipped character of the signature: the same commands fail.
  const lines = fs.readFileSync(note, 'utf8').split('\n')
  const sigLine = lines.length - 2
  const sig = lines[sigLine]
  const at = sig.length - 10
  lines[sigLine] = sig.slice(0, at) + (sig[at] === 'A' ? 'B' : 'A') + sig.slice(at + 1)
  fs.writeFileSync(note, lines.join('\n'))
  expect(() => execFileSync('bash', ['-e', '-c', command], { cwd: dir, stdio: 'pipe' })).toThrow()
  fs.rmSync(dir, { recursive: true, force: true })
})

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

test('a tampered audit row shows as a broken chain on its page and in verify now (a throwaway vault)', async ({ page, checkPage, w, appLocale }) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tampered-vault-'))
  const env = { ...process.env, VAULT_DATA: path.join(base, 'data'), VAULT_KEY_FILE: path.join(base, 'keys', 'master.key') }
  const ctl = (args: string[], input?: string) =>
    execFileSync(path.join(BIN, 'vaultctl'), args, { env, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString()
  ctl(['init'])
  const password = 'pw-tamper-' + Math.random().toString(36).slice(2, 10)
  ctl(['user', 'add', 'auditor', '--role', 'auditor', '--department', '审计部', '--clearance', 'internal',
    '--display-name', '审计员', '--password-stdin'], password + '\n')
  const port = await freePort()
  const vaultd = spawn(path.join(BIN, 'vaultd'), ['--data', env.VAULT_DATA, '--key', env.VAULT_KEY_FILE,
    '--listen', `127.0.0.1:${port}`, '--policies', path.join(ROOT, 'policies'),
    '--web-root', path.join(ROOT, 'api', 'web', 'dist')], { env, stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}`
  try {
    await expect.poll(async () => (await fetch(url + '/healthz').catch(() => null))?.status ?? 0, { timeout: 20_000 }).toBe(200)
    for (let i = 0; i < 3; i++) {
      const r = await fetch(url + '/api/v1/sessions', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ username: 'auditor', password: 'wrong password' }) })
      expect(r.status).toBe(401)
    }
    ctl(['audit', 'checkpoint'])
    // An insider with SQL access rewrites who failed to log in at event 2.
    execFileSync('sqlite3', [path.join(env.VAULT_DATA, 'metadata.db'), "UPDATE audit_events SET actor = 'nobody' WHERE seq = 2"])

    await page.goto(url + '/login')
    await page.getByLabel(w.login.username).fill('auditor')
    await page.getByLabel(w.login.password, { exact: true }).fill(password)
    await page.getByRole('button', { name: w.login.submit }).click()
    await expect(page.getByTestId('who-am-i')).toBeVisible()
    await page.goto(url + '/audit')
    const chain = page.getByTestId('page-chain')
    await expect(chain).toContainText(fill(w.audit.chain.broken, { seq: 2 }))
    await expect(chain).toContainText('event 2 was modified (hash mismatch)')
    await page.getByRole('button', { name: w.audit.verify.button }).click()
    await expect(page.getByTestId('verify-result')).toContainText(pattern(w.audit.verify.bad, { seq: 2 }))
    await expect(page.getByTestId('verify-result')).toContainText('event 2 was modified (hash mismatch)')
    await checkPage(page, 'audit-tampered')
    // What that vault's own verification says.
    let code = 0
    try {
      ctl(['audit', 'verify'])
    } catch (e) {
      code = (e as { status: number }).status
    }
    expect(code, appLocale).toBe(3)
  } finally {
    vaultd.kill('SIGTERM')
    fs.rmSync(base, { recursive: true, force: true })
  }
})
