// Journey (records 1): the archive admin's retention page lists the records
// whose retention expired, with the rule that applies and the legal holds
// on each; the record page shows the holds to those who may see them.
import { test, expect, fill } from '../support/fixtures'

test('retention: expired records with their rule and legal holds, holds on the record page', async ({ page, loginAs, checkPage, w, state, appLocale, api }) => {
  const archivist = await api('archivist')
  const numberOf = async (id: string) => (await (await archivist.get('/api/v1/documents/' + id)).json()).archive_number as string
  const due = state.docs['due2_' + appLocale], held = state.docs['held_' + appLocale]
  const [dueNo, heldNo] = [await numberOf(due), await numberOf(held)]
  const reason = `保全：退货纠纷 ${appLocale}`
  const legal = await api('legal')
  const r = await legal.post('/api/v1/holds', { data: { scope: 'document', target: held, reason } })
  expect(r.status(), await r.text()).toBe(201)

  await loginAs(page, 'archivist')
  await page.getByRole('link', { name: w.nav.retention, exact: true }).click()
  await expect(page.getByRole('heading', { name: w.nav.retention })).toBeVisible()
  const dueRow = page.getByTestId('due-' + dueNo)
  await expect(dueRow).toContainText(fill(w.rec.retention.ruleText, { rule: '合同', period: 'P10Y' }))
  await expect(dueRow).toContainText('contract_end_date')
  await expect(dueRow).toContainText(w.rec.protection.none)
  await expect(dueRow).toContainText(w.rec.retention.noHolds)
  await expect(dueRow.getByRole('checkbox')).toBeEnabled()
  const heldRow = page.getByTestId('due-' + heldNo)
  await expect(heldRow).toContainText(reason)
  await expect(heldRow).toContainText(w.rec.protection.hold)
  await expect(heldRow.getByRole('checkbox')).toBeDisabled()
  await checkPage(page, 'retention')

  // What the server says: the held record is expired but not due.
  const dueIds = (await (await archivist.get('/api/v1/retention/due')).json()).items.map((i: { document: string }) => i.document)
  expect(dueIds).toContain(due)
  expect(dueIds).not.toContain(held)
  const all = (await (await archivist.get('/api/v1/retention/due?protected=include')).json()).items
  expect(all.find((i: { document: string }) => i.document === held).kinds).toContain('hold')

  // The record page shows the hold to an archive admin...
  await heldRow.getByRole('link', { name: heldNo }).click()
  await expect(page.getByTestId('record-holds')).toContainText(reason)
  await checkPage(page, 'record-holds')
  // ...and to legal, but not to an auditor (who may not read holds).
  await page.context().clearCookies()
  await loginAs(page, 'legal')
  await page.goto('/records/' + held)
  await expect(page.getByTestId('record-holds')).toContainText(reason)
  await page.context().clearCookies()
  await loginAs(page, 'auditor')
  await page.goto('/records/' + held)
  await expect(page.getByRole('heading', { name: w.record.versionsHeading })).toBeVisible()
  await expect(page.getByTestId('record-holds')).toHaveCount(0)
  // The retention page is the archive admins' only.
  await expect(page.getByRole('link', { name: w.nav.retention, exact: true })).toHaveCount(0)
})
