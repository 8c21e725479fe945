import * as fs from 'node:fs'
import { test, expect, fill } from '../support/fixtures'

test('staff views a stamped copy in the page and downloads one, both traceable to them', async ({ page, loginAs, checkPage, w, state, api }) => {
  const exportsSeen: { cache: string | null }[] = []
  page.on('response', (r) => {
    if (r.url().includes('/exports')) exportsSeen.push({ cache: r.headers()['cache-control'] ?? null })
  })
  await loginAs(page, 'staff_south')
  await page.goto('/records/' + state.docs.contract)
  await page.getByRole('button', { name: w.record.view }).click()

  // The export code is shown, and the copy in the viewer carries the
  // viewer's name and that code in its text (pdf.js text layer).
  const banner = page.getByTestId('export-code')
  await expect(banner).toContainText(w.viewer.traceable)
  const code = ((await banner.textContent()) ?? '').match(/[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0] ?? ''
  expect(code).not.toBe('')
  const text = page.getByTestId('text-layer')
  await expect(text).toContainText('张三')
  await expect(text).toContainText(code)
  await expect(text).toContainText('框架合同')
  await expect(page.getByTestId('page-status')).toHaveText(fill(w.viewer.page, { n: 1, total: 3 }))
  await checkPage(page, 'viewer')

  // Page through and zoom.
  await page.getByRole('button', { name: w.viewer.next }).click()
  await expect(page.getByTestId('page-status')).toHaveText(fill(w.viewer.page, { n: 2, total: 3 }))
  await expect(text).toContainText('第三条')
  await page.getByRole('button', { name: w.viewer.zoomIn }).click()
  await expect(page.getByTestId('zoom')).toHaveText('156%')
  await page.getByRole('button', { name: w.viewer.prev }).click()
  await expect(page.getByTestId('page-status')).toHaveText(fill(w.viewer.page, { n: 1, total: 3 }))

  // The export went through the ledger, for this user.
  const trace = await (await api('archivist')).get('/api/v1/trace/' + code)
  expect(trace.status()).toBe(200)
  const record = (await trace.json()).export
  expect(record.user).toBe('staff_south')
  expect(record.document).toBe(state.docs.contract)

  // Download from the record page: a fresh export with its own code.
  await page.getByRole('link', { name: w.viewer.back }).click()
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: w.record.download }).click()])
  const file = await download.path()
  const bytes = fs.readFileSync(file!)
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-')
  const done = page.getByTestId('download-done')
  await expect(done).toBeVisible()
  const code2 = ((await done.textContent()) ?? '').match(/[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0] ?? ''
  expect(code2).not.toBe(code)
  expect(download.suggestedFilename()).toContain(code2)
  expect((await (await api('archivist')).get('/api/v1/trace/' + code2)).status()).toBe(200)
  await checkPage(page, 'record-downloaded')

  // Neither copy may be cached by the browser.
  expect(exportsSeen.length).toBe(2)
  for (const e of exportsSeen) expect(e.cache).toBe('no-store')
})

test('a scanned image is viewed as a stamped PDF too', async ({ page, loginAs, w, state }) => {
  await loginAs(page, 'staff_south')
  await page.goto(`/records/${state.docs.scan}/view`)
  await expect(page.getByTestId('export-code')).toContainText(w.viewer.traceable)
  await expect(page.getByTestId('text-layer')).toContainText('张三')
  await expect(page.getByTestId('page-status')).toHaveText(fill(w.viewer.page, { n: 1, total: 1 }))
})
