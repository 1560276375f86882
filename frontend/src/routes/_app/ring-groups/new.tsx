import { createFileRoute } from '@tanstack/react-router'
import { NewRingGroupPage } from '@/features/ring-groups/ring-group-pages'
import { allow } from '@/lib/guard'
import { canWriteConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/ring-groups/new')({
  beforeLoad: allow(canWriteConfig),
  component: NewRingGroupPage,
})
