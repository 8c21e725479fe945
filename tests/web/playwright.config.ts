// Browser journeys of the web UI (docs/web.md): Debian's chromium (never a
// downloaded browser) against a real vaultd over a fresh vault, every
// journey once per locale.
import { defineConfig } from '@playwright/test'
import * as os from 'node:os'

const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium'
const args = process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : []

export default defineConfig({
  testDir: './journeys',
  globalSetup: './support/global-setup.ts',
  globalTeardown: './support/global-teardown.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: '../../build/web-test-results',
  use: {
    launchOptions: { executablePath: chromium, args },
    acceptDownloads: true,
    trace: 'off',
    viewport: { width: 1280, height: 860 },
  },
  projects: [
    { name: 'zh-CN', use: { appLocale: 'zh-CN', locale: 'zh-CN' } as never },
    { name: 'en', use: { appLocale: 'en', locale: 'en-US' } as never },
  ],
  metadata: { host: os.hostname() },
})
