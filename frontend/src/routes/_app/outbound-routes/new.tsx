import { createFileRoute } from '@tanstack/react-router'
import { NewOutboundRoutePage } from '@/features/outbound-routes/outbound-route-pages'
import { allow } from '@/lib/guard'
import { canWriteConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/outbound-routes/new')({
  beforeLoad: allow(canWriteConfig),
  component: NewOutboundRoutePage,
})
