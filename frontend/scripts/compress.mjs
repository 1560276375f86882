// Writes NAME.br and NAME.gz beside every text asset of dist/, so opbx-local (tower-http
// ServeDir::precompressed_br/gzip) and CDNs serve them compressed without compressing per request.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const dist = new URL('../dist/', import.meta.url).pathname
const TEXT = /\.(js|css|html|svg|json|txt|map|webmanifest)$/

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* files(path)
    else if (TEXT.test(entry.name)) yield path
  }
}

let count = 0
let raw = 0
let br = 0
for await (const path of files(dist)) {
  const body = await readFile(path)
  const brotli = brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  })
  await writeFile(`${path}.br`, brotli)
  await writeFile(`${path}.gz`, gzipSync(body, { level: 9 }))
  count++
  raw += body.length
  br += brotli.length
}
console.log(
  `compressed ${count} files: ${(raw / 1024).toFixed(1)} KB raw, ${(br / 1024).toFixed(1)} KB brotli`,
)
