#!/usr/bin/env bash
# The frontend's static checks: the client types are regenerated from the committed OpenAPI
# snapshot and must not differ from the committed ones (a changed API needs `npm run gen:api`
# and a look at what broke), the route tree likewise, then the type check and the linters.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run --silent gen:api
node scripts/gen-routes.mjs
if ! git diff --exit-code --stat -- src/api/schema.d.ts src/routeTree.gen.ts; then
  echo "check: generated files differ from the committed ones; commit the regenerated versions" >&2
  exit 1
fi
npx tsc -b
npm run --silent lint
echo "check: ok"
