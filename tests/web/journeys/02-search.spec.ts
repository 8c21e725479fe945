import { test, expect, fill } from '../support/fixtures'

test('staff finds records by title words and filters, pages through them and sorts by date', async ({ page, loginAs, checkPage, w, api }) => {
  await loginAs(page, 'staff_south')
  await expect(page.getByRole('heading', { name: w.search.heading })).toBeVisible()
  const table = page.getByRole('table')
  // staff_south sees the 华南 internal records of C0001: 26 of them, not the
  // confidential one, not 华东's order.
  await expect(page.getByRole('status').filter({ hasText: fill(w.search.total, { n: 26 }) })).toBeVisible()
  await expect(table.getByRole('row')).toHaveCount(21)  // header + 20
  await checkPage(page, 'search')
  await expect(table).not.toContainText('保密补充协议')
  await expect(table).not.toContainText('Order 2026-0042')

  // Paging by the server's cursor: next, then back.
  await page.getByRole('button', { name: w.search.nextPage }).click()
  await expect(table.getByRole('row')).toHaveCount(7)  // header + 6
  await expect(page.getByTestId('search-page')).toHaveText(fill(w.search.pageN, { n: 2 }))
  await expect(page.getByRole('button', { name: w.search.nextPage })).toBeDisabled()
  await page.getByRole('button', { name: w.search.previousPage }).click()
  await expect(table.getByRole('row')).toHaveCount(21)
  await page.getByRole('button', { name: w.search.nextPage }).click()
  await expect(table.getByRole('row')).toHaveCount(7)

  // One and two Chinese characters.
  const box = page.getByLabel(w.search.box)
  await box.fill('合同')
  await page.getByRole('button', { name: w.search.submit, exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: fill(w.search.total, { n: 2 }) })).toBeVisible()
  await expect(table).toContainText('2026 年度框架合同')
  await expect(table).toContainText('借阅测试合同')
  await box.fill('报')
  await page.getByRole('button', { name: w.search.submit, exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: fill(w.search.total, { n: 1 }) })).toBeVisible()
  await expect(table).toContainText('工业传感器报价')

  // Filters: customer, type, classification, tag, dates.
  await box.fill('')
  await page.getByLabel(w.search.tag, { exact: true }).fill('重点客户')
  await page.getByRole('button', { name: w.search.submit, exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: fill(w.search.total, { n: 1 }) })).toBeVisible()
  await expect(table).toContainText('2026 年度框架合同')
  await page.getByLabel(w.search.tag, { exact: true }).fill('')
  await page.getByLabel(w.search.classification, { exact: true }).selectOption('confidential')
  await page.getByRole('button', { name: w.search.submit, exact: true }).click()
  // The confidential record exists but is not for staff: the empty state says why.
  await expect(page.getByText(w.search.empty)).toBeVisible()
  await checkPage(page, 'search-empty')
  await page.getByLabel(w.search.classification, { exact: true }).selectOption('')
  await page.getByLabel(w.search.customer, { exact: true }).fill('C0002')
  await page.getByRole('button', { name: w.search.submit, exact: true }).click()
  await expect(page.getByText(w.search.empty)).toBeVisible()
  await page.getByLabel(w.search.customer, { exact: true }).fill('C0001')
  await page.getByLabel(w.search.type, { exact: true }).fill('order')
  await page.getByRole('button', { name: w.search.submit, exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: fill(w.search.total, { n: 1 }) })).toBeVisible()
  await expect(table).toContainText('订单扫描件')
  await page.getByLabel(w.search.type, { exact: true }).fill('')
  const today = new Date().toISOString().slice(0, 10)
  await page.getByLabel(w.search.to, { exact: true }).fill('2000-01-01')
  await page.getByRole('button', { name: w.search.submit, exact: true }).click()
  await expect(page.getByText(w.search.empty)).toBeVisible()
  await page.getByLabel(w.search.to, { exact: true }).fill(today)
  await page.getByLabel(w.search.from, { exact: true }).fill(today)
  await page.getByRole('button', { name: w.search.submit, exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: fill(w.search.total, { n: 26 }) })).toBeVisible()

  // Sorting by date flips the order across all pages (the server sorts):
  // the oldest record the user may see comes first.
  await page.getByRole('button', { name: w.search.reset }).click()
  const all = await (await api('staff_south')).get('/api/v1/documents', { params: { limit: '200' } })
  const items = (await all.json()).items as { title: string; archive_number: string }[]
  await expect(table.getByRole('row').nth(1)).toContainText(items[0].archive_number)
  await page.getByRole('columnheader', { name: w.search.col.date }).getByRole('button').click()
  await expect(page.getByRole('columnheader', { name: w.search.col.date })).toHaveAttribute('aria-sort', 'ascending')
  await expect(table.getByRole('row').nth(1)).toContainText(items[items.length - 1].archive_number)
  await page.getByRole('button', { name: w.search.nextPage }).click()
  await expect(table.getByRole('row').last()).toContainText(items[0].archive_number)

  // The server recorded the searches (document.list is audited).
  const audit = await (await api('auditor')).get('/api/v1/audit', { params: { user: 'staff_south', action: 'document.list', limit: '200' } })
  expect((await audit.json()).items.length).toBeGreaterThan(5)
})

test('search works with the keyboard alone', async ({ page, loginAs, w }) => {
  await loginAs(page, 'staff_south')
  await page.getByLabel(w.search.box).focus()
  await page.keyboard.type('框架')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('status').filter({ hasText: fill(w.search.total, { n: 1 }) })).toBeVisible()
  // Tab to the result and open it.
  const link = page.getByRole('link', { name: '2026 年度框架合同' })
  for (let i = 0; i < 40; i++) {
    if (await link.evaluate((el) => el === document.activeElement)) break
    await page.keyboard.press('Tab')
  }
  await expect(link).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: '2026 年度框架合同' })).toBeVisible()
})

test('a title with markup shows as text and runs nothing', async ({ page, loginAs, state, problems }) => {
  await loginAs(page, 'staff_south')
  await page.goto('/records/' + state.docs.xss)
  await expect(page.getByRole('heading', { name: '<img src=x onerror=alert(1)>' })).toBeVisible()
  await page.goto('/search?title=onerror')
  await expect(page.getByRole('link', { name: '<img src=x onerror=alert(1)>' })).toBeVisible()
  expect(await page.locator('img[src="x"]').count()).toBe(0)
  expect(problems).toEqual([])  // no alert dialog, no error
})
