// Writes src/routeTree.gen.ts from src/routes (what the Vite plugin does on build), so the type
// check sees the current route tree without a build.
import { fileURLToPath } from 'node:url'
import { Generator, getConfig } from '@tanstack/router-generator'

const root = fileURLToPath(new URL('..', import.meta.url))
const config = getConfig({ target: 'react', autoCodeSplitting: true }, root)
await new Generator({ config, root }).run()
