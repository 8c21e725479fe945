// Journeys of the system admin's departments, keys and health pages.
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import { test, expect, fill } from '../support/fixtures'

test('an admin registers a department ahead of its first user', async ({ page, loginAs, checkPage, w, appLocale, api }) => {
  const name = '华北销售部-' + appLocale
  await loginAs(page, 'sysadmin')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.departments }).click()
  await expect(page.getByRole('heading', { name: w.nav.departments, level: 1 })).toBeVisible()
  const list = page.getByRole('region', { name: w.departments.list })
  await expect(list.getByRole('row').filter({ hasText: '华南销售部' })).toBeVisible()
  await checkPage(page, 'admin-departments')

  const form = page.getByRole('form', { name: w.departments.create })
  await form.getByRole('button', { name: w.departments.submit }).click()
  await expect(page.getByRole('alert')).toContainText(w.departments.required)
  await form.getByLabel(w.departments.name).fill(name)
  await form.getByLabel(w.departments.displayName).fill('华北销售部（北京）')
  await form.getByRole('button', { name: w.departments.submit }).click()
  await expect(page.getByRole('status')).toContainText(fill(w.departments.created, { name }))
  const row = list.getByRole('row').filter({ hasText: name })
  await expect(row).toContainText('华北销售部（北京）')
  await expect(row.getByRole('cell').nth(2)).toHaveText('0')
  const server = (await (await (await api('sysadmin')).get('/api/v1/departments')).json()).items as { name: string; display_name: string; users: number }[]
  expect(server.find((d) => d.name === name)).toMatchObject({ display_name: '华北销售部（北京）', users: 0 })

  // The same name again: the API's reason, translated; nothing added.
  await form.getByLabel(w.departments.name).fill(name)
  await form.getByRole('button', { name: w.departments.submit }).click()
  await expect(page.getByRole('alert')).toContainText(w.errors.department_exists)
  await expect(list.getByRole('row').filter({ hasText: name })).toHaveCount(1)

  // The new department is offered when creating a user.
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.users }).click()
  await expect(page.getByRole('form', { name: w.users.create }).getByLabel(w.users.department).locator(`option[value="${name}"]`)).toHaveCount(1)
})

test('an admin reads the public signing key with fingerprints that match what the API serves', async ({ page, loginAs, checkPage, w, request }) => {
  await loginAs(page, 'sysadmin')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.keys }).click()
  await expect(page.getByRole('heading', { name: w.nav.keys, level: 1 })).toBeVisible()
  const pemResp = await request.get('/api/v1/keys/signing.pem')
  const pem = await pemResp.text()
  const der = crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' })
  const sha = crypto.createHash('sha256').update(der).digest('hex').match(/.{4}/g)!.join(' ')
  await expect(page.getByTestId('fingerprint-pem')).toHaveText(sha)
  const pub = await (await request.get('/api/v1/keys/signing.pub')).text()
  const keyId = pub.match(/minisign public key ([0-9A-F]+)/)![1]
  await expect(page.getByTestId('fingerprint-minisign')).toHaveText(keyId)
  // The minisign key and the PEM are the same Ed25519 key.
  expect(Buffer.from(pub.split('\n')[1], 'base64').subarray(10).equals(Buffer.from(der.subarray(der.length - 32)))).toBe(true)
  await expect(page.getByTestId('key-name').first()).toHaveText(pemResp.headers()['x-key-name'])
  await checkPage(page, 'admin-keys')

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: fill(w.keys.download, { file: 'vault-signing.pem' }) }).click(),
  ])
  expect(download.suggestedFilename()).toBe('vault-signing.pem')
  expect(fs.readFileSync((await download.path())!, 'utf8')).toBe(pem)
})

test('an admin sees the health the server measures, and it follows the server', async ({ page, loginAs, checkPage, w, api, appLocale }) => {
  const admin = await api('sysadmin')
  // Checkpoints are written every few seconds in these journeys (global-setup).
  await expect.poll(async () => (await (await admin.get('/api/v1/system/health')).json()).audit.last_checkpoint, { timeout: 20_000 }).not.toBeNull()
  const before = await (await admin.get('/api/v1/system/health')).json()

  await loginAs(page, 'sysadmin')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.health }).click()
  await expect(page.getByRole('heading', { name: w.nav.health, level: 1 })).toBeVisible()
  await expect(page.getByTestId('health-status')).toHaveText(w.health.state.ok)
  await expect(page.getByTestId('health-version')).toHaveText(before.version)
  expect(before.version).toMatch(/^\d+\.\d+\.\d+$/)
  await expect(page.getByTestId('health-database')).toContainText(w.health.part.ok)
  await expect(page.getByTestId('health-blobs')).toContainText(w.health.part.ok)
  await expect(page.getByTestId('checkpoint-none')).toHaveCount(0)
  expect(Number(await page.getByTestId('checkpoint-events').textContent())).toBeGreaterThanOrEqual(before.audit.last_checkpoint.events)
  await expect(page.getByTestId('scheduler-last-run')).not.toHaveText(w.health.none)
  expect(before.scheduler.last_run_ok).toBe(true)
  await expect(page.getByTestId('health-uptime')).not.toBeEmpty()
  await checkPage(page, 'admin-health')

  // A new account: the next check reads the database again and counts it.
  const shown = Number(await page.getByTestId('health-accounts').textContent())
  const made = await admin.post('/api/v1/users', {
    data: { username: 'u_health_' + (appLocale === 'en' ? 'en' : 'zh'), role: 'staff', department: '华南销售部', password: 'health check password' },
  })
  expect(made.status(), await made.text()).toBe(201)
  await page.getByRole('button', { name: w.health.refresh }).click()
  await expect(page.getByTestId('health-accounts')).toHaveText(String(shown + 1))
  const users = (await (await admin.get('/api/v1/users')).json()).items.length
  await expect(page.getByTestId('health-accounts')).toHaveText(String(users))

  // Anonymous monitoring still gets only the short answer.
  const healthz = await (await page.request.get('/healthz')).json()
  expect(healthz.status).toBe('ok')
  expect(JSON.stringify(healthz)).not.toContain('checkpoint')
})
