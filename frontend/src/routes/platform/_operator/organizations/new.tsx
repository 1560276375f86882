import { createFileRoute } from '@tanstack/react-router'
import { NewOrganizationPage } from '@/features/platform/organization-pages'

export const Route = createFileRoute('/platform/_operator/organizations/new')({
  component: NewOrganizationPage,
})
