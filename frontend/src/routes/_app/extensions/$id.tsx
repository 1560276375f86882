import { createFileRoute } from '@tanstack/react-router'
import { extensions } from '@/api/resources'
import { EditExtensionPage } from '@/features/extensions/extension-page'
import { allow, orNotFound } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/extensions/$id')({
  beforeLoad: allow(canReadConfig),
  loader: ({ context, params }) =>
    orNotFound(context.queryClient.ensureQueryData(extensions.detail(context.me.organization.id, params.id))),
  component: function Extension() {
    return <EditExtensionPage id={Route.useParams().id} />
  },
})
