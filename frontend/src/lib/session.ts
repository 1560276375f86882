// Bearer tokens live in memory and in sessionStorage (one tab, gone when it closes), never in
// localStorage: a token that outlives the tab is one more thing an XSS could walk away with.

interface Stored {
  token: string
  expiresAt: string
}

function read(key: string): Stored | null {
  try {
    const raw = sessionStorage.getItem(key)
    if (!raw) return null
    const parsed = JSON.parse(raw) as Partial<Stored>
    if (typeof parsed.token !== 'string' || typeof parsed.expiresAt !== 'string') return null
    return { token: parsed.token, expiresAt: parsed.expiresAt }
  } catch {
    return null
  }
}

export interface Session {
  /** The token, or null when signed out or expired. */
  token(): string | null
  set(token: string, expiresAt: string): void
  clear(): void
}

function stored(key: string): Session {
  let current: Stored | null = read(key)
  const self: Session = {
    token() {
      if (current && Date.parse(current.expiresAt) <= Date.now()) self.clear()
      return current?.token ?? null
    },
    set(token, expiresAt) {
      current = { token, expiresAt }
      sessionStorage.setItem(key, JSON.stringify(current))
    },
    clear() {
      current = null
      sessionStorage.removeItem(key)
    },
  }
  return self
}

/** A user's sign-in to their organization. */
export const session = stored('opbx.session')

/**
 * A platform operator's sign-in, kept apart: an operator token is not an organization token, so
 * neither is ever sent where the other belongs, and signing out of one leaves the other.
 */
export const platformSession = stored('opbx.platform-session')
