import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { onUnauthorized } from './api/client'
import { App } from './app'
import { applyTheme, savedTheme } from './lib/theme'
import { createQueryClient } from './query-client'
import { createAppRouter } from './router'
import './index.css'

applyTheme(savedTheme())

const queryClient = createQueryClient()
const router = createAppRouter(queryClient)

// A token that stopped working (expired, revoked, password changed): sign in again, then return.
onUnauthorized(() => {
  queryClient.clear()
  const next = router.state.location.href
  if (router.state.location.pathname !== '/login') {
    void router.navigate({ to: '/login', search: { next } })
  }
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App queryClient={queryClient} router={router} />
  </StrictMode>,
)
