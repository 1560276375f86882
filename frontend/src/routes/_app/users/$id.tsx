import { createFileRoute } from '@tanstack/react-router'
import { users } from '@/api/resources'
import { EditUserPage } from '@/features/users/user-pages'
import { allow, orNotFound } from '@/lib/guard'
import { canManageUsers } from '@/lib/roles'

export const Route = createFileRoute('/_app/users/$id')({
  beforeLoad: allow(canManageUsers),
  loader: ({ context, params }) =>
    orNotFound(context.queryClient.ensureQueryData(users.detail(context.me.organization.id, params.id))),
  component: function User() {
    return <EditUserPage id={Route.useParams().id} />
  },
})
