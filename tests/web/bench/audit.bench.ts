// bench/web.sh's audit viewer row (run only with BENCH_AUDIT=1, against the
// vault bench_audit_seed filled with 1,000,000 events): the time from
// pressing Enter in the viewer's filter form (no filter: the first page,
// newest first, with its chain status) to that page rendered. Writes JSON to
// BENCH_OUT; bench/web.sh compares it with curl of the same API call.
import { test, type Page } from '@playwright/test'
import * as fs from 'node:fs'

const user = process.env.BENCH_AUDIT_USER ?? 'auditor01'
const password = process.env.BENCH_AUDIT_PASSWORD ?? 'benchmark password auditor01'
const runs = Number(process.env.BENCH_RUNS ?? 7)
const out = process.env.BENCH_OUT ?? 'web-audit-bench.json'

// The clock starts on the Enter keydown (in the page) and stops at the first
// animation frame where the results show a new answer (data-loads changed)
// and are no longer busy.
async function timedFirstPage(page: Page): Promise<{ ms: number; apiUrl: string; rows: number }> {
  let apiUrl = ''
  const onRequest = (r: { url(): string }) => {
    const u = new URL(r.url())
    if (u.pathname === '/api/v1/audit') apiUrl = u.pathname + u.search
  }
  page.on('request', onRequest)
  const done = page.evaluate(() => new Promise<{ ms: number; rows: number }>((resolve) => {
    const results = () => document.querySelector('[data-testid="audit-results"]') as HTMLElement | null
    const before = results()?.dataset.loads ?? ''
    let t0 = 0
    document.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !t0) t0 = performance.now() }, { capture: true })
    const tick = () => {
      const r = results()
      if (t0 && r && r.dataset.loads !== before && r.getAttribute('aria-busy') !== 'true') {
        resolve({ ms: performance.now() - t0, rows: r.querySelectorAll('tbody tr').length })
      } else requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  }))
  await page.locator('#a-user').press('Enter')
  const r = await done
  page.off('request', onRequest)
  return { ...r, apiUrl }
}

test('audit viewer bench', async ({ browser, baseURL }) => {
  test.skip(process.env.BENCH_AUDIT !== '1', 'bench/web.sh runs this against its audit vault')
  const ctx = await browser.newContext({ baseURL })
  const r = await ctx.request.post('/api/v1/sessions', { data: { username: user, password, cookie: true } })
  if (!r.ok()) throw new Error('login failed: ' + r.status() + ' ' + (await r.text()))
  const page = await ctx.newPage()
  await page.goto('/audit')
  await page.waitForSelector('[data-testid="audit-table"] tbody tr')
  await page.waitForLoadState('networkidle')
  await timedFirstPage(page)  // warm-up
  const times: number[] = []
  let apiUrl = ''
  let rows = 0
  for (let i = 0; i < runs; i++) {
    const t = await timedFirstPage(page)
    times.push(t.ms)
    apiUrl = t.apiUrl
    rows = t.rows
  }
  const chain = await page.getByTestId('page-chain').textContent()
  await ctx.close()
  fs.writeFileSync(out, JSON.stringify({ times, apiUrl, rows, chain }, null, 2))
})
