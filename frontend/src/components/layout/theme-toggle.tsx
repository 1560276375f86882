import { MoonIcon, SunIcon } from 'lucide-react'
import { useState } from 'react'
import { saveTheme, savedTheme, type Theme } from '@/lib/theme'
import { Button } from '../ui/button'

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(savedTheme)
  const next = theme === 'dark' ? 'light' : 'dark'
  return (
    <Button
      variant="ghost"
      size="icon"
      aria-label={`Switch to ${next} theme`}
      onClick={() => {
        saveTheme(next)
        setTheme(next)
      }}
    >
      {theme === 'dark' ? <SunIcon aria-hidden /> : <MoonIcon aria-hidden />}
    </Button>
  )
}
