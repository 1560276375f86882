import { createFileRoute } from '@tanstack/react-router'
import { ivrMenus } from '@/api/resources'
import { EditIvrMenuPage } from '@/features/ivr-menus/ivr-menu-pages'
import { allow, orNotFound } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/ivr-menus/$id')({
  beforeLoad: allow(canReadConfig),
  loader: ({ context, params }) =>
    orNotFound(context.queryClient.ensureQueryData(ivrMenus.detail(context.me.organization.id, params.id))),
  component: function IvrMenu() {
    return <EditIvrMenuPage id={Route.useParams().id} />
  },
})
