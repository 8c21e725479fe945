import { execFileSync } from 'node:child_process'
import { BIN } from '../support/env'
import { test, expect, words } from '../support/fixtures'

test('staff logs in, sees who they are, switches language and logs out', async ({ page, loginAs, checkPage, w, appLocale, api }) => {
  await page.goto('/')
  await expect(page).toHaveURL(/\/login/)
  await checkPage(page, 'login')
  await loginAs(page, 'staff_south')
  await expect(page.getByTestId('who-am-i')).toContainText('张三')
  await expect(page.getByTestId('who-am-i')).toContainText(w.roles.staff)
  await expect(page.getByTestId('who-am-i')).toContainText('华南销售部')

  // The other language, kept across a reload, and back.
  const other = appLocale === 'en' ? 'zh-CN' : 'en'
  await page.getByRole('button', { name: w.header.switchTo }).click()
  const ow = words(other)
  await expect(page.getByRole('heading', { name: ow.search.heading })).toBeVisible()
  await page.reload()
  await expect(page.getByRole('heading', { name: ow.search.heading })).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', other)
  await page.getByRole('button', { name: ow.header.switchTo }).click()
  await expect(page.getByRole('heading', { name: w.search.heading })).toBeVisible()

  await page.getByRole('button', { name: w.header.logout }).click()
  await expect(page).toHaveURL(/\/login/)
  await expect(page.getByRole('status').filter({ hasText: w.login.loggedOut })).toBeVisible()
  // The session is over on the server too, and the page is protected again.
  await page.goto('/search')
  await expect(page).toHaveURL(/\/login/)
  const audit = await (await api('auditor')).get('/api/v1/audit', { params: { user: 'staff_south', action: 'session.delete' } })
  expect((await audit.json()).items.length).toBeGreaterThan(0)
})

test('a wrong password, a locked account and a disabled account each say so', async ({ page, w, appLocale, state, checkPage }) => {
  await page.goto('/login')
  await page.getByLabel(w.login.username).fill('staff_south')
  await page.getByLabel(w.login.password, { exact: true }).fill('not the password')
  await page.getByRole('button', { name: w.login.submit }).click()
  await expect(page.getByRole('alert')).toContainText(w.errors.auth_failed)
  await checkPage(page, 'login-wrong-password')

  const locked = appLocale === 'en' ? 'staff_locked_en' : 'staff_locked_zh'
  for (let i = 0; i < 6; i++) {
    await page.getByLabel(w.login.username).fill(locked)
    await page.getByLabel(w.login.password, { exact: true }).fill('wrong ' + i)
    await page.getByRole('button', { name: w.login.submit }).click()
    await expect(page.getByRole('alert')).toBeVisible()
  }
  await expect(page.getByRole('alert')).toContainText(w.errors.auth_locked)
  // Even the right password is refused while locked.
  await page.getByLabel(w.login.password, { exact: true }).fill(state.passwords[locked])
  await page.getByRole('button', { name: w.login.submit }).click()
  await expect(page.getByRole('alert')).toContainText(w.errors.auth_locked)

  // A disabled account: logged in, then disabled by an admin: the next
  // request brings the browser back to the login page with the reason.
  await page.getByLabel(w.login.username).fill('staff_disabled')
  await page.getByLabel(w.login.password, { exact: true }).fill(state.passwords.staff_disabled)
  await page.getByRole('button', { name: w.login.submit }).click()
  await expect(page.getByTestId('who-am-i')).toBeVisible()
  execFileSync(BIN + '/vaultctl', ['user', 'disable', 'staff_disabled'], {
    env: { ...process.env, VAULT_DATA: state.dataDir, VAULT_KEY_FILE: state.keyFile },
  })
  // Disabling ends the account's sessions: back to the login page, which
  // then says the account is disabled.
  await page.getByRole('link', { name: w.nav.loans }).click()
  await expect(page).toHaveURL(/\/login\?reason=auth.revoked/)
  await expect(page.getByRole('status')).toContainText(w.errors.auth_revoked)
  await checkPage(page, 'login-session-ended')
  await page.getByLabel(w.login.username).fill('staff_disabled')
  await page.getByLabel(w.login.password, { exact: true }).fill(state.passwords.staff_disabled)
  await page.getByRole('button', { name: w.login.submit }).click()
  await expect(page.getByRole('alert')).toContainText(w.errors.auth_disabled)
  execFileSync(BIN + '/vaultctl', ['user', 'enable', 'staff_disabled'], {
    env: { ...process.env, VAULT_DATA: state.dataDir, VAULT_KEY_FILE: state.keyFile },
  })
})

test('login works with the keyboard alone', async ({ page, w, state }) => {
  await page.goto('/login')
  await expect(page.getByLabel(w.login.username)).toBeFocused()
  await page.keyboard.type('staff_south')
  await page.keyboard.press('Tab')
  await expect(page.getByLabel(w.login.password, { exact: true })).toBeFocused()
  await page.keyboard.type(state.passwords.staff_south)
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('who-am-i')).toContainText('张三')
})
