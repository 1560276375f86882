// Light or dark: the saved choice, else the system's. The choice is a preference, not a secret,
// so localStorage is fine here (the session token never goes there).
export type Theme = 'light' | 'dark'

const KEY = 'opbx.theme'

export function savedTheme(): Theme {
  const saved = localStorage.getItem(KEY)
  if (saved === 'light' || saved === 'dark') return saved
  return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

export function applyTheme(theme: Theme) {
  document.documentElement.classList.toggle('dark', theme === 'dark')
}

export function saveTheme(theme: Theme) {
  localStorage.setItem(KEY, theme)
  applyTheme(theme)
}
