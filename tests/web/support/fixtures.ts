// What every journey shares: the server's state, the locale of the run,
// logging in, the API as a given user (to check what the server recorded),
// and checkPage (axe, screenshot, untranslated keys).
import AxeBuilder from '@axe-core/playwright'
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { SCREENSHOTS, STATE_FILE, type State } from './env'
import en from '../../../api/web/src/i18n/en'
import zhCN from '../../../api/web/src/i18n/zh-CN'

export type AppLocale = 'zh-CN' | 'en'

type Messages = typeof zhCN
// The words of the run's locale, looked up by key as the app does.
export function words(locale: AppLocale): Messages {
  return (locale === 'en' ? en : zhCN) as Messages
}

// Fills {name} placeholders like vue-i18n.
export function fill(message: string, values: Record<string, string | number>): string {
  return message.replace(/\{(\w+)\}/g, (_, k) => String(values[k]))
}

interface Fixtures {
  appLocale: AppLocale
  state: State
  w: Messages
  problems: string[]
  api: (user: string) => Promise<APIRequestContext>
  loginAs: (page: Page, user: string) => Promise<void>
  checkPage: (page: Page, name: string) => Promise<void>
}

export const test = base.extend<Fixtures>({
  appLocale: ['zh-CN', { option: true }],
  state: async ({}, use) => {
    await use(JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')) as State)
  },
  baseURL: async ({ state }, use) => use(state.baseURL),
  w: async ({ appLocale }, use) => use(words(appLocale)),
  // Console errors (an untranslated key, a CSP violation, a failed script)
  // and page errors fail the journey.
  problems: async ({}, use) => use([]),
  page: async ({ page, appLocale, problems }, use) => {
    await page.addInitScript((locale) => {
      if (!localStorage.getItem('vault.locale')) localStorage.setItem('vault.locale', locale)
    }, appLocale)
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push('console: ' + m.text())
    })
    page.on('pageerror', (e) => problems.push('page error: ' + e.message))
    page.on('dialog', (d) => {
      problems.push('dialog: ' + d.message())
      void d.dismiss()
    })
    await use(page)
    expect(problems, 'console errors, page errors or dialogs').toEqual([])
  },
  api: async ({ playwright, state }, use) => {
    const made: APIRequestContext[] = []
    await use(async (user: string) => {
      const anon = await playwright.request.newContext({ baseURL: state.baseURL })
      const r = await anon.post('/api/v1/sessions', { data: { username: user, password: state.passwords[user] } })
      expect(r.status(), await r.text()).toBe(201)
      const { token } = await r.json()
      await anon.dispose()
      const ctx = await playwright.request.newContext({
        baseURL: state.baseURL,
        extraHTTPHeaders: { Authorization: 'Bearer ' + token },
      })
      made.push(ctx)
      return ctx
    })
    for (const c of made) await c.dispose()
  },
  loginAs: async ({ state, w }, use) => {
    await use(async (page: Page, user: string) => {
      await page.goto('/login')
      await page.getByLabel(w.login.username).fill(user)
      await page.getByLabel(w.login.password, { exact: true }).fill(state.passwords[user])
      await page.getByRole('button', { name: w.login.submit }).click()
      await expect(page.getByTestId('who-am-i')).toBeVisible()
    })
  },
  checkPage: async ({ appLocale }, use) => {
    await use(async (page: Page, name: string) => {
      await page.waitForLoadState('networkidle')
      const dir = path.join(SCREENSHOTS, appLocale)
      fs.mkdirSync(dir, { recursive: true })
      await page.screenshot({ path: path.join(dir, name + '.png'), fullPage: true })
      const results = await new AxeBuilder({ page }).analyze()
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      expect(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${name}`).toEqual([])
    })
  },
})

export { expect }
