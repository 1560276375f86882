import { setupServer } from 'msw/node'
import { on, page } from './http'

/**
 * The API as the unit tests see it: every request must be answered by a handler of the test. The
 * answers given unasked are those of what many edit screens show beside their form: the "Routes
 * here" panel (nothing routes there) and the recording pickers (no recordings), unless a test's
 * own handler says otherwise.
 */
export const server = setupServer(
  on('get', '/api/v1/routing/references/{type}/{id}', () => ({ data: [] })),
  on('get', '/api/v1/recordings', () => page([])),
)
