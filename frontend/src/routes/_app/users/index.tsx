import { createFileRoute } from '@tanstack/react-router'
import { users } from '@/api/resources'
import { userSorts } from '@/features/users/api'
import { UsersPage } from '@/features/users/users-page'
import { allow } from '@/lib/guard'
import { listQuery, listSearch } from '@/lib/list-search'
import { canManageUsers } from '@/lib/roles'

export const Route = createFileRoute('/_app/users/')({
  validateSearch: listSearch(userSorts),
  beforeLoad: allow(canManageUsers),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(users.list(context.me.organization.id, listQuery(deps))),
  component: function Users() {
    const navigate = Route.useNavigate()
    return <UsersPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
