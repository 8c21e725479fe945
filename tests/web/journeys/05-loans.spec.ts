// Journeys 5-8: a staff member asks to borrow, the department manager
// decides in the approvals inbox, the archive issues (through the API: the
// archive's pages are part 2), and the borrower follows the loan in "My
// loans" and the notifications, downloads the copy and returns it.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { test, expect, fill } from '../support/fixtures'

test.describe.configure({ mode: 'serial' })

function borrower(locale: string): string {
  return locale === 'en' ? 'staff_loans_en' : 'staff_loans_zh'
}

test('staff asks to borrow a record, sees the approval chain and withdraws the request', async ({ page, loginAs, checkPage, w, state, appLocale, api }) => {
  const me = borrower(appLocale)
  await loginAs(page, me)
  await page.goto('/records/' + state.docs.loanable)
  await page.getByRole('button', { name: w.record.requestLoan }).click()
  await expect(page.getByRole('heading', { name: w.loanRequest.title })).toBeVisible()
  await expect(page.getByText(fill(w.loanRequest.maxDays, { n: 30 }))).toBeVisible()
  await checkPage(page, 'loan-request')
  await page.getByLabel(w.loanRequest.purpose).fill('核对交货条款')
  await page.getByLabel(w.loanRequest.days).fill('10')
  await page.getByRole('radio', { name: w.loanKind.electronic }).check()
  await page.getByRole('button', { name: w.loanRequest.submit }).click()

  await expect(page.getByTestId('loan-state')).toHaveText(w.loanState.requested)
  const chain = page.getByRole('list', { name: w.chain.label })
  await expect(chain).toContainText(w.roles.dept_manager)
  await expect(chain).toContainText(w.chain.waiting)
  await checkPage(page, 'loan-requested')
  const loanId = page.url().split('/').pop()!
  const server = await (await api(me)).get('/api/v1/borrows/' + loanId)
  const loan = await server.json()
  expect(loan.state).toBe('requested')
  expect(loan.purpose).toBe('核对交货条款')
  expect(loan.period).toBe('P10D')

  await page.getByRole('button', { name: w.loan.withdraw }).click()
  await expect(page.getByTestId('loan-state')).toHaveText(w.loanState.withdrawn)
  expect((await (await (await api(me)).get('/api/v1/borrows/' + loanId)).json()).state).toBe('withdrawn')
})

test('the department manager approves one request and rejects another from the inbox', async ({ page, loginAs, checkPage, w, state, appLocale, api }) => {
  const me = borrower(appLocale)
  const staff = await api(me)
  const ask = async (doc: string, purpose: string) => {
    const r = await staff.post('/api/v1/borrows', { data: { documents: [doc], purpose, kind: 'electronic', period: 'P14D' } })
    expect(r.status(), await r.text()).toBe(201)
    return (await r.json()).id as string
  }
  const good = await ask(state.docs.loanable, '客户回访需要查阅合同')
  const bad = await ask(state.docs.quotation, '<b>不需要</b>')

  await loginAs(page, 'manager_south')
  await page.getByRole('link', { name: w.nav.approvals }).click()
  const goodCard = page.getByRole('article', { name: good })
  await expect(goodCard).toContainText(me)
  await expect(goodCard).toContainText('借阅测试合同')
  await expect(goodCard).toContainText('客户回访需要查阅合同')
  await expect(goodCard).toContainText('P14D')
  await expect(page.getByRole('article', { name: bad })).toContainText('<b>不需要</b>')  // as text
  await checkPage(page, 'approvals')

  await goodCard.getByLabel(w.approvals.comment).fill('同意')
  await goodCard.getByRole('button', { name: w.approvals.approve }).click()
  await expect(page.getByRole('status').filter({ hasText: fill(w.approvals.approved, { id: good }) })).toBeVisible()
  await expect(page.getByRole('article', { name: good })).toHaveCount(0)

  const badCard = page.getByRole('article', { name: bad })
  await badCard.getByRole('button', { name: w.approvals.reject }).click()
  await expect(page.getByRole('alert')).toContainText(w.approvals.reasonRequired)
  await badCard.getByLabel(w.approvals.comment).fill('目的不明确')
  await badCard.getByRole('button', { name: w.approvals.reject }).click()
  await expect(page.getByRole('article', { name: bad })).toHaveCount(0)

  // What the server recorded, and what the requester sees.
  expect((await (await staff.get('/api/v1/borrows/' + good)).json()).state).toBe('approved')
  const rejected = await (await staff.get('/api/v1/borrows/' + bad)).json()
  expect(rejected.state).toBe('rejected')
  expect(JSON.stringify(rejected.events)).toContain('目的不明确')
  await page.getByRole('button', { name: w.header.logout }).click()
  await loginAs(page, me)
  await page.goto('/loans/' + bad)
  await expect(page.getByTestId('loan-state')).toHaveText(w.loanState.rejected)
})

test('the borrower follows the loan in My loans, downloads the copy and returns it', async ({ page, loginAs, checkPage, w, state, appLocale, api }) => {
  const me = borrower(appLocale)
  const staff = await api(me)
  const loans = (await (await staff.get('/api/v1/borrows')).json()).items as { id: string; state: string }[]
  const loanId = loans.find((l) => l.state === 'approved')!.id
  const issued = await (await api('archivist')).post(`/api/v1/borrows/${loanId}/issue`, { data: {} })
  expect(issued.status(), await issued.text()).toBe(200)

  await loginAs(page, me)
  // Notifications: the approval and the issue are unread in the header.
  await expect(page.getByTestId('unread-count')).not.toHaveText('0')
  await page.getByRole('link', { name: w.nav.loans }).click()
  const row = page.getByRole('row').filter({ hasText: loanId })
  await expect(row).toContainText(w.loanState.issued)
  await expect(row).toContainText(fill(w.loans.daysLeft, { n: 14 }))
  await checkPage(page, 'my-loans')
  await row.getByRole('link', { name: loanId }).click()
  await expect(page.getByTestId('days')).toHaveText(fill(w.loans.daysLeft, { n: 14 }))

  // Renewal is too early for a loan just issued: the API's reason, translated.
  await page.getByRole('button', { name: w.loan.renew }).click()
  await expect(page.getByRole('alert')).toContainText(w.errors.borrow_renewal_too_early)

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: w.loan.download }).click()])
  const copy = await download.path()
  expect(fs.readFileSync(copy!).subarray(0, 5).toString()).toBe('%PDF-')
  await checkPage(page, 'loan-issued')

  // Return the very file: verified.
  await page.getByLabel(w.loan.returnFile).setInputFiles(copy!)
  await expect(page.getByTestId('verdict')).toContainText(w.verdict.verified)
  await expect(page.getByTestId('verdict')).toContainText(w.verdict.verified_next)
  expect((await (await staff.get('/api/v1/borrows/' + loanId)).json()).state).toBe('returned_verified')
  await checkPage(page, 'loan-returned')
})

test('a returned copy that was altered is flagged with what happens next', async ({ page, loginAs, w, state, appLocale, api }) => {
  const me = borrower(appLocale)
  const staff = await api(me)
  const r = await staff.post('/api/v1/borrows', { data: { documents: [state.docs.quotation], purpose: '报价复核', kind: 'electronic' } })
  const loanId = (await r.json()).id
  expect((await (await api('manager_south')).post(`/api/v1/borrows/${loanId}/approve`, { data: {} })).status()).toBe(200)
  expect((await (await api('archivist')).post(`/api/v1/borrows/${loanId}/issue`, { data: {} })).status()).toBe(200)

  await loginAs(page, me)
  await page.goto('/loans/' + loanId)
  const altered = path.join(os.tmpdir(), `altered-${appLocale}.pdf`)
  fs.writeFileSync(altered, '%PDF-1.4\n% not the copy that was issued\n')
  await page.getByLabel(w.loan.returnFile).setInputFiles(altered)
  await expect(page.getByTestId('verdict')).toContainText(w.verdict.altered)
  await expect(page.getByTestId('verdict')).toContainText(w.verdict.altered_next)
  expect((await (await staff.get('/api/v1/borrows/' + loanId)).json()).state).toBe('returned_altered')
  const incidents = await (await api('archivist')).get('/api/v1/incidents')
  expect(JSON.stringify(await incidents.json())).toContain(loanId)
})

test('notifications list approvals and issues, and opening them clears the unread count', async ({ page, loginAs, checkPage, w, appLocale }) => {
  await loginAs(page, borrower(appLocale))
  await expect(page.getByTestId('unread-count')).not.toHaveText('0')
  await page.getByRole('link', { name: new RegExp(w.nav.notifications) }).click()
  await expect(page.getByText(w.notificationKind.approved).first()).toBeVisible()
  await expect(page.getByText(w.notificationKind.issued).first()).toBeVisible()
  await expect(page.getByText(w.notificationKind.rejected).first()).toBeVisible()
  await expect(page.getByTestId('unread-count')).toHaveText('0')
  await checkPage(page, 'notifications')
})

test('legal approves the last step of a confidential loan from the inbox, and the requester sees it approved', async ({ page, loginAs, checkPage, w, state, appLocale, api }) => {
  // Confidential records go through the department manager, then legal.
  const staff = await api('staff_cleared')
  const r = await staff.post('/api/v1/borrows', { data: { documents: [state.docs.secret], purpose: appLocale + ' 诉讼材料准备', kind: 'electronic' } })
  expect(r.status(), await r.text()).toBe(201)
  const loan = await r.json()
  expect(loan.approval_chain).toEqual(['dept_manager', 'legal'])
  expect((await (await api('manager_cleared')).post(`/api/v1/borrows/${loan.id}/approve`, { data: { note: '同意' } })).status()).toBe(200)

  await loginAs(page, 'legal')
  await page.getByRole('link', { name: w.nav.approvals }).click()
  const card = page.getByRole('article', { name: loan.id })
  await expect(card).toContainText('保密补充协议')
  await expect(card).toContainText(w.classification.confidential)
  const chain = card.getByRole('list', { name: w.chain.label })
  await expect(chain.getByRole('listitem').nth(0)).toContainText(w.chain.done)
  await expect(chain.getByRole('listitem').nth(1)).toContainText(w.chain.waiting)
  await checkPage(page, 'approvals-legal')
  await card.getByLabel(w.approvals.comment).fill('材料齐全，同意')
  await card.getByRole('button', { name: w.approvals.approve }).click()
  await expect(page.getByRole('article', { name: loan.id })).toHaveCount(0)
  const after = await (await staff.get('/api/v1/borrows/' + loan.id)).json()
  expect(after.state).toBe('approved')
  expect(JSON.stringify(after.events)).toContain('材料齐全，同意')

  await page.getByRole('button', { name: w.header.logout }).click()
  await loginAs(page, 'staff_cleared')
  await page.goto('/loans/' + loan.id)
  await expect(page.getByTestId('loan-state')).toHaveText(w.loanState.approved)
  // Withdraw, so the other locale's run can ask again.
  await page.getByRole('button', { name: w.loan.withdraw }).click()
  await expect(page.getByTestId('loan-state')).toHaveText(w.loanState.withdrawn)
})

test('legal places a hold on a customer and releases it', async ({ page, loginAs, checkPage, w, appLocale, api }) => {
  const customer = appLocale === 'en' ? 'C0901' : 'C0902'
  await loginAs(page, 'legal')
  await page.getByRole('link', { name: w.nav.holds }).click()
  await page.getByRole('radio', { name: w.holds.scopeCustomer }).check()
  await page.getByLabel(w.holds.target).fill(customer)
  await page.getByLabel(w.holds.reason).fill('诉讼保全（2026）粤0305民初123号')
  await page.getByRole('button', { name: w.holds.submit }).click()
  await expect(page.getByRole('status').filter({ hasText: w.holds.placed })).toBeVisible()
  const row = page.getByRole('row').filter({ hasText: customer })
  await expect(row).toContainText('诉讼保全')
  await checkPage(page, 'holds')
  const holds = await (await api('legal')).get('/api/v1/holds')
  expect(JSON.stringify(await holds.json())).toContain(customer)

  await row.getByRole('button', { name: w.holds.release }).click()
  await expect(page.getByRole('status').filter({ hasText: w.holds.released })).toBeVisible()
  await expect(page.getByRole('row').filter({ hasText: customer })).toHaveCount(0)
  const after = await (await api('legal')).get('/api/v1/holds')
  expect(JSON.stringify(await after.json())).not.toContain(customer)
})

test('a recalled paper loan shows its new due date and page count and is returned by counting the pages', async ({ page, loginAs, w, state, appLocale, api }) => {
  const me = borrower(appLocale)
  const staff = await api(me)
  const r = await staff.post('/api/v1/borrows', { data: { documents: [state.docs.loanable], purpose: '纸质原件核对', kind: 'paper' } })
  expect(r.status(), await r.text()).toBe(201)
  const loanId = (await r.json()).id
  expect((await (await api('manager_south')).post(`/api/v1/borrows/${loanId}/approve`, { data: {} })).status()).toBe(200)
  const issued = await (await api('archivist')).post(`/api/v1/borrows/${loanId}/issue`, { data: { pages: [3] } })
  expect(issued.status(), await issued.text()).toBe(200)

  // The archive recalls it (催还): due in a day, and the borrower is told.
  const recalled = await (await api('archivist')).post(`/api/v1/borrows/${loanId}/recall`, { data: { within: 'P1D' } })
  expect(recalled.status(), await recalled.text()).toBe(200)

  await loginAs(page, me)
  await expect(page.getByTestId('unread-count')).not.toHaveText('0')
  await page.getByRole('link', { name: new RegExp(w.nav.notifications) }).click()
  await expect(page.getByText(w.notificationKind.recalled).first()).toBeVisible()
  await page.goto('/loans/' + loanId)
  await expect(page.getByTestId('days')).toHaveText(fill(w.loans.daysLeft, { n: 1 }))
  await expect(page.getByText(fill(w.loan.paperPages, { n: 3 }))).toBeVisible()
  await expect(page.getByRole('button', { name: w.loan.download })).toHaveCount(0)
  await page.getByLabel(w.loan.returnedPages).fill('3')
  await page.getByRole('button', { name: w.loan.returnPaper }).click()
  await expect(page.getByTestId('verdict')).toContainText(w.verdict.verified)
  expect((await (await staff.get('/api/v1/borrows/' + loanId)).json()).state).toBe('returned_verified')
})

test('an overdue loan says access is suspended and why, and the record refuses copies', async ({ page, loginAs, checkPage, w, state, appLocale, api }) => {
  const me = appLocale === 'en' ? 'staff_late_en' : 'staff_late_zh'
  const staff = await api(me)
  const r = await staff.post('/api/v1/borrows', { data: { documents: [state.docs.scan], purpose: '短期核对', kind: 'electronic', period: 'PT2S' } })
  expect(r.status(), await r.text()).toBe(201)
  const loanId = (await r.json()).id
  expect((await (await api('manager_south')).post(`/api/v1/borrows/${loanId}/approve`, { data: {} })).status()).toBe(200)
  expect((await (await api('archivist')).post(`/api/v1/borrows/${loanId}/issue`, { data: {} })).status()).toBe(200)
  // Past due, and the scheduler (every second here) marks it overdue.
  await expect.poll(async () => (await (await staff.get('/api/v1/borrows/' + loanId)).json()).state, { timeout: 15_000 }).toBe('overdue')

  await loginAs(page, me)
  await page.getByRole('link', { name: w.nav.loans }).click()
  const row = page.getByRole('row').filter({ hasText: loanId })
  await expect(row).toContainText(w.loanState.overdue)
  await expect(row).toContainText(w.loans.suspended)
  await expect(row).toContainText(fill(w.loans.daysOverdue, { n: 1 }))
  await row.getByRole('link', { name: loanId }).click()
  await expect(page.getByRole('alert')).toContainText(w.loan.suspendedWhy)
  await expect(page.getByRole('button', { name: w.loan.download })).toBeDisabled()
  await checkPage(page, 'loan-overdue')

  // The record page says why the copies are refused (the server decides).
  await page.goto('/records/' + state.docs.scan)
  await expect(page.getByRole('button', { name: w.record.view })).toBeDisabled()
  await expect(page.getByText(w.errors.borrow_overdue).first()).toBeVisible()
  const refused = await staff.post(`/api/v1/documents/${state.docs.scan}/exports`, { data: {} })
  expect((await refused.json()).error.code).toBe('borrow.overdue')
})

test('staff asks for a renewal with a reason, the manager sees the reason and grants it', async ({ page, loginAs, checkPage, w, state, appLocale, api }) => {
  const me = borrower(appLocale)
  const staff = await api(me)
  const r = await staff.post('/api/v1/borrows', { data: { documents: [state.docs.loanable], purpose: '验收资料', kind: 'electronic', period: 'P2D' } })
  expect(r.status(), await r.text()).toBe(201)
  const loanId = (await r.json()).id
  expect((await (await api('manager_south')).post(`/api/v1/borrows/${loanId}/approve`, { data: {} })).status()).toBe(200)
  const issued = await (await api('archivist')).post(`/api/v1/borrows/${loanId}/issue`, { data: {} })
  const due = (await issued.json()).due_at as string

  await loginAs(page, me)
  await page.goto('/loans/' + loanId)
  await page.getByLabel(w.loan.renewReason).fill('客户延期验收')
  await page.getByRole('button', { name: w.loan.renew }).click()
  await expect(page.getByTestId('loan-state')).toHaveText(w.loanState.renewal_requested)
  await checkPage(page, 'loan-renewal-requested')

  await page.getByRole('button', { name: w.header.logout }).click()
  await loginAs(page, 'manager_south')
  await page.getByRole('link', { name: w.nav.approvals }).click()
  const card = page.getByRole('article', { name: loanId })
  await expect(card.getByTestId('renewal-detail')).toContainText('客户延期验收')
  await card.getByRole('button', { name: w.approvals.approve }).click()
  await expect(page.getByRole('article', { name: loanId })).toHaveCount(0)

  const after = await (await staff.get('/api/v1/borrows/' + loanId)).json()
  expect(after.state).toBe('issued')
  expect(after.renewals).toBe(1)
  expect(new Date(after.due_at).getTime() - new Date(due).getTime()).toBe(14 * 86400 * 1000)
  // Return it, so nothing is left open.
  const copy = await staff.get(`/api/v1/borrows/${loanId}/copy`, { params: { document: state.docs.loanable } })
  const back = await staff.post(`/api/v1/borrows/${loanId}/return`, {
    params: { document: state.docs.loanable },
    headers: { 'Content-Type': 'application/octet-stream' },
    data: await copy.body(),
  })
  expect((await back.json()).state).toBe('returned_verified')
})
