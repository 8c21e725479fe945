// Journey 31: leak trace. A stamped copy taken by the archive is "found
// outside": the auditor uploads it (or an altered version of it), or types
// the export code printed on it, and sees the export record: who, when,
// what, whether the token's signature verifies and whether it is the exact
// copy. The server records each look-up as export.trace.
import { test, expect } from '../support/fixtures'

test.describe.configure({ mode: 'serial' })

test('the auditor traces a leaked PDF and a code read off paper to the export record', async ({ page, loginAs, checkPage, w, state, api }) => {
  const archivist = await api('archivist')
  const r = await archivist.post(`/api/v1/documents/${state.docs.order}/exports`, { data: {} })
  expect(r.status(), await r.text()).toBe(200)
  const pdf = await r.body()
  const code = r.headers()['x-export-code']
  expect(code).toBeTruthy()

  await loginAs(page, 'auditor')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.trace }).click()
  await expect(page.getByRole('heading', { name: w.trace.heading, level: 1 })).toBeVisible()
  await checkPage(page, 'trace')

  // The file as it was handed out.
  await page.getByLabel(w.trace.upload.label).setInputFiles({ name: 'found.pdf', mimeType: 'application/pdf', buffer: pdf })
  await page.getByRole('button', { name: w.trace.upload.submit }).click()
  const result = page.getByTestId('trace-result')
  await expect(result.getByTestId('trace-user')).toHaveText('archivist')
  await expect(result).toContainText(code)
  const doc = await (await archivist.get(`/api/v1/documents/${state.docs.order}`)).json()
  await expect(result.getByRole('link', { name: doc.archive_number })).toBeVisible()
  await expect(result).toContainText(w.trace.result.noBorrow)
  await expect(result.getByTestId('trace-signature')).toHaveText(w.trace.result.valid)
  await expect(result.getByTestId('trace-exact')).toHaveText(w.trace.result.exactYes)
  await expect(result.getByTestId('trace-found-by')).toHaveText(w.trace.result.byMetadata)
  await checkPage(page, 'trace-result')

  // The same file with bytes added after it was handed out.
  const altered = Buffer.concat([pdf, Buffer.from('\n% annotated by someone\n')])
  await page.getByLabel(w.trace.upload.label).setInputFiles({ name: 'found2.pdf', mimeType: 'application/pdf', buffer: altered })
  await page.getByRole('button', { name: w.trace.upload.submit }).click()
  await expect(result.getByTestId('trace-exact')).toHaveText(w.trace.result.exactNo)
  await expect(result.getByTestId('trace-user')).toHaveText('archivist')

  // The code read off a paper copy, typed in lower case.
  await page.getByRole('textbox', { name: w.trace.code.label }).fill(code.toLowerCase())
  await page.getByRole('button', { name: w.trace.code.submit }).click()
  await expect(result.getByTestId('trace-found-by')).toHaveText(w.trace.result.byCode)
  await expect(result.getByTestId('trace-signature')).toHaveText(w.trace.result.notApplicable)
  await expect(result.getByTestId('trace-user')).toHaveText('archivist')

  // A code nobody was given.
  await page.getByRole('textbox', { name: w.trace.code.label }).fill('ZZZZ-9999')
  await page.getByRole('button', { name: w.trace.code.submit }).click()
  await expect(page.getByRole('alert')).toContainText(w.errors.export_not_found)
  await expect(result).toHaveCount(0)

  // What the server recorded.
  const admin = await api('sysadmin')
  const events = (await (await admin.get('/api/v1/audit?user=auditor&action=export.trace&order=newest&limit=4')).json()).items
  expect(events.map((e: { object: string }) => e.object)).toEqual(['ZZZZ-9999', code, code, code])
  expect(events[0].outcome).not.toBe('ok')
  expect(events[1].detail).toBe('by code')
  expect(events[2].detail).toBe('by metadata, signature valid')
  expect(events[3].detail).toBe('by metadata, signature valid, exact copy')
})
