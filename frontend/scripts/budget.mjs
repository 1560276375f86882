// The bundle budget (ARCHITECTURE §10): what a first visit downloads (the entry chunk, its static
// imports and their CSS) must stay within 170 KB gzip, and each lazily loaded route within 120 KB
// beyond that. Reads dist/.vite/manifest.json from `vite build`; prints the figures, exits 1 when over.
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const INITIAL_LIMIT = 170 * 1024
const LAZY_LIMIT = 120 * 1024

const dist = new URL('../dist/', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', dist), 'utf8'))
const gz = new Map()
const size = (file) => {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(new URL(file, dist)), { level: 9 }).length)
  return gz.get(file)
}

/** Files a chunk needs before it runs: itself, its static imports (transitively) and their CSS. */
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen
  seen.add(key)
  for (const dep of manifest[key].imports ?? []) closure(dep, seen)
  return seen
}
const filesOf = (keys) => new Set([...keys].flatMap((k) => [manifest[k].file, ...(manifest[k].css ?? [])]))
const total = (files) => [...files].reduce((sum, f) => sum + size(f), 0)
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry)
const initialFiles = filesOf(closure(entry))
const initial = total(initialFiles)
const js = total([...initialFiles].filter((f) => f.endsWith('.js')))

const lazy = Object.keys(manifest)
  .filter((k) => manifest[k].isDynamicEntry)
  .map((k) => {
    const extra = [...filesOf(closure(k))].filter((f) => !initialFiles.has(f))
    return { name: k.replace(/^src\/routes\//, '').replace(/\?.*$/, ''), bytes: total(extra) }
  })
  .sort((a, b) => b.bytes - a.bytes)

console.log(
  `initial: ${kb(initial)} gzip (JS ${kb(js)}, CSS ${kb(initial - js)}); limit ${kb(INITIAL_LIMIT)}`,
)
const largest = lazy
  .slice(0, 8)
  .map((l) => `${l.name}=${kb(l.bytes)}`)
  .join(', ')
console.log(`lazy routes: ${lazy.length}, largest: ${largest}; limit ${kb(LAZY_LIMIT)} each`)

const over = lazy.filter((l) => l.bytes > LAZY_LIMIT)
if (initial > INITIAL_LIMIT || over.length) {
  if (initial > INITIAL_LIMIT)
    console.error(`budget: initial load ${kb(initial)} is over ${kb(INITIAL_LIMIT)}`)
  for (const l of over) console.error(`budget: lazy route ${l.name} ${kb(l.bytes)} is over ${kb(LAZY_LIMIT)}`)
  process.exit(1)
}
console.log('budget: ok')
