// One line over the frontend's tests, summed from the Vitest and Playwright JSON reports:
// `frontend: N passed, N failed`. A missing report (its step did not run) counts as a failure.
import { existsSync, readFileSync } from 'node:fs'

const read = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null)
const vitest = read('test-results/vitest.json')
const playwright = read('test-results/playwright.json')

let passed = 0
let failed = 0
const missing = []
if (vitest) {
  passed += vitest.numPassedTests
  failed += vitest.numFailedTests
} else missing.push('unit (Vitest)')
if (playwright) {
  passed += playwright.stats.expected
  failed += playwright.stats.unexpected + playwright.stats.flaky
} else missing.push('browser (Playwright)')

if (missing.length) console.log(`frontend: no report from ${missing.join(' and ')} tests`)
console.log(`frontend: ${passed} passed, ${failed} failed`)
process.exit(failed > 0 || missing.length > 0 ? 1 : 0)
