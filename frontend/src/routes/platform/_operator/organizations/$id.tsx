import { createFileRoute } from '@tanstack/react-router'
import { organizationQuery } from '@/features/platform/api'
import { OrganizationPage } from '@/features/platform/organization-pages'
import { orNotFound } from '@/lib/guard'

export const Route = createFileRoute('/platform/_operator/organizations/$id')({
  loader: ({ context, params }) =>
    orNotFound(context.queryClient.ensureQueryData(organizationQuery(params.id))),
  component: function Organization() {
    return <OrganizationPage id={Route.useParams().id} />
  },
})
