import { createFileRoute } from '@tanstack/react-router'
import { organizationQuery } from '@/features/organization/api'
import { OrganizationPage } from '@/features/organization/organization-page'
import { allow } from '@/lib/guard'
import { canReadOrganization } from '@/lib/roles'

export const Route = createFileRoute('/_app/settings/organization')({
  beforeLoad: allow(canReadOrganization),
  loader: ({ context }) => context.queryClient.ensureQueryData(organizationQuery(context.me.organization.id)),
  component: OrganizationPage,
})
