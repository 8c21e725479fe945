// The web UI's bench (bench/web.sh, docs/web.md): its own config, so that
// scripts/web-test.sh (testDir ./journeys) never runs it. bench/web.sh
// starts vaultd over a seeded vault and passes it in BENCH_BASE_URL.
import { defineConfig } from '@playwright/test'

const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium'
const args = process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []

export default defineConfig({
  testDir: '.',
  testMatch: '*.bench.ts',
  timeout: 300_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../../../build/web-bench-results',
  use: {
    baseURL: process.env.BENCH_BASE_URL,
    launchOptions: { executablePath: chromium, args },
    viewport: { width: 1280, height: 860 },
    locale: 'zh-CN',
  },
})
