import { setupServer } from 'msw/node'

/** The API as the unit tests see it: every request must be answered by a handler of the test. */
export const server = setupServer()
