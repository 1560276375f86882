import { createFileRoute } from '@tanstack/react-router'
import { NewPhoneNumberPage } from '@/features/phone-numbers/phone-number-pages'
import { allow } from '@/lib/guard'
import { canWriteConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/phone-numbers/new')({
  beforeLoad: allow(canWriteConfig),
  component: NewPhoneNumberPage,
})
