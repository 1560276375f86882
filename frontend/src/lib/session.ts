// The bearer token lives in memory and in sessionStorage (one tab, gone when it closes), never in
// localStorage: a token that outlives the tab is one more thing an XSS could walk away with.
const KEY = 'opbx.session'

interface Stored {
  token: string
  expiresAt: string
}

function read(): Stored | null {
  try {
    const raw = sessionStorage.getItem(KEY)
    if (!raw) return null
    const parsed = JSON.parse(raw) as Partial<Stored>
    if (typeof parsed.token !== 'string' || typeof parsed.expiresAt !== 'string') return null
    return { token: parsed.token, expiresAt: parsed.expiresAt }
  } catch {
    return null
  }
}

let current: Stored | null = read()

export const session = {
  /** The token, or null when signed out or expired. */
  token(): string | null {
    if (current && Date.parse(current.expiresAt) <= Date.now()) session.clear()
    return current?.token ?? null
  },
  set(token: string, expiresAt: string) {
    current = { token, expiresAt }
    sessionStorage.setItem(KEY, JSON.stringify(current))
  },
  clear() {
    current = null
    sessionStorage.removeItem(KEY)
  },
}
