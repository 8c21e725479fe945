import { test, expect, fill } from '../support/fixtures'

test('staff opens a record and sees its metadata, versions, loan state and what they may do', async ({ page, loginAs, checkPage, w, state, api }) => {
  await loginAs(page, 'staff_south')
  await page.getByLabel(w.search.box).fill('框架')
  await page.getByRole('button', { name: w.search.submit, exact: true }).click()
  await page.getByRole('link', { name: '2026 年度框架合同' }).click()
  await expect(page.getByRole('heading', { name: '2026 年度框架合同' })).toBeVisible()
  await expect(page.getByText('深圳市示例科技有限公司')).toBeVisible()
  await expect(page.getByText('0755-86013388')).toBeVisible()
  // The type and the free fields by their names in the page's language, not their keys.
  const meta = page.locator('dl.meta')
  await expect(meta.getByText(w.ingest.docType.contract, { exact: true })).toBeVisible()
  await expect(meta.getByText(w.ingest.fieldLabel.contact_phone, { exact: true })).toBeVisible()
  await expect(meta.getByText('contact_phone', { exact: true })).toHaveCount(0)
  await expect(page.getByText('重点客户')).toBeVisible()
  await expect(page.getByText(w.record.notOnLoan)).toBeVisible()

  // Versions with size and SHA-256, as the server has them.
  const versions = await (await api('staff_south')).get(`/api/v1/documents/${state.docs.contract}/versions`)
  const v1 = (await versions.json()).items[0]
  const row = page.getByRole('row').filter({ hasText: v1.sha256 })
  await expect(row).toContainText(v1.reason || w.record.firstVersion)
  await expect(row.getByRole('button', { name: fill(w.record.copySha, { v: 1 }) })).toBeVisible()

  await expect(page.getByRole('button', { name: w.record.view })).toBeEnabled()
  await expect(page.getByRole('button', { name: w.record.download })).toBeEnabled()
  await expect(page.getByRole('button', { name: w.record.requestLoan })).toBeEnabled()
  await checkPage(page, 'record')

  // The server recorded the read.
  const audit = await (await api('auditor')).get('/api/v1/audit', { params: { user: 'staff_south', action: 'document.metadata', limit: '200' } })
  expect((await audit.json()).items.length).toBeGreaterThan(0)
})

test('an auditor sees why they may not view, download or borrow', async ({ page, loginAs, checkPage, w, state }) => {
  await loginAs(page, 'auditor')
  await page.goto('/records/' + state.docs.contract)
  await expect(page.getByRole('heading', { name: '2026 年度框架合同' })).toBeVisible()
  await expect(page.getByRole('button', { name: w.record.view })).toBeDisabled()
  await expect(page.getByRole('button', { name: w.record.download })).toBeDisabled()
  await expect(page.getByRole('button', { name: w.record.requestLoan })).toBeDisabled()
  await expect(page.getByText(w.errors.access_denied).first()).toBeVisible()
  await checkPage(page, 'record-not-allowed')
})

test('a record staff may not see does not exist for them', async ({ page, loginAs, w, state }) => {
  await loginAs(page, 'staff_south')
  await page.goto('/records/' + state.docs.secret)
  await expect(page.getByRole('alert')).toContainText(w.errors.document_not_found)
})
