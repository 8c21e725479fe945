// Journeys of the system admin's users page: a new account with a password
// shown once, customers assigned; a privileged role granted by two admins
// (four eyes); changes to an account, and a disabled account that can no
// longer log in.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { test, expect, fill } from '../support/fixtures'
import { ROOT } from '../support/env'

test.describe.configure({ mode: 'serial' })

function suffix(locale: string): string {
  return locale === 'en' ? 'en' : 'zh'
}

interface ServerUser { username: string; display_name: string; role: string; department: string; clearance: string; disabled: boolean; customers: string[] }

test('an admin creates an account with a generated password shown once and assigns it a customer', async ({ page, loginAs, checkPage, w, appLocale, api, playwright, state }) => {
  const name = 'u_new_' + suffix(appLocale)
  await loginAs(page, 'sysadmin')
  await page.getByTestId('main-nav').getByRole('link', { name: w.nav.users }).click()
  await expect(page.getByRole('heading', { name: w.nav.users, level: 1 })).toBeVisible()
  await checkPage(page, 'admin-users')

  const form = page.getByRole('form', { name: w.users.create })
  await form.getByLabel(w.users.username).fill(name)
  await form.getByLabel(w.users.displayName).fill('新员工 ' + appLocale)
  await form.getByLabel(w.users.role).selectOption('staff')
  await form.getByLabel(w.users.department).selectOption('华南销售部')
  await form.getByLabel(w.users.clearance).selectOption('internal')
  await expect(form.getByRole('radio', { name: w.users.passwordGenerate })).toBeChecked()
  await form.getByRole('button', { name: w.users.createSubmit }).click()
  await expect(page.getByRole('status')).toContainText(fill(w.users.created, { name }))
  const password = (await page.getByTestId('initial-password').textContent())!.trim()
  expect(password).toHaveLength(16)
  await checkPage(page, 'admin-user-created')

  // What the server recorded; the password works, and is nowhere else.
  const admin = await api('sysadmin')
  const users = (await (await admin.get('/api/v1/users')).json()).items as ServerUser[]
  const u = users.find((x) => x.username === name)!
  expect(u).toMatchObject({ role: 'staff', department: '华南销售部', clearance: 'internal', disabled: false, display_name: '新员工 ' + appLocale })
  const anon = await playwright.request.newContext({ baseURL: state.baseURL })
  const login = await anon.post('/api/v1/sessions', { data: { username: name, password } })
  expect(login.status()).toBe(201)
  const token = (await login.json()).token as string
  // Without customers, a staff member sees none of the department's records.
  const none = await anon.get('/api/v1/documents?customer=C0001', { headers: { Authorization: 'Bearer ' + token } })
  expect((await none.json()).total).toBe(0)
  const audit = await (await admin.get('/api/v1/audit?action=user.add&limit=50')).text()
  expect(audit).toContain(name)
  expect(audit).not.toContain(password)
  expect(fs.readFileSync(path.join(ROOT, 'build', 'web-e2e', 'vaultd.log'), 'utf8')).not.toContain(password)
  await page.getByRole('button', { name: w.users.passwordNoted }).click()
  await expect(page.getByTestId('initial-password')).toHaveCount(0)
  expect(await page.content()).not.toContain(password)

  // Customers: assign one, see it in the list and on the server.
  await page.getByRole('button', { name: fill(w.users.editLabel, { name }) }).click()
  const editor = page.getByRole('region', { name: fill(w.users.editTitle, { name }) })
  await editor.getByLabel(w.users.customerNumber).fill('C0001')
  await editor.getByRole('button', { name: w.users.assign }).click()
  await expect(page.getByRole('status')).toContainText(fill(w.users.assigned, { customer: 'C0001', name }))
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText('C0001')
  await checkPage(page, 'admin-user-edit')
  const after = ((await (await admin.get('/api/v1/users')).json()).items as ServerUser[]).find((x) => x.username === name)!
  expect(after.customers).toEqual(['C0001'])
  // The new staff member now sees that customer's records of their department.
  const docs = await anon.get('/api/v1/documents?customer=C0001&limit=100', { headers: { Authorization: 'Bearer ' + token } })
  expect(docs.status()).toBe(200)
  expect(JSON.stringify(await docs.json())).toContain('2026 年度框架合同')
  await anon.dispose()
})

test('a privileged role needs a second admin: proposed by one, approved by another', async ({ page, loginAs, checkPage, w, appLocale, api }) => {
  const name = 'u_arch_' + suffix(appLocale)
  await loginAs(page, 'sysadmin')
  await page.goto('/admin/users')
  const form = page.getByRole('form', { name: w.users.create })
  await form.getByLabel(w.users.username).fill(name)
  await form.getByLabel(w.users.displayName).fill('档案新人 ' + appLocale)
  await form.getByLabel(w.users.role).selectOption('archive_admin')
  await expect(form.getByText(w.users.fourEyesNote)).toBeVisible()
  await form.getByLabel(w.users.department).selectOption('档案室')
  await form.getByLabel(w.users.clearance).selectOption('confidential')
  await form.getByRole('radio', { name: w.users.passwordSet }).check()
  await form.getByLabel(w.users.password, { exact: true }).fill('a long enough password ' + appLocale)
  await form.getByRole('button', { name: w.users.createSubmit }).click()
  await expect(page.getByRole('status')).toContainText(fill(w.users.createdPending, { name, role: w.roles.archive_admin }))
  // A password the admin set is not shown back.
  await expect(page.getByTestId('initial-password')).toHaveCount(0)

  // Pending: no role in effect, and the proposer is not offered to approve.
  const grantRow = page.getByRole('row', { name: fill(w.grants.rowLabel, { name }) })
  await expect(grantRow).toContainText(w.roles.none + ' → ' + w.roles.archive_admin)
  await expect(grantRow).toContainText(w.grants.waitingOther)
  await expect(grantRow.getByRole('button', { name: w.grants.approve })).toHaveCount(0)
  await expect(page.getByRole('row').filter({ hasText: name }).last()).toContainText(w.roles.none)
  await checkPage(page, 'admin-grant-pending')
  const first = await api('sysadmin')
  const user = async () => ((await (await first.get('/api/v1/users')).json()).items as ServerUser[]).find((x) => x.username === name)!
  expect((await user()).role).toBe('none')
  const grants = (await (await first.get('/api/v1/role-grants?state=proposed')).json()).items as { id: number; username: string; proposed_by: string }[]
  const grant = grants.find((g) => g.username === name)!
  expect(grant.proposed_by).toBe('sysadmin')
  // Nor does the API let the proposer approve.
  const alone = await first.post(`/api/v1/role-grants/${grant.id}/approve`)
  expect(alone.status()).toBe(403)
  expect((await alone.json()).error.code).toBe('role_grant.same_admin')
  expect((await user()).role).toBe('none')

  // The second admin approves.
  await page.getByRole('button', { name: w.header.logout }).click()
  await loginAs(page, 'sysadmin2')
  await page.goto('/admin/users')
  const row2 = page.getByRole('row', { name: fill(w.grants.rowLabel, { name }) })
  await expect(row2).toContainText('sysadmin')
  await checkPage(page, 'admin-grant-second-admin')
  await row2.getByRole('button', { name: w.grants.approve }).click()
  await expect(page.getByRole('status')).toContainText(fill(w.grants.approved, { name, role: w.roles.archive_admin }))
  await expect(page.getByRole('row', { name: fill(w.grants.rowLabel, { name }) })).toHaveCount(0)
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText(w.roles.archive_admin)
  expect((await user()).role).toBe('archive_admin')
  const all = (await (await first.get('/api/v1/role-grants?state=all')).json()).items as { id: number; state: string; decided_by: string }[]
  expect(all.find((g) => g.id === grant.id)).toMatchObject({ state: 'approved', decided_by: 'sysadmin2' })
})

test('an admin changes an account, disables it so it cannot log in, and enables it again', async ({ page, loginAs, checkPage, w, appLocale, api, playwright, state }) => {
  const name = 'u_move_' + suffix(appLocale)
  const password = 'initial password ' + appLocale
  const admin = await api('sysadmin')
  const made = await admin.post('/api/v1/users', {
    data: { username: name, display_name: '调岗人', role: 'staff', department: '华南销售部', clearance: 'internal', password },
  })
  expect(made.status(), await made.text()).toBe(201)
  const user = async () => ((await (await admin.get('/api/v1/users')).json()).items as ServerUser[]).find((x) => x.username === name)!

  await loginAs(page, 'sysadmin')
  await page.goto('/admin/users')
  await page.getByRole('button', { name: fill(w.users.editLabel, { name }) }).click()
  const editor = page.getByRole('region', { name: fill(w.users.editTitle, { name }) })
  await editor.getByLabel(w.users.displayName).fill('调岗经理')
  await editor.getByLabel(w.users.role).selectOption('dept_manager')
  await editor.getByLabel(w.users.department).selectOption('华东销售部')
  await editor.getByLabel(w.users.clearance).selectOption('confidential')
  await editor.getByRole('button', { name: w.users.save }).click()
  await expect(page.getByRole('status')).toContainText(fill(w.users.saved, { name }))
  const row = page.getByRole('row').filter({ hasText: name })
  await expect(row).toContainText(w.roles.dept_manager)
  await expect(row).toContainText('华东销售部')
  expect(await user()).toMatchObject({ display_name: '调岗经理', role: 'dept_manager', department: '华东销售部', clearance: 'confidential' })

  // A privileged role from the editor is only proposed.
  await editor.getByLabel(w.users.role).selectOption('legal')
  await editor.getByRole('button', { name: w.users.save }).click()
  await expect(page.getByRole('status')).toContainText(fill(w.users.proposed, { name, role: w.roles.legal }))
  expect((await user()).role).toBe('dept_manager')
  await page.getByRole('row', { name: fill(w.grants.rowLabel, { name }) }).getByRole('button', { name: w.grants.withdraw }).click()
  await expect(page.getByRole('row', { name: fill(w.grants.rowLabel, { name }) })).toHaveCount(0)

  // Disable: the account's state on the page and the server, and its login refused.
  await editor.getByRole('button', { name: w.users.disable }).click()
  await expect(page.getByRole('status')).toContainText(fill(w.users.disabledDone, { name }))
  await expect(row).toContainText(w.users.disabled)
  await checkPage(page, 'admin-user-disabled')
  expect((await user()).disabled).toBe(true)
  await page.getByRole('button', { name: w.header.logout }).click()
  await expect(page.getByTestId('who-am-i')).toHaveCount(0)
  await page.goto('/login')
  await page.getByLabel(w.login.username).fill(name)
  await page.getByLabel(w.login.password, { exact: true }).fill(password)
  await expect(page.getByLabel(w.login.username)).toHaveValue(name)
  await page.getByRole('button', { name: w.login.submit }).click()
  await expect(page.getByRole('alert')).toContainText(w.errors.auth_disabled)
  await expect(page.getByTestId('who-am-i')).toHaveCount(0)

  // Enabled again, the same password works.
  await loginAs(page, 'sysadmin')
  await page.goto('/admin/users')
  await page.getByRole('button', { name: fill(w.users.editLabel, { name }) }).click()
  await page.getByRole('region', { name: fill(w.users.editTitle, { name }) }).getByRole('button', { name: w.users.enable }).click()
  await expect(page.getByRole('status')).toContainText(fill(w.users.enabledDone, { name }))
  expect((await user()).disabled).toBe(false)
  const anon = await playwright.request.newContext({ baseURL: state.baseURL })
  expect((await anon.post('/api/v1/sessions', { data: { username: name, password } })).status()).toBe(201)
  await anon.dispose()
})
