import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app'
import { applyTheme, savedTheme } from './lib/theme'
import { createQueryClient } from './query-client'
import { createAppRouter } from './router'
import { signInAgainOn401 } from './sign-in-again'
import './index.css'

applyTheme(savedTheme())

const queryClient = createQueryClient()
const router = createAppRouter(queryClient)

signInAgainOn401(queryClient, router)

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App queryClient={queryClient} router={router} />
  </StrictMode>,
)
