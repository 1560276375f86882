import { createFileRoute } from '@tanstack/react-router'
import { NewBusinessHoursPage } from '@/features/business-hours/business-hours-pages'
import { allow } from '@/lib/guard'
import { canWriteConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/business-hours/new')({
  beforeLoad: allow(canWriteConfig),
  component: NewBusinessHoursPage,
})
