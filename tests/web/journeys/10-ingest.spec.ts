// Archive journey 1: the archive admin ingests files through the page. The
// metadata form comes from the field dictionary (GET /api/v1/fields); the
// server checks it before any file is sent and its per-field errors show
// next to their fields; each upload shows a progress bar and its archive
// number; a new version needs a reason. A 500 MiB file goes through the
// page with the bar moving while vaultd's memory stays flat.
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as crypto from 'node:crypto'
import { test, expect, fill } from '../support/fixtures'
import { ROOT } from '../support/env'
import { SAMPLES, sha256 } from '../support/archive'

test.describe.configure({ mode: 'serial' })

const customerOf = (locale: string) => (locale === 'en' ? 'C-ING-EN' : 'C-ING-ZH')

test('the archive admin ingests two files: errors from the server next to their fields, then archive numbers', async ({ page, loginAs, checkPage, w, appLocale, api }) => {
  const customer = customerOf(appLocale)
  const archivist = await api('archivist')
  await loginAs(page, 'archivist')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.ingest }).click()
  await expect(page.getByRole('heading', { name: w.ingest.title })).toBeVisible()
  // The form is the dictionary's: its free fields with their words.
  await expect(page.getByLabel(w.ingest.fieldLabel.contact_phone)).toBeVisible()
  await expect(page.getByLabel(w.ingest.type)).toContainText(w.ingest.docType.quotation)
  await checkPage(page, 'ingest')

  const notes = path.join(ROOT, 'build', 'web-e2e', 'notes.txt')
  fs.writeFileSync(notes, 'not an accepted type')
  await page.getByLabel(w.ingest.choose).setInputFiles([path.join(SAMPLES, 'quotation.pdf'), path.join(SAMPLES, 'scan.png'), notes])
  await expect(page.getByRole('alert').filter({ hasText: 'notes.txt' })).toBeVisible()
  await expect(page.getByTestId('file-quotation.pdf')).toBeVisible()
  await expect(page.getByTestId('file-scan.png')).toBeVisible()
  await page.getByTestId('file-quotation.pdf').getByLabel(w.ingest.fileTitle).fill(`${appLocale} 入库报价单`)
  await page.getByTestId('file-scan.png').getByLabel(w.ingest.fileTitle).fill('')  // the title is required

  await page.getByLabel(w.ingest.type).selectOption('quotation')
  await page.getByLabel(w.ingest.customer).fill('C_1')
  await page.getByLabel(w.ingest.customerName).fill('深圳市入库测试有限公司')
  await page.getByLabel(w.ingest.department).fill('华南销售部')
  await page.getByLabel(w.ingest.retention).selectOption('10y')
  await page.getByLabel(w.ingest.tags).fill('入库, web')
  await page.getByLabel(w.ingest.fieldLabel.contact_phone).fill('86013388')
  await page.getByLabel(w.ingest.fieldLabel.contract_date).fill('2026/02/30')
  await page.getByRole('button', { name: fill(w.ingest.upload, { n: 2 }) }).click()

  // The server's reasons, next to each field (and marked invalid).
  const phone = page.getByLabel(w.ingest.fieldLabel.contact_phone)
  await expect(page.getByTestId('error-contact_phone')).toHaveText(w.ingest.reason.phone)
  await expect(phone).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByTestId('error-contract_date')).toHaveText(w.ingest.reason.date)
  await expect(page.locator('#err-customer')).toHaveText(w.ingest.reason.bad_customer_number)
  await expect(page.getByText(w.ingest.fixFields)).toBeVisible()
  await checkPage(page, 'ingest-errors')
  // Nothing was sent or stored: the check came before the upload.
  expect((await (await archivist.get('/api/v1/documents', { params: { customer: 'C_1' } })).json()).total).toBe(0)

  await page.getByLabel(w.ingest.customer).fill(customer)
  await phone.fill('0755-86013388')
  await page.getByLabel(w.ingest.fieldLabel.contract_date).fill('2026-02-28')
  await page.getByRole('button', { name: fill(w.ingest.upload, { n: 2 }) }).click()
  // The second file has no title: the server says so under its title.
  await expect(page.getByTestId('file-scan.png')).toContainText(w.ingest.reason.required)
  await expect(page.getByTestId('file-quotation.pdf').getByTestId('archive-number')).toContainText(new RegExp(`${customer}_BJ_\\d{4}`))
  await page.getByTestId('file-scan.png').getByLabel(w.ingest.fileTitle).fill(`${appLocale} 入库扫描件`)
  await page.getByRole('button', { name: fill(w.ingest.upload, { n: 1 }) }).click()
  await expect(page.getByTestId('file-scan.png').getByTestId('archive-number')).toContainText(new RegExp(`${customer}_BJ_\\d{4}`))
  await expect(page.getByText(fill(w.ingest.allDone, { n: 2 }))).toBeVisible()
  await expect(page.getByTestId('upload-progress')).toHaveCount(2)
  await checkPage(page, 'ingest-done')

  // What the server recorded: both records with the form's metadata and the
  // files' SHA-256.
  const list = await (await archivist.get('/api/v1/documents', { params: { customer } })).json()
  expect(list.total).toBe(2)
  for (const [file, title] of [['quotation.pdf', `${appLocale} 入库报价单`], ['scan.png', `${appLocale} 入库扫描件`]]) {
    const item = list.items.find((d: { title: string }) => d.title === title)
    expect(item, title).toBeTruthy()
    await expect(page.getByRole('link', { name: item.archive_number })).toBeVisible()
    const doc = await (await archivist.get('/api/v1/documents/' + item.id)).json()
    expect(doc.doc_type).toBe('quotation')
    expect(doc.customer_name).toBe('深圳市入库测试有限公司')
    expect(doc.retention_class).toBe('10y')
    expect(doc.tags).toEqual(['web', '入库'])
    expect(doc.fields.contact_phone).toBe('0755-86013388')
    expect(doc.fields.contract_date).toBe('2026-02-28')
    const versions = (await (await archivist.get(`/api/v1/documents/${item.id}/versions`)).json()).items
    expect(versions[0].sha256).toBe(sha256(fs.readFileSync(path.join(SAMPLES, file))))
  }
  fs.rmSync(notes, { force: true })
})

test('the archive admin uploads a new version of a record with a reason', async ({ page, loginAs, checkPage, w, appLocale, api }) => {
  const archivist = await api('archivist')
  const list = await (await archivist.get('/api/v1/documents', { params: { customer: customerOf(appLocale) } })).json()
  const doc = list.items.find((d: { title: string }) => d.title === `${appLocale} 入库报价单`)
  await loginAs(page, 'archivist')
  await page.goto('/records/' + doc.id)
  await page.getByRole('button', { name: w.version.newVersion }).click()
  await expect(page.getByRole('heading', { name: w.version.title })).toBeVisible()
  await page.getByLabel(w.version.file).setInputFiles(path.join(SAMPLES, 'order.pdf'))
  await page.getByRole('button', { name: w.version.submit }).click()
  await expect(page.locator('#v-reason-err')).toHaveText(w.ingest.reason.required)
  await checkPage(page, 'new-version')
  await page.getByLabel(w.version.reason).fill('客户补签了价格条款')
  await page.getByRole('button', { name: w.version.submit }).click()
  await expect(page.getByTestId('version-done')).toContainText(fill(w.version.stored, { n: 2 }))
  const sha = sha256(fs.readFileSync(path.join(SAMPLES, 'order.pdf')))
  await expect(page.getByTestId('version-done')).toContainText(sha)
  const versions = (await (await archivist.get(`/api/v1/documents/${doc.id}/versions`)).json()).items
  const v2 = versions.find((v: { version: number }) => v.version === 2)
  expect(v2.reason).toBe('客户补签了价格条款')
  expect(v2.sha256).toBe(sha)
  expect(v2.created_by).toBe('archivist')
  await page.getByRole('link', { name: w.version.back }).click()
  await expect(page.getByText('客户补签了价格条款')).toBeVisible()
})

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : NaN
}

// A PDF-looking file of `size` bytes (header, one big stream, trailer) and its SHA-256.
function bigPdf(file: string, size: number): string {
  const head = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length ' + size + ' >>\nstream\n', 'latin1')
  const tail = Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1')
  const hash = crypto.createHash('sha256')
  const fd = fs.openSync(file, 'w')
  const write = (b: Buffer) => { fs.writeSync(fd, b); hash.update(b) }
  write(head)
  let left = size - head.length - tail.length
  const chunk = crypto.randomBytes(8 << 20)
  let n = 0
  while (left > 0) {
    const part = chunk.subarray(0, Math.min(left, chunk.length))
    part.writeUInt32BE(n++, 0)  // no two chunks alike
    write(part)
    left -= part.length
  }
  write(tail)
  fs.closeSync(fd)
  return hash.digest('hex')
}

test('a 500 MiB file goes up through the page with the bar moving and vaultd\'s memory flat', async ({ page, loginAs, w, appLocale, api, state }) => {
  // One locale is enough for the size and memory check: keep the run short.
  test.skip(appLocale === 'en', 'the 500 MiB upload runs in the zh-CN pass only')
  test.setTimeout(480_000)
  const SIZE = 500 * 1024 * 1024
  const file = path.join(ROOT, 'build', 'web-e2e', 'big-500mib.pdf')
  try {
    const digest = bigPdf(file, SIZE)
    await loginAs(page, 'archivist')
    await page.goto('/ingest')
    await page.getByLabel(w.ingest.choose).setInputFiles(file)
    await page.getByTestId('file-big-500mib.pdf').getByLabel(w.ingest.fileTitle).fill('五百兆扫描合同')
    await page.getByLabel(w.ingest.type).selectOption('scan')
    await page.getByLabel(w.ingest.customer).fill('C-BIG')
    await page.getByLabel(w.ingest.department).fill('华南销售部')

    const base = rssKiB(state.pid)
    let peak = base
    const rss = setInterval(() => { peak = Math.max(peak, rssKiB(state.pid)) }, 100)
    const seen = new Set<number>()
    const started = Date.now()
    try {
      await page.getByRole('button', { name: fill(w.ingest.upload, { n: 1 }) }).click()
      const bar = page.getByTestId('upload-progress')
      const done = page.getByTestId('archive-number')
      for (;;) {
        if (await done.isVisible()) break
        if (Date.now() - started > 420_000) throw new Error('upload did not finish')
        const v = await bar.evaluate((el) => (el as HTMLProgressElement).value / (el as HTMLProgressElement).max).catch(() => -1)
        if (v > 0 && v < 1) seen.add(Math.round(v * 1000))
        await page.waitForTimeout(100)
      }
    } finally {
      clearInterval(rss)
    }
    const seconds = (Date.now() - started) / 1000
    const growthMiB = (peak - base) / 1024
    console.log(`500 MiB upload: ${seconds.toFixed(1)} s, vaultd RSS ${(base / 1024).toFixed(1)} -> peak ${(peak / 1024).toFixed(1)} MiB (growth ${growthMiB.toFixed(1)} MiB), ${seen.size} intermediate progress values`)
    expect(seen.size, 'the bar showed intermediate values').toBeGreaterThanOrEqual(3)
    expect(growthMiB, 'vaultd RSS growth during the upload').toBeLessThan(64)
    await expect(page.getByTestId('archive-number')).toContainText(/C-BIG_SM_\d{4}/)

    const archivist = await api('archivist')
    const list = await (await archivist.get('/api/v1/documents', { params: { customer: 'C-BIG' } })).json()
    expect(list.total).toBe(1)
    const versions = (await (await archivist.get(`/api/v1/documents/${list.items[0].id}/versions`)).json()).items
    expect(versions[0].size).toBe(SIZE)
    expect(versions[0].sha256).toBe(digest)
    expect(versions[0].filename).toBe('big-500mib.pdf')
  } finally {
    fs.rmSync(file, { force: true })
  }
})
