// Archive journey 3: the borrow register (借阅登记) on screen with its 12
// columns, filters and the CSV and PDF downloads; the auditor reads the
// same page and finds nothing on it that changes anything.
import * as fs from 'node:fs'
import { test, expect, fill } from '../support/fixtures'
import { approvedLoan, invoice } from '../support/archive'

test.describe.configure({ mode: 'serial' })

const COLUMNS = ['borrower', 'department', 'title', 'archive_number', 'classification', 'purpose', 'approvers',
  'borrowed_at', 'due_at', 'returned_at', 'state', 'note'] as const

test('the archive admin reads, filters and downloads the borrow register', async ({ page, loginAs, checkPage, w, appLocale, api }) => {
  const borrower = appLocale === 'en' ? 'staff_board_en' : 'staff_board_zh'
  const staff = await api(borrower)
  const archivist = await api('archivist')
  const title = `${appLocale} 登记簿发票`
  const purpose = `${appLocale} 年度审计抽查`
  const doc = await invoice(archivist, title)
  const id = await approvedLoan(staff, archivist, doc, purpose)
  expect((await archivist.post(`/api/v1/borrows/${id}/issue`, { data: {} })).status()).toBe(200)

  await loginAs(page, 'archivist')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.register }).click()
  await expect(page.getByRole('heading', { name: w.register.title })).toBeVisible()
  const table = page.getByRole('table', { name: w.register.title })
  for (const c of COLUMNS) await expect(table.getByRole('columnheader', { name: w.register.col[c], exact: true })).toBeVisible()
  const row = table.getByTestId('row-' + id)
  await expect(row).toContainText(title)
  await expect(row).toContainText(purpose)
  await expect(row).toContainText(borrower)
  await expect(row).toContainText('archivist')  // the approver
  await expect(row).toContainText(w.loanState.issued)
  await expect(row).toContainText(w.classification.internal)
  await checkPage(page, 'register')

  // Filters: by text, then by state; the count says how many are shown.
  const total = (await (await archivist.get('/api/v1/borrows/register', { params: { format: 'json' } })).json()).items.length
  await page.getByLabel(w.register.text).fill(purpose)
  await expect(page.getByTestId('register-count')).toHaveText(fill(w.register.count, { n: 1, total }))
  await page.getByLabel(w.register.col.state).selectOption('returned_verified')
  await expect(page.getByTestId('register-count')).toHaveText(fill(w.register.count, { n: 0, total }))
  await expect(page.getByText(w.register.empty)).toBeVisible()
  await page.getByRole('button', { name: w.search.reset }).click()
  await expect(page.getByTestId('register-count')).toHaveText(fill(w.register.count, { n: total, total }))

  // The files: the CSV has the Chinese column names and the loan; the PDF is a PDF.
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('register-csv').click()])
  const text = fs.readFileSync(await csv.path(), 'utf8')
  expect(text.charCodeAt(0)).toBe(0xfeff)
  expect(text).toContain('借阅人,部门,档案名称,档案编号,密级,借阅目的,审批人,借阅日期,应还日期,实际归还日期,状态,备注')
  expect(text).toContain(purpose)
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('register-pdf').click()])
  expect(fs.readFileSync(await pdf.path()).subarray(0, 5).toString()).toBe('%PDF-')
  // Each read is in the audit log.
  const audit = await (await api('auditor')).get('/api/v1/audit', { params: { user: 'archivist', action: 'borrow.register' } })
  const details = ((await audit.json()).items as { detail: string }[]).map((e) => e.detail.split(',')[0])
  expect(details).toEqual(expect.arrayContaining(['json', 'csv', 'pdf']))
})

test('the auditor reads the same register and may change nothing', async ({ page, loginAs, checkPage, w, appLocale }) => {
  const purpose = `${appLocale} 年度审计抽查`
  await loginAs(page, 'auditor')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.register }).click()
  await expect(page.getByRole('table', { name: w.register.title })).toContainText(purpose)
  // The only buttons: clearing the filters (and paging, when there are many rows).
  const buttons = await page.locator('main button').allInnerTexts()
  for (const b of buttons.map((s) => s.trim()).filter(Boolean)) {
    expect([w.search.reset], `a button on the auditor's register page: ${b}`).toContain(b)
  }
  await expect(page.getByTestId('register-csv')).toBeVisible()
  await checkPage(page, 'register-auditor')
  // The loans board is not theirs.
  await expect(page.getByTestId('main-nav').getByRole('link', { name: w.nav.loansBoard })).toHaveCount(0)
  await page.goto('/loans-board')
  await expect(page.getByRole('heading', { name: w.forbidden.title })).toBeVisible()
})
