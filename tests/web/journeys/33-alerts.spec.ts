// Journey 33: unusual-access alerts. Everything the journeys before this
// one did (logins, searches, stamped copies, refused look-ups) raised no
// alert under the shipped rules; then a staff member logs in from a new
// address (another loopback address), the leader's alert pass (every
// second here) raises new_client_address; the auditor finds it with its
// evidence (and no way to change it), the archive admin acknowledges it.
// The server records the acknowledgement.
import * as http from 'node:http'
import { test, expect, fill } from '../support/fixtures'

test.describe.configure({ mode: 'serial' })

// POST /api/v1/sessions sent from `source` (a local address).
function loginFrom(baseURL: string, source: string, username: string, password: string): Promise<number> {
  const url = new URL(baseURL)
  const body = JSON.stringify({ username, password })
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: Number(url.port), path: '/api/v1/sessions', method: 'POST', localAddress: source,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(body)
  })
}

interface AlertRow { id: number; rule: string; subject: string; summary: string; state: string; evidence: number[] }

test('the auditor sees the alert of a login from a new address with its evidence, the archive admin acknowledges it', async ({ page, loginAs, checkPage, w, state, appLocale, api }) => {
  const auditor = await api('auditor')
  const source = appLocale === 'en' ? '127.0.0.3' : '127.0.0.2'
  const ours = (a: AlertRow) => a.rule === 'new_client_address' && a.subject === 'staff_east'
  // The pass runs every second: after a few, everything so far was judged.
  await page.waitForTimeout(3000)
  const before = (await (await auditor.get('/api/v1/alerts?limit=200')).json()).items as AlertRow[]
  expect(before.filter((a) => !ours(a)), 'the shipped rules raised alerts on the journeys').toEqual([])

  expect(await loginFrom(state.baseURL, '127.0.0.1', 'staff_east', state.passwords.staff_east)).toBe(201)
  expect(await loginFrom(state.baseURL, source, 'staff_east', state.passwords.staff_east)).toBe(201)
  let alert: AlertRow | undefined
  await expect.poll(async () => {
    const items = (await (await auditor.get('/api/v1/alerts?state=open&rule=new_client_address')).json()).items as AlertRow[]
    alert = items.find((a) => ours(a) && a.summary.includes(source))
    return alert !== undefined
  }, { timeout: 15_000 }).toBe(true)

  await loginAs(page, 'auditor')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.alerts }).click()
  await expect(page.getByRole('heading', { name: w.alerts.heading, level: 1 })).toBeVisible()
  const card = page.getByRole('article', { name: fill(w.alerts.item, { id: alert!.id }) })
  await expect(card).toContainText(w.alerts.rule.new_client_address)
  await expect(card).toContainText('staff_east')
  await expect(card.getByTestId('alert-evidence')).toHaveText(alert!.evidence.join(', '))
  await checkPage(page, 'alerts')
  await expect(card.getByRole('button', { name: w.alerts.acknowledge })).toHaveCount(0)  // auditors read only

  await page.getByRole('button', { name: w.header.logout }).click()
  await loginAs(page, 'archivist')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.alerts }).click()
  const note = appLocale + ' 已核实：员工在家办公'
  await card.getByLabel(w.alerts.note).fill(note)
  await card.getByRole('button', { name: w.alerts.acknowledge }).click()
  await expect(page.getByRole('status')).toContainText(fill(w.alerts.acknowledged, { id: alert!.id }))
  await expect(page.getByRole('article', { name: fill(w.alerts.item, { id: alert!.id }) })).toHaveCount(0)

  // The server's record: acknowledged by the archive admin with the note, audited.
  const after = await (await auditor.get(`/api/v1/alerts/${alert!.id}`)).json()
  expect(after.state).toBe('acknowledged')
  expect(after.acknowledged_by).toBe('archivist')
  expect(after.note).toBe(note)
  expect(after.evidence_events[0].client).toBe(source)
  const audited = (await (await auditor.get('/api/v1/audit?action=alert.acknowledge&user=archivist&order=newest&limit=1')).json()).items
  expect(audited[0].object).toBe(`alert ${alert!.id}`)
  expect(audited[0].detail).toBe(note)
})
