// Journey (records 3): a data subject's requests for one customer: the
// access export (a ZIP downloaded from the page), the erasure preview (what
// is protected and why) and the erasure request, which legal approves.
import { execFileSync } from 'node:child_process'
import { test, expect, fill } from '../support/fixtures'

test('data subject: access export, erasure preview with what protects, request approved by legal', async ({ page, loginAs, checkPage, w, state, appLocale, api }) => {
  const customer = appLocale === 'en' ? 'C0202' : 'C0201'
  const archivist = await api('archivist')
  const numberOf = async (id: string) => (await (await archivist.get('/api/v1/documents/' + id)).json()).archive_number as string
  const quote = state.docs['ds_quote_' + appLocale], held = state.docs['ds_held_' + appLocale]
  const [quoteNo, heldNo] = [await numberOf(quote), await numberOf(held)]
  const legal = await api('legal')
  const hold = await legal.post('/api/v1/holds', { data: { scope: 'document', target: held, reason: `仲裁证据 ${appLocale}` } })
  expect(hold.status(), await hold.text()).toBe(201)

  await loginAs(page, 'archivist')
  await page.getByRole('link', { name: w.nav.dataSubjects, exact: true }).click()
  await page.getByRole('button', { name: w.rec.dataSubject.show }).click()
  await expect(page.getByRole('alert')).toContainText(w.rec.dataSubject.customerRequired)
  await page.getByLabel(w.rec.dataSubject.customer).fill(customer)
  await page.getByRole('button', { name: w.rec.dataSubject.show }).click()

  // Access: the ZIP holds the metadata and a stamped copy of the PDF.
  const [zip] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: fill(w.rec.dataSubject.download, { c: customer }) }).click(),
  ])
  expect(zip.suggestedFilename()).toBe(`customer-${customer}.zip`)
  const listing = execFileSync('unzip', ['-l', await zip.path()]).toString()
  expect(listing).toContain('metadata.json')
  expect(listing).toMatch(/copies\//)
  const meta = JSON.parse(execFileSync('unzip', ['-p', await zip.path(), 'metadata.json']).toString())
  expect(JSON.stringify(meta)).toContain(quoteNo)

  // Erasure preview: the held record is protected, and why.
  await expect(page.getByTestId('erase-' + heldNo)).toContainText(w.rec.dataSubject.protected)
  await expect(page.getByTestId('erase-' + heldNo)).toContainText(`仲裁证据 ${appLocale}`)
  await expect(page.getByTestId('erase-' + quoteNo)).toContainText(w.rec.dataSubject.erasable)
  await expect(page.getByText(fill(w.rec.dataSubject.summary, { n: 2, erasable: 1, held: 1 }))).toBeVisible()
  await checkPage(page, 'data-subject')
  await page.getByLabel(w.rec.destructionNew.reference).fill(`客户删除申请函 ${appLocale}`)
  await page.getByRole('button', { name: fill(w.rec.dataSubject.request, { n: 1 }) }).click()
  const created = page.getByTestId('erasure-created')
  await expect(created).toContainText(fill(w.rec.dataSubject.created, { n: 1 }))
  const id = (await created.getByRole('link').textContent())!.trim()
  let d = await (await archivist.get('/api/v1/destructions/' + id)).json()
  expect(d.reason).toBe('customer_request')
  expect(d.items.map((i: { document: string }) => i.document)).toEqual([quote])
  await checkPage(page, 'data-subject-requested')

  // Another archive admin may not approve a customer's request: legal does.
  await page.context().clearCookies()
  await loginAs(page, 'archivist2')
  await page.goto('/destructions/' + id)
  await expect(page.getByTestId('approve-block')).toHaveText(w.rec.destruction.legalApproves)
  await page.context().clearCookies()
  await loginAs(page, 'legal')
  await page.getByRole('link', { name: w.nav.destructions, exact: true }).click()
  await page.getByRole('link', { name: id }).click()
  await page.getByLabel(w.rec.destruction.witness).fill('赵监销')
  await page.getByRole('button', { name: w.rec.destruction.approve }).click()
  await expect(page.getByTestId('destruction-state')).toHaveText(w.rec.destructionState.approved)
  // Legal may not execute: no such button.
  await expect(page.getByRole('button', { name: w.rec.destruction.execute })).toHaveCount(0)
  d = await (await archivist.get('/api/v1/destructions/' + id)).json()
  expect(d.state).toBe('approved')
  expect(d.approved_by).toBe('legal')
  expect(d.witness).toBe('赵监销')
})
