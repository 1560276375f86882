import { createFileRoute } from '@tanstack/react-router'
import { NewExtensionPage } from '@/features/extensions/extension-page'
import { allow } from '@/lib/guard'
import { canWriteConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/extensions/new')({
  beforeLoad: allow(canWriteConfig),
  component: NewExtensionPage,
})
