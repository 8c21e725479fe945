// bench/web.sh's browser half: what the login and search pages load (the
// gzip size of every script and stylesheet they request) and the time from
// pressing Enter in the search box to the results rendered. Writes JSON to
// BENCH_OUT; bench/web.sh compares it with curl against the same server.
import { test, type BrowserContext, type Page } from '@playwright/test'
import * as fs from 'node:fs'
import * as zlib from 'node:zlib'

const user = process.env.BENCH_USER ?? 'archive01'
const password = process.env.BENCH_PASSWORD ?? 'benchmark password archive01'
const query = process.env.BENCH_QUERY ?? 'nda'
const runs = Number(process.env.BENCH_RUNS ?? 7)
const out = process.env.BENCH_OUT ?? 'web-bench.json'

interface Loaded { files: { url: string; type: string; bytes: number; gzip: number }[]; js: number; css: number; total: number }

// Loads `path` in a fresh page of `ctx` (empty cache) and sums the gzip size
// (level 9, what a gzip-serving proxy would send) of each script and style.
async function load(ctx: BrowserContext, path: string): Promise<Loaded> {
  const page = await ctx.newPage()
  const pending: Promise<Loaded['files'][number] | null>[] = []
  page.on('response', (r) => {
    const type = r.request().resourceType()
    if (type !== 'script' && type !== 'stylesheet') return
    pending.push(r.body().then((b) => ({ url: new URL(r.url()).pathname, type, bytes: b.length,
      gzip: zlib.gzipSync(b, { level: 9 }).length })).catch(() => null))
  })
  await page.goto(path)
  await page.waitForLoadState('networkidle')
  const files = (await Promise.all(pending)).filter((f): f is Loaded['files'][number] => !!f)
  await page.close()
  const sum = (t: string) => files.filter((f) => f.type === t).reduce((a, f) => a + f.gzip, 0)
  return { files, js: sum('script'), css: sum('stylesheet'), total: sum('script') + sum('stylesheet') }
}

// One timed search: the clock starts on the Enter keydown (in the page) and
// stops at the first animation frame where the result table shows the new
// answer (the count line or the first row changed) and no loading mask.
async function timedSearch(page: Page): Promise<{ ms: number; status: string; apiUrl: string }> {
  await page.goto('/search')
  await page.waitForLoadState('networkidle')
  const box = page.locator('#search-title')
  await box.fill(query)
  let apiUrl = ''
  page.on('request', (r) => { if (r.url().includes('/api/v1/documents?')) apiUrl = new URL(r.url()).pathname + new URL(r.url()).search })
  const done = page.evaluate(() => new Promise<{ ms: number; status: string }>((resolve) => {
    const status = () => document.querySelector('[role="status"]')?.textContent ?? ''
    const first = () => document.querySelector('table.results tbody tr a')?.getAttribute('href') ?? ''
    const before = [status(), first()]
    let t0 = 0
    document.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !t0) t0 = performance.now() }, { capture: true })
    const tick = () => {
      const mask = document.querySelector('.el-loading-mask') as HTMLElement | null
      const busy = !!mask && mask.style.display !== 'none' && mask.offsetParent !== null
      if (t0 && !busy && (status() !== before[0] || first() !== before[1])) resolve({ ms: performance.now() - t0, status: status() })
      else requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  }))
  await box.press('Enter')
  const r = await done
  return { ...r, apiUrl }
}

test('web bench', async ({ browser, baseURL }) => {
  const login: Loaded[] = []
  const search: Loaded[] = []
  const times: number[] = []
  let status = ''
  let apiUrl = ''
  for (let i = 0; i < 3; i++) {
    const ctx = await browser.newContext({ baseURL })
    login.push(await load(ctx, '/login'))
    const r = await ctx.request.post('/api/v1/sessions', { data: { username: user, password, cookie: true } })
    if (!r.ok()) throw new Error('login failed: ' + r.status() + ' ' + (await r.text()))
    search.push(await load(ctx, '/search'))
    await ctx.close()
  }
  const ctx = await browser.newContext({ baseURL })
  const r = await ctx.request.post('/api/v1/sessions', { data: { username: user, password, cookie: true } })
  if (!r.ok()) throw new Error('login failed')
  const page = await ctx.newPage()
  await timedSearch(page)  // warm-up: the page's chunks are cached, as after any first visit
  for (let i = 0; i < runs; i++) {
    const t = await timedSearch(page)
    times.push(t.ms)
    status = t.status
    apiUrl = t.apiUrl
  }
  await ctx.close()
  fs.writeFileSync(out, JSON.stringify({ query, login: login[login.length - 1], search: search[search.length - 1], times, status, apiUrl }, null, 2))
})
