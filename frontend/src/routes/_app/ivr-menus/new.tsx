import { createFileRoute } from '@tanstack/react-router'
import { NewIvrMenuPage } from '@/features/ivr-menus/ivr-menu-pages'
import { allow } from '@/lib/guard'
import { canWriteConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/ivr-menus/new')({
  beforeLoad: allow(canWriteConfig),
  component: NewIvrMenuPage,
})
