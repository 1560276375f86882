import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useMe } from '@/api/me'
import { session } from '@/lib/session'
import { applyEvent, backoff, type LiveEvent, liveCalls, socketUrl } from './api'

export type Connection = 'connecting' | 'live' | 'reconnecting'

/** Keeps the connection from idling out (API Gateway drops silent ones after 10 minutes). */
const PING_EVERY = 5 * 60_000

/**
 * The organization's calls in progress: the list fetched once, then kept current by the
 * WebSocket's events; after a drop it reconnects with backoff and fetches the list again, since
 * events sent meanwhile are lost.
 */
export function useLiveBoard() {
  const { organization } = useMe()
  const queryClient = useQueryClient()
  const orgId = organization.id
  const query = useQuery(liveCalls(orgId))
  const [connection, setConnection] = useState<Connection>('connecting')

  useEffect(() => {
    const { queryKey } = liveCalls(orgId)
    let socket: WebSocket | undefined
    let retry: ReturnType<typeof setTimeout> | undefined
    let ping: ReturnType<typeof setInterval> | undefined
    let attempts = 0
    let stopped = false

    const open = () => {
      const token = session.token()
      if (!token || stopped) return
      socket = new WebSocket(socketUrl(token))
      socket.onopen = () => {
        // Anything that happened while disconnected: fetch the board afresh.
        if (attempts > 0) void queryClient.invalidateQueries({ queryKey })
        attempts = 0
        setConnection('live')
        ping = setInterval(() => socket?.send(JSON.stringify({ type: 'ping' })), PING_EVERY)
      }
      socket.onmessage = (message) => {
        const event = JSON.parse(String(message.data)) as LiveEvent
        queryClient.setQueryData(queryKey, (old) => (old ? { data: applyEvent(old.data, event) } : old))
      }
      socket.onclose = () => {
        clearInterval(ping)
        if (stopped) return
        setConnection('reconnecting')
        retry = setTimeout(open, backoff(attempts++))
      }
    }
    open()
    return () => {
      stopped = true
      clearTimeout(retry)
      clearInterval(ping)
      socket?.close()
    }
  }, [queryClient, orgId])

  return { query, connection }
}
