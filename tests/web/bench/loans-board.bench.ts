// bench/web.sh's loans board half (run by its loans_board_bench block, never
// by the search bench's invocation): the time from pressing Enter on the
// header's "loans board" link to the board rendered, over a vault with
// 10,000 loans. The clock starts on the Enter keydown (in the page) and stops
// at the first animation frame where the board's counts and its sections'
// rows are on screen. Writes JSON to BENCH_BOARD_OUT.
import { test } from '@playwright/test'
import * as fs from 'node:fs'

const out = process.env.BENCH_BOARD_OUT
const user = process.env.BENCH_USER ?? 'archive01'
const password = process.env.BENCH_PASSWORD ?? 'benchmark password archive01'
const runs = Number(process.env.BENCH_RUNS ?? 7)

test('loans board bench', async ({ browser, baseURL }) => {
  test.skip(!out, 'run by bench/web.sh (BENCH_BOARD_OUT)')
  const ctx = await browser.newContext({ baseURL })
  const r = await ctx.request.post('/api/v1/sessions', { data: { username: user, password, cookie: true } })
  if (!r.ok()) throw new Error('login failed: ' + r.status())
  const page = await ctx.newPage()
  const requests: string[] = []
  page.on('request', (q) => {
    const u = new URL(q.url())
    if (u.pathname.startsWith('/api/v1/borrows') || u.pathname === '/api/v1/incidents') requests.push(u.pathname + u.search)
  })
  const times: number[] = []
  let rows = 0
  for (let i = 0; i <= runs; i++) {  // the first is a warm-up (the page's chunk gets cached)
    await page.goto('/search')
    await page.waitForLoadState('networkidle')
    requests.length = 0
    const link = page.getByTestId('main-nav').locator('a[href="/loans-board"]')
    await link.focus()
    const done = page.evaluate(() => new Promise<{ ms: number; rows: number }>((resolve) => {
      let t0 = 0
      document.addEventListener('keydown', (e) => { if (e.key === 'Enter' && !t0) t0 = performance.now() }, { capture: true })
      const tick = () => {
        const ready = document.querySelector('[data-testid="board-ready"]')
        const n = document.querySelectorAll('table.board tbody tr').length
        if (t0 && ready && n > 0) resolve({ ms: performance.now() - t0, rows: n })
        else requestAnimationFrame(tick)
      }
      requestAnimationFrame(tick)
    }))
    await link.press('Enter')
    const t = await done
    if (i > 0) times.push(t.ms)
    rows = t.rows
  }
  await ctx.close()
  fs.writeFileSync(out!, JSON.stringify({ times, rows, requests: [...new Set(requests)] }, null, 2))
})
