// Layering rules the linter cannot express:
// - a feature (src/features/<name>) never imports another feature: shared pieces go to components/,
//   lib/ or api/;
// - api/, lib/ and components/ never import features/ or routes/ (they sit below them);
// - no barrel files: no `export … from` re-exports, no index.ts(x) outside routes/.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const src = resolve(new URL('../src', import.meta.url).pathname)
const problems = []

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* sources(path)
    else if (
      /\.(ts|tsx)$/.test(entry.name) &&
      !entry.name.endsWith('.d.ts') &&
      entry.name !== 'routeTree.gen.ts'
    ) {
      yield path
    }
  }
}

/** The src-relative path an import specifier points at, or null for a package. */
function target(file, spec) {
  if (spec.startsWith('@/')) return spec.slice(2)
  if (spec.startsWith('.')) return relative(src, resolve(dirname(file), spec))
  return null
}

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g

for (const file of sources(src)) {
  const here = relative(src, file)
  const [top, feature] = here.split('/')
  const text = readFileSync(file, 'utf8')
  if (/^\s*export\s+(\*|\{[^}]*\})\s+from\s/m.test(text))
    problems.push(`${here}: re-exports (no barrel files)`)
  if (/^index\.tsx?$/.test(here.split('/').at(-1)) && top !== 'routes') {
    problems.push(`${here}: index files are barrels; import the module itself`)
  }
  for (const m of text.matchAll(IMPORT)) {
    const to = target(file, m[1] ?? m[2])
    if (!to) continue
    const [toTop, toFeature] = to.split('/')
    if (top === 'features' && toTop === 'features' && toFeature !== feature) {
      problems.push(`${here}: imports another feature (${to}); move the shared part to components/ or lib/`)
    }
    if (['api', 'lib', 'components'].includes(top) && (toTop === 'features' || toTop === 'routes')) {
      problems.push(`${here}: ${top}/ must not import ${toTop}/ (${to})`)
    }
  }
}

if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log('imports: features independent, layers downward, no barrels')
