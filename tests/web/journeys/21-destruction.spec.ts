// Journey (records 2): an archive admin builds a destruction request from
// records whose retention expired and sees each record's preconditions
// before sending; a second archive admin approves and names the witness
// (监销人); the execution shows each record's progress and ends with the
// certificate, whose files are downloaded from the page and checked with
// the real openssl and minisign (then one changed byte fails both, and the
// page's own check rejects the altered file with the reason); the
// destruction register shows it.
import { execSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { test, expect, fill } from '../support/fixtures'

test('destruction: request with preconditions, four-eyes approval with a witness, execution, certificate checked offline', async ({ page, loginAs, checkPage, w, state, appLocale, api }) => {
  test.setTimeout(120_000)
  const archivist = await api('archivist')
  const numberOf = async (id: string) => (await (await archivist.get('/api/v1/documents/' + id)).json()).archive_number as string
  const due = state.docs['due_' + appLocale], due2 = state.docs['due2_' + appLocale], held = state.docs['held_' + appLocale]
  const [dueNo, due2No, heldNo] = [await numberOf(due), await numberOf(due2), await numberOf(held)]
  const legal = await api('legal')
  const hold = await legal.post('/api/v1/holds', { data: { scope: 'document', target: held, reason: `销毁旅程保全 ${appLocale}` } })
  expect(hold.status(), await hold.text()).toBe(201)

  // A request naming a held record: the page shows why before anything is sent.
  await loginAs(page, 'archivist')
  await page.goto(`/destructions/new?documents=${due},${held}&reason=retention_expired`)
  await expect(page.getByRole('heading', { name: w.rec.destructionNew.title })).toBeVisible()
  const heldRow = page.getByTestId('pre-' + heldNo)
  await expect(heldRow).toContainText(w.rec.protection.hold)
  await expect(heldRow).toContainText(`销毁旅程保全 ${appLocale}`)
  await expect(page.getByTestId('pre-' + dueNo)).toContainText(w.rec.protection.none)
  await expect(page.getByTestId('blocked-count')).toHaveText(fill(w.rec.destructionNew.blocked, { n: 1 }))
  await expect(page.getByRole('button', { name: w.rec.destructionNew.submit })).toBeDisabled()
  await checkPage(page, 'destruction-preconditions')
  // The reason matters: not a customer request either, the hold still blocks.
  await page.getByRole('radio', { name: w.rec.destructionReason.customer_request }).check()
  await expect(heldRow).toContainText(w.rec.protection.hold)
  const before = await (await archivist.get('/api/v1/destructions?state=requested')).json()

  // From the retention page: pick the two free records.
  await page.getByRole('link', { name: w.nav.retention, exact: true }).click()
  await page.getByRole('checkbox', { name: fill(w.rec.retention.pickRecord, { n: dueNo }) }).check()
  await page.getByRole('checkbox', { name: fill(w.rec.retention.pickRecord, { n: due2No }) }).check()
  await expect(page.getByRole('checkbox', { name: fill(w.rec.retention.pickRecord, { n: heldNo }) })).toBeDisabled()
  await page.getByRole('button', { name: fill(w.rec.retention.build, { n: 2 }) }).click()
  await expect(page.getByTestId('pre-' + due2No)).toContainText(w.rec.protection.none)
  await page.getByRole('button', { name: w.rec.destructionNew.submit }).click()
  await expect(page.getByRole('alert')).toContainText(w.rec.destructionNew.referenceRequired)
  await page.getByLabel(w.rec.destructionNew.reference).fill(`档案鉴定会议纪要 ${appLocale}`)
  await page.getByRole('button', { name: w.rec.destructionNew.submit }).click()
  await expect(page.getByTestId('destruction-state')).toHaveText(w.rec.destructionState.requested)
  const id = page.url().split('/').pop()!
  // The requester may not approve it.
  await expect(page.getByTestId('approve-block')).toHaveText(w.rec.destruction.selfApproval)
  await expect(page.getByRole('button', { name: w.rec.destruction.approve })).toHaveCount(0)
  await checkPage(page, 'destruction-requested')
  let d = await (await archivist.get('/api/v1/destructions/' + id)).json()
  expect(d.state).toBe('requested')
  expect(d.reason).toBe('retention_expired')
  expect(d.requested_by).toBe('archivist')
  expect(d.items.map((i: { document: string }) => i.document).sort()).toEqual([due, due2].sort())
  // Sending nothing else: the preconditions check made no destruction.
  expect((await (await archivist.get('/api/v1/destructions?state=requested')).json()).items.length).toBe(before.items.length + 1)

  // A second person approves from the list and names the witness.
  await page.context().clearCookies()
  await loginAs(page, 'archivist2')
  await page.getByRole('link', { name: w.nav.destructions, exact: true }).click()
  await expect(page.getByTestId('destruction-' + id)).toContainText(w.rec.destructionState.requested)
  await checkPage(page, 'destructions')
  await page.getByRole('link', { name: id }).click()
  await page.getByRole('button', { name: w.rec.destruction.approve }).click()
  await expect(page.getByRole('alert')).toContainText(w.rec.destruction.witnessRequired)
  await page.getByLabel(w.rec.destruction.witness).fill('王监销')
  await checkPage(page, 'destruction-approve')
  await page.getByRole('button', { name: w.rec.destruction.approve }).click()
  await expect(page.getByTestId('destruction-state')).toHaveText(w.rec.destructionState.approved)
  await expect(page.getByTestId('destruction-witness')).toHaveText('王监销')
  d = await (await archivist.get('/api/v1/destructions/' + id)).json()
  expect(d.state).toBe('approved')
  expect(d.approved_by).toBe('archivist2')
  expect(d.witness).toBe('王监销')

  // The archive admin executes it: each record goes through the journal.
  await page.context().clearCookies()
  await loginAs(page, 'archivist')
  await page.goto('/destructions/' + id)
  await page.getByRole('button', { name: w.rec.destruction.execute }).click()
  await expect(page.getByTestId('destruction-state')).toHaveText(w.rec.destructionState.completed, { timeout: 30_000 })
  for (const no of [dueNo, due2No]) {
    const item = page.getByTestId('item-' + no)
    await expect(item.getByTestId('item-destroyed')).toBeVisible()
    for (const s of ['erased', 'overwritten', 'ghosted', 'certified'] as const) await expect(item).toContainText(w.rec.destructionStep[s])
  }
  d = await (await archivist.get('/api/v1/destructions/' + id)).json()
  expect(d.state).toBe('completed')
  const cert = d.certificate as string
  expect(cert).toMatch(/^CERT-\d{6}$/)
  await expect(page.getByRole('status')).toContainText(cert)
  await checkPage(page, 'destruction-completed')
  expect((await archivist.get(`/api/v1/documents/${due}/content`)).status()).toBe(410)

  // The certificate: files downloaded from the page, checked offline.
  await page.getByRole('link', { name: cert }).click()
  await expect(page.getByRole('heading', { name: new RegExp(cert) })).toBeVisible()
  await expect(page.getByTestId('cert-fields')).toContainText('王监销')
  await expect(page.getByTestId('cert-fields')).toContainText(`档案鉴定会议纪要 ${appLocale}`)
  await checkPage(page, 'certificate')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-cert-'))
  const names = [`${cert}.json`, `${cert}.json.sig`, `${cert}.json.minisig`, `${cert}.pdf`, 'signing.pem', 'signing.pub']
  for (const name of names) {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name, exact: true }).click()])
    expect(dl.suggestedFilename()).toBe(name)
    await dl.saveAs(path.join(dir, name))
  }
  const openssl = (await page.getByTestId('cmd-openssl').textContent())!.trim()
  const minisign = (await page.getByTestId('cmd-minisign').textContent())!.trim()
  expect(openssl).toBe(`openssl pkeyutl -verify -pubin -inkey signing.pem -rawin -in ${cert}.json -sigfile ${cert}.json.sig`)
  expect(minisign).toBe(`minisign -Vm ${cert}.json -x ${cert}.json.minisig -p signing.pub`)
  const run = (cmd: string) => execSync(cmd, { cwd: dir, stdio: 'pipe' }).toString()
  expect(run(openssl)).toContain('Signature Verified Successfully')
  expect(run(minisign)).toContain('Signature and comment signature verified')
  expect(run(`sha256sum ${cert}.json`)).toContain((await (await archivist.get('/api/v1/certificates')).json()).items
    .find((c: { id: string }) => c.id === cert).sha256)
  const jsonPath = path.join(dir, `${cert}.json`)
  const genuine = fs.readFileSync(jsonPath)
  const altered = Buffer.from(genuine)
  altered[Math.floor(altered.length / 2)] ^= 1
  fs.writeFileSync(jsonPath, altered)
  expect(() => run(openssl)).toThrow()
  expect(() => run(minisign)).toThrow()

  // The page's own check rejects the altered file, with the reason; the genuine one passes.
  await page.getByRole('link', { name: w.nav.certificates, exact: true }).click()
  await page.getByLabel(w.rec.certificates.certFile).setInputFiles(jsonPath)
  await page.getByLabel(w.rec.certificates.sigFile).setInputFiles(path.join(dir, `${cert}.json.sig`))
  await page.getByRole('button', { name: w.rec.certificates.verify, exact: true }).click()
  await expect(page.getByTestId('verdict-text')).toHaveText(w.rec.certificates.invalid)
  await expect(page.getByTestId('verdict-reason')).toHaveText(w.rec.certificates.badSignature)
  await checkPage(page, 'certificate-verify-altered')
  // The genuine bytes (the browser holds the altered file as it was picked: a new file, not the same one rewritten).
  fs.mkdirSync(path.join(dir, 'genuine'))
  fs.writeFileSync(path.join(dir, 'genuine', `${cert}.json`), genuine)
  await page.getByLabel(w.rec.certificates.certFile).setInputFiles(path.join(dir, 'genuine', `${cert}.json`))
  await page.getByRole('button', { name: w.rec.certificates.verify, exact: true }).click()
  await expect(page.getByTestId('verdict-text')).toHaveText(fill(w.rec.certificates.valid, { id: cert }))

  // The destruction register, on screen and as CSV.
  await page.getByRole('link', { name: w.nav.destructions, exact: true }).click()
  const register = page.getByTestId('register')
  await expect(register).toContainText(dueNo)
  await expect(register).toContainText('王监销')
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: w.rec.destructions.csv }).click()])
  const csvText = fs.readFileSync(await csv.path(), 'utf8')
  expect(csvText).toContain('监销人')
  expect(csvText).toContain(due2No)
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: w.rec.destructions.pdf }).click()])
  expect(fs.readFileSync(await pdf.path()).subarray(0, 5).toString()).toBe('%PDF-')
  fs.rmSync(dir, { recursive: true, force: true })
})
