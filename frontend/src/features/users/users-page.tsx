import { useQuery } from '@tanstack/react-query'
import type { Schemas } from '@/api/client'
import { useMe } from '@/api/me'
import { users } from '@/api/resources'
import { type Column, DataTable } from '@/components/data-table'
import { NewLink, RowLink } from '@/components/list-parts'
import { statusColumn } from '@/components/status-column'
import { PageHeader } from '@/components/page-header'
import { Badge } from '@/components/ui/badge'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import type { UserSort } from './api'
import { roleLabels } from '@/lib/roles'

type UserView = Schemas['UserView']

/** The columns, with the signed-in user marked. */
function columnsFor(userId: string): Column<UserView, UserSort>[] {
  return [
    {
      key: 'name',
      header: 'Name',
      sort: 'name',
      cell: (u) => (
        <span className="flex items-center gap-2">
          <RowLink to="/users/$id" id={u.id}>
            {u.name}
          </RowLink>
          {u.id === userId && <Badge variant="secondary">You</Badge>}
        </span>
      ),
    },
    { key: 'email', header: 'Email', sort: 'email', className: 'hidden md:table-cell', cell: (u) => u.email },
    { key: 'role', header: 'Role', sort: 'role', cell: (u) => roleLabels[u.role] },
    statusColumn('hidden sm:table-cell'),
  ]
}

export function UsersPage(list: ListPageProps<UserSort>) {
  const { user, organization } = useMe()
  const query = useQuery(users.list(organization.id, listQuery(list.search)))
  return (
    <>
      <PageHeader
        title="Users"
        description="The people who sign in to your organization, and what each may do."
        actions={<NewLink to="/users/new">New user</NewLink>}
      />
      <DataTable
        label="Users"
        columns={columnsFor(user.id)}
        {...list}
        query={query}
        searchPlaceholder="Search name or email"
        empty={{ title: 'No users yet' }}
      />
    </>
  )
}
