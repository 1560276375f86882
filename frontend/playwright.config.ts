import { defineConfig } from '@playwright/test'

// Runs against a real opbx-local (scripts/e2e.sh starts one on a temp SQLite and sets BASE_URL)
// with Debian's chromium (CHROMIUM_PATH): Playwright never downloads a browser here.
const baseURL = process.env.BASE_URL
if (!baseURL) throw new Error('BASE_URL is not set: run the browser tests with `npm run e2e`')

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/playwright-artifacts',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  // A hung run fails instead of holding CI (the whole suite takes about 4 minutes).
  globalTimeout: 20 * 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH },
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
})
