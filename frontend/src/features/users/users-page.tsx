import { useQuery } from '@tanstack/react-query'
import { api, call, type Schemas } from '@/api/client'
import { useMe } from '@/api/me'
import { users } from '@/api/resources'
import type { Column } from '@/components/data-table'
import { RowLink } from '@/components/list-parts'
import { InviteDialog } from '@/components/invite-dialog'
import { ListScreen } from '@/components/list-screen'
import { statusColumn } from '@/components/status-column'
import { Badge } from '@/components/ui/badge'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import { type UserSort, useInvitationMutation } from './api'
import { PendingInvitations } from './pending-invitations'
import { assignableRoles, roleLabels } from '@/lib/roles'

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

/** Invites by email: the person chooses their own name and password from the mailed link. */
function InviteUser() {
  const { user } = useMe()
  const invite = useInvitationMutation((body: Schemas['NewInvitation']) =>
    call(api.POST('/api/v1/users/invitations', { body })),
  )
  const [first, ...others] = assignableRoles(user.role)
  if (!first) return null
  return (
    <InviteDialog
      label="Invite user"
      description="They get a link by email, valid for 7 days, to choose their name and password."
      roles={[first, ...others]}
      onInvite={(body) => invite.mutateAsync(body)}
    />
  )
}

export function UsersPage(list: ListPageProps<UserSort>) {
  const { user, organization } = useMe()
  const query = useQuery(users.list(organization.id, listQuery(list.search)))
  return (
    <>
      <ListScreen
        title="Users"
        description="The people who sign in to your organization, and what each may do."
        create={{ to: '/users/new', label: 'New user' }}
        canCreate
        list={list}
        query={query}
        columns={columnsFor(user.id)}
        searchPlaceholder="Search name or email"
        empty={{ title: 'No users yet' }}
        actions={<InviteUser />}
      />
      <PendingInvitations />
    </>
  )
}
