// Journey (records 4): an auditor reads the certificates (list, chain, one
// certificate laid out as its PDF, its files) and checks one by uploading
// it; nothing the auditor can click changes state: the only non-GET calls
// the pages make are the reads /certificates/verify and /trace. The chain
// view marks a certificate altered in the database, and is intact again
// once it is restored.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { test, expect, fill } from '../support/fixtures'

test('certificates: an auditor reads, downloads and checks them, sees an altered link, and can change nothing', async ({ page, loginAs, checkPage, w, state, appLocale, api }) => {
  test.setTimeout(90_000)
  // A completed destruction to look at (made through the API).
  const archivist = await api('archivist'), archivist2 = await api('archivist2')
  const req = await archivist.post('/api/v1/destructions', {
    data: { documents: [state.docs['cert_' + appLocale]], reason: 'retention_expired', reference: `证明页 ${appLocale}` },
  })
  expect(req.status(), await req.text()).toBe(201)
  const id = (await req.json()).id as string
  expect((await archivist2.post(`/api/v1/destructions/${id}/approve`, { data: { witness: '孙监销' } })).status()).toBe(200)
  const done = await archivist.post(`/api/v1/destructions/${id}/execute`)
  expect(done.status(), await done.text()).toBe(200)
  const cert = (await done.json()).certificate as string

  await loginAs(page, 'auditor')
  const changes: string[] = []
  page.on('request', (r) => {
    if (r.method() !== 'GET' && r.method() !== 'HEAD') changes.push(r.method() + ' ' + new URL(r.url()).pathname)
  })
  await expect(page.getByRole('link', { name: w.nav.certificates, exact: true })).toBeVisible()
  await expect(page.getByRole('link', { name: w.nav.retention, exact: true })).toHaveCount(0)
  await expect(page.getByRole('link', { name: w.nav.dataSubjects, exact: true })).toHaveCount(0)
  await page.getByRole('link', { name: w.nav.certificates, exact: true }).click()
  await expect(page.getByRole('link', { name: cert })).toBeVisible()
  await expect(page.getByTestId('chain-verdict')).toHaveText(/./)
  await expect(page.getByTestId('link-' + cert)).toContainText(w.rec.chain.ok)
  await checkPage(page, 'certificates')

  // One certificate, laid out as its PDF, and its files.
  await page.getByRole('link', { name: cert }).click()
  const fields = page.getByTestId('cert-fields')
  await expect(fields).toContainText('孙监销')
  await expect(fields).toContainText(id)
  await expect(fields).toContainText('监销人 / Witness')
  await expect(page.getByTestId('cmd-openssl')).toHaveText(
    `openssl pkeyutl -verify -pubin -inkey signing.pem -rawin -in ${cert}.json -sigfile ${cert}.json.sig`)
  await checkPage(page, 'certificate-auditor')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-audit-'))
  for (const name of [`${cert}.json`, `${cert}.json.sig`, `${cert}.pdf`]) {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name, exact: true }).click()])
    await dl.saveAs(path.join(dir, name))
  }
  expect(fs.readFileSync(path.join(dir, `${cert}.pdf`)).subarray(0, 5).toString()).toBe('%PDF-')

  // Checking it by upload (a read: POST /certificates/verify).
  await page.getByRole('link', { name: w.nav.certificates, exact: true }).click()
  await page.getByLabel(w.rec.certificates.certFile).setInputFiles(path.join(dir, `${cert}.json`))
  await page.getByLabel(w.rec.certificates.sigFile).setInputFiles(path.join(dir, `${cert}.json.sig`))
  await page.getByRole('button', { name: w.rec.certificates.verify, exact: true }).click()
  await expect(page.getByTestId('verdict-text')).toHaveText(fill(w.rec.certificates.valid, { id: cert }))

  // The destruction, read only for an auditor.
  await page.getByRole('link', { name: w.nav.destructions, exact: true }).click()
  await expect(page.getByTestId('register')).toContainText('孙监销')
  await checkPage(page, 'destructions-auditor')
  await page.goto('/destructions/' + id)
  await expect(page.getByTestId('destruction-state')).toHaveText(w.rec.destructionState.completed)
  for (const name of [w.rec.destruction.approve, w.rec.destruction.execute]) {
    await expect(page.getByRole('button', { name })).toHaveCount(0)
  }
  await expect(page.getByLabel(w.rec.destruction.witness)).toHaveCount(0)
  await checkPage(page, 'destruction-auditor')

  // An altered certificate in the database: the chain view marks it.
  const db = path.join(state.dataDir, 'metadata.db')
  const sql = (q: string) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, q])
  sql(`UPDATE certificates SET json = json || ' ' WHERE id = '${cert}'`)
  try {
    await page.getByRole('link', { name: w.nav.certificates, exact: true }).click()
    await expect(page.getByTestId('chain-verdict')).toHaveText(w.rec.chain.broken)
    const link = page.getByTestId('link-' + cert)
    await expect(link).toHaveClass(/broken/)
    await expect(link).toContainText(w.rec.chain.altered)
    await checkPage(page, 'certificates-chain-broken')
    const chain = await (await (await api('auditor')).get('/api/v1/certificates/chain')).json()
    expect(chain.intact).toBe(false)
  } finally {
    sql(`UPDATE certificates SET json = substr(json, 1, length(json) - 1) WHERE id = '${cert}'`)
  }
  await page.reload()
  await expect(page.getByTestId('chain-verdict')).toHaveText(fill(w.rec.chain.intact, { n: (await (await (await api('auditor')).get('/api/v1/certificates')).json()).items.length }))
  await expect(page.getByTestId('link-' + cert)).toContainText(w.rec.chain.ok)

  // Nothing the auditor did asked the server to change anything.
  expect(changes.length).toBeGreaterThan(0)
  for (const c of changes) expect(['POST /api/v1/certificates/verify', 'POST /api/v1/trace']).toContain(c)
  fs.rmSync(dir, { recursive: true, force: true })
})
