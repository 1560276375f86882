import { createFileRoute } from '@tanstack/react-router'
import { LiveCallsPage } from '@/features/live-calls/live-calls-page'

export const Route = createFileRoute('/_app/live')({
  component: LiveCallsPage,
})
