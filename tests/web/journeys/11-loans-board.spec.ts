// Archive journey 2: the loans board. Approved requests wait to be issued
// (a paper loan with its page count), loans due within 3 days, recall,
// revoke with a reason, returns recorded with their verdict (the copy
// handed back, an altered copy that raises an incident, a paper loan's
// page count), and a borrower suspended for being overdue.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { test, expect, fill } from '../support/fixtures'
import { approvedLoan, invoice, loanOf } from '../support/archive'

test.describe.configure({ mode: 'serial' })

test('the archive admin issues, recalls, revokes and records returns from the loans board', async ({ page, loginAs, checkPage, w, appLocale, api }) => {
  test.setTimeout(120_000)
  const borrower = appLocale === 'en' ? 'staff_board_en' : 'staff_board_zh'
  const staff = await api(borrower)
  const archivist = await api('archivist')
  const docs = []
  for (const n of ['甲', '乙', '丙', '丁']) docs.push(await invoice(archivist, `${appLocale} 看板发票${n}`))
  const soon = await approvedLoan(staff, archivist, docs[0], '两天内核对', 'electronic', 'P2D')
  const later = await approvedLoan(staff, archivist, docs[1], '月度对账', 'electronic', 'P10D')
  const paper = await approvedLoan(staff, archivist, docs[2], '纸质原件核对', 'paper', 'P7D')
  const revoked = await approvedLoan(staff, archivist, docs[3], '误申请', 'electronic', 'P7D')

  await loginAs(page, 'archivist')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.loansBoard }).click()
  await expect(page.getByRole('heading', { name: w.board.title })).toBeVisible()
  const waiting = page.getByTestId('section-waiting')
  for (const id of [soon, later, paper, revoked]) await expect(waiting.getByTestId('loan-' + id)).toBeVisible()
  await expect(waiting.getByTestId('loan-' + paper)).toContainText(w.loanKind.paper)
  await checkPage(page, 'loans-board')

  // Issue: the electronic ones at once, the paper one with its page count.
  for (const id of [soon, later, revoked]) {
    await waiting.getByRole('button', { name: fill(w.board.issueLoan, { id }) }).click()
    await expect(page.getByTestId('board-message')).toHaveText(fill(w.board.issued, { id }))
  }
  await waiting.getByTestId('loan-' + paper).getByRole('spinbutton').fill('12')
  await waiting.getByRole('button', { name: fill(w.board.issueLoan, { id: paper }) }).click()
  await expect(page.getByTestId('board-message')).toHaveText(fill(w.board.issued, { id: paper }))
  for (const id of [soon, later, paper, revoked]) expect((await loanOf(staff, id)).state).toBe('issued')
  expect((await loanOf(staff, paper)).items[0].issued_pages).toBe(12)
  await expect(waiting.getByTestId('loan-' + soon)).toHaveCount(0)

  // Due within 3 days: the P2D loan, not the P10D one, until it is recalled.
  const dueSoon = page.getByTestId('section-dueSoon')
  await expect(dueSoon.getByTestId('loan-' + soon)).toBeVisible()
  await expect(dueSoon.getByTestId('loan-' + later)).toHaveCount(0)
  const onLoan = page.getByTestId('section-onLoan')
  const before = (await loanOf(staff, later)).due_at
  await onLoan.getByRole('button', { name: fill(w.board.recallLoan, { id: later }) }).click()
  await expect(page.getByTestId('board-message')).toContainText(later)
  const recalled = await loanOf(staff, later)
  expect(new Date(recalled.due_at).getTime()).toBeLessThan(new Date(before).getTime())
  expect(recalled.events.map((e) => e.action)).toContain('recall')
  await expect(dueSoon.getByTestId('loan-' + later)).toBeVisible()

  // Revoke needs a reason.
  await onLoan.getByRole('button', { name: fill(w.board.revokeLoan, { id: revoked }) }).click()
  await expect(onLoan.getByText(w.board.reasonRequired)).toBeVisible()
  await onLoan.getByLabel(fill(w.board.revokeReason, { id: revoked })).fill('借阅人申请有误')
  await onLoan.getByRole('button', { name: fill(w.board.revokeLoan, { id: revoked }) }).click()
  await expect(page.getByTestId('board-message')).toHaveText(fill(w.board.revoked, { id: revoked }))
  const r = await loanOf(staff, revoked)
  expect(r.state).toBe('revoked')
  expect(JSON.stringify(r.events)).toContain('借阅人申请有误')

  // Returns: the copy as issued (verified), an altered copy (an incident
  // with its sealed evidence), a paper loan's pages.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'board-'))
  const copyOf = async (id: string) => Buffer.from(await (await staff.get(`/api/v1/borrows/${id}/copy`)).body())
  const good = path.join(dir, 'returned.pdf')
  fs.writeFileSync(good, await copyOf(soon))
  const bad = path.join(dir, 'altered.pdf')
  fs.writeFileSync(bad, Buffer.concat([await copyOf(later), Buffer.from('\n% changed\n')]))
  await onLoan.getByTestId('loan-' + soon).locator('input[type=file]').setInputFiles(good)
  await expect(page.getByTestId('board-message')).toHaveText(fill(w.board.returned, { id: soon, verdict: w.verdict.verified }))
  await onLoan.getByTestId('loan-' + later).locator('input[type=file]').setInputFiles(bad)
  await expect(page.getByTestId('board-message')).toHaveText(fill(w.board.returned, { id: later, verdict: w.verdict.altered }))
  await onLoan.getByTestId('loan-' + paper).getByRole('spinbutton').fill('12')
  await onLoan.getByTestId('loan-' + paper).getByRole('button', { name: w.board.recordReturn }).click()
  await expect(page.getByTestId('board-message')).toHaveText(fill(w.board.returned, { id: paper, verdict: w.verdict.verified }))
  fs.rmSync(dir, { recursive: true, force: true })
  expect((await loanOf(staff, soon)).state).toBe('returned_verified')
  expect((await loanOf(staff, later)).state).toBe('returned_altered')
  expect((await loanOf(staff, paper)).state).toBe('returned_verified')

  const incident = page.getByTestId('section-incidents').getByTestId('incident-' + later)
  await expect(incident).toContainText(w.board.incidentKind.returned_altered)
  const incidents = (await (await archivist.get('/api/v1/incidents')).json()).items as { borrow: string; kind: string; evidence: string }[]
  const recorded = incidents.find((i) => i.borrow === later)!
  expect(recorded.kind).toBe('returned_altered')
  expect(recorded.evidence).not.toBe('')
  await expect(incident).toContainText(recorded.evidence)
  await checkPage(page, 'loans-board-after')
})

test('an overdue loan and its suspended borrower are on the board', async ({ page, loginAs, checkPage, w, appLocale, api }) => {
  const borrower = appLocale === 'en' ? 'staff_susp_en' : 'staff_susp_zh'
  const staff = await api(borrower)
  const archivist = await api('archivist')
  const doc = await invoice(archivist, `${appLocale} 逾期发票`)
  const id = await approvedLoan(staff, archivist, doc, '短期核对', 'electronic', 'PT2S')
  expect((await archivist.post(`/api/v1/borrows/${id}/issue`, { data: {} })).status()).toBe(200)
  // The scheduler (every second) marks it overdue, then suspends the borrower.
  await expect.poll(async () => (await loanOf(staff, id)).suspended, { timeout: 20_000 }).toBe(true)
  const other = await invoice(archivist, `${appLocale} 逾期后再借`)
  const refused = await staff.post('/api/v1/borrows', { data: { documents: [other], purpose: '再借', kind: 'electronic' } })
  expect(refused.status()).toBe(403)
  expect((await refused.json()).error.code).toBe('borrow.suspended')

  await loginAs(page, 'archivist')
  await page.goto('/loans-board')
  const overdue = page.getByTestId('section-overdue').getByTestId('loan-' + id)
  await expect(overdue).toContainText(borrower)
  await expect(overdue).toContainText(fill(w.loans.daysOverdue, { n: 1 }))
  const suspended = page.getByTestId('section-suspended').getByTestId('suspended-' + borrower)
  await expect(suspended).toContainText(id)
  await checkPage(page, 'loans-board-overdue')
})
