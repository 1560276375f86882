import { QueryClient } from '@tanstack/react-query'
import { isApiError } from './api/client'

/** Retries only what may succeed on a second try: unreachable server and 5xx, twice. */
export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (failures, error) =>
          failures < 2 && (!isApiError(error) || error.status === 0 || error.status >= 500),
      },
      mutations: { retry: false },
    },
  })
}
