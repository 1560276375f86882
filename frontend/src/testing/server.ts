import { setupServer } from 'msw/node'
import { on } from './http'

/**
 * The API as the unit tests see it: every request must be answered by a handler of the test. The
 * one answer given unasked is the "Routes here" panel's on every edit screen: nothing routes
 * there, unless a test's own handler says otherwise.
 */
export const server = setupServer(on('get', '/api/v1/routing/references/{type}/{id}', () => ({ data: [] })))
