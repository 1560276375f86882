import '@testing-library/jest-dom/vitest'
import { cleanup, configure } from '@testing-library/react'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { platformSession, session } from '@/lib/session'
import { server } from './server'

// findBy… and waitFor wait this long before failing; generous for a loaded machine.
configure({ asyncUtilTimeout: 10_000 })

// Radix primitives measure and capture pointers; jsdom has neither.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
}
Element.prototype.hasPointerCapture ??= () => false
Element.prototype.releasePointerCapture ??= () => {}
Element.prototype.scrollIntoView ??= () => {}
window.scrollTo = () => {}

// A request no handler answers fails the test that made it (MSW alone only logs it).
const unhandled: string[] = []
beforeAll(() =>
  server.listen({
    onUnhandledRequest: (request, print) => {
      unhandled.push(`${request.method} ${new URL(request.url).pathname}`)
      print.error()
    },
  }),
)
afterEach(() => {
  cleanup()
  server.resetHandlers()
  session.clear()
  platformSession.clear()
  localStorage.clear()
  const requests = unhandled.splice(0)
  if (requests.length) throw new Error(`requests without a handler: ${requests.join(', ')}`)
})
afterAll(() => server.close())
