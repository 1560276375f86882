import { useQuery, useSuspenseQuery } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { PlusIcon } from 'lucide-react'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { useCreate, useRemove, useUpdate } from '@/api/mutations'
import { users } from '@/api/resources'
import { type Column, DataTable } from '@/components/data-table'
import { DeleteButton } from '@/components/delete-button'
import { PageHeader } from '@/components/page-header'
import { Alert } from '@/components/ui/alert'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { type ListSearch, listQuery } from '@/lib/list-search'
import { assignableRoles, canManageUser, roleLabels } from '@/lib/roles'
import { toNew, toUpdate, toValues, type UserView } from './schemas'
import { UserForm } from './user-form'

/** The columns, with the signed-in user marked. */
function columnsFor(userId: string): Column<UserView>[] {
  return [
    {
      key: 'name',
      header: 'Name',
      sort: 'name',
      cell: (u) => (
        <span className="flex items-center gap-2">
          <Link to="/users/$id" params={{ id: u.id }} className="font-medium text-primary hover:underline">
            {u.name}
          </Link>
          {u.id === userId && <Badge variant="secondary">You</Badge>}
        </span>
      ),
    },
    { key: 'email', header: 'Email', sort: 'email', className: 'hidden md:table-cell', cell: (u) => u.email },
    { key: 'role', header: 'Role', sort: 'role', cell: (u) => roleLabels[u.role] },
    {
      key: 'status',
      header: 'Status',
      sort: 'status',
      className: 'hidden sm:table-cell',
      cell: (u) => <Badge variant={u.status === 'active' ? 'success' : 'outline'}>{u.status === 'active' ? 'Active' : 'Inactive'}</Badge>,
    },
  ]
}

export function UsersPage({
  search,
  onSearchChange,
}: {
  search: ListSearch
  onSearchChange: (next: ListSearch) => void
}) {
  const { user, organization } = useMe()
  const query = useQuery(users.list(organization.id, listQuery(search)))
  return (
    <>
      <PageHeader
        title="Users"
        description="The people who sign in to your organization, and what each may do."
        actions={
          <Button asChild>
            <Link to="/users/new">
              <PlusIcon aria-hidden /> New user
            </Link>
          </Button>
        }
      />
      <DataTable
        label="Users"
        columns={columnsFor(user.id)}
        query={query}
        search={search}
        onSearchChange={onSearchChange}
        rowKey={(u) => u.id}
        searchPlaceholder="Search name or email"
        empty={{ title: 'No users yet' }}
      />
    </>
  )
}

export function NewUserPage() {
  const { user } = useMe()
  const create = useCreate(users)
  const navigate = useNavigate()
  const roles = assignableRoles(user.role)
  return (
    <>
      <PageHeader title="New user" />
      <UserForm
        creating
        readOnly={false}
        self={false}
        roles={roles}
        defaultValues={{ name: '', email: '', role: 'pbx_user', status: 'active', password: '' }}
        onSubmit={async (values) => {
          const created = await create.mutateAsync(toNew(values))
          toast.success(`${created.name} can now sign in`)
          await navigate({ to: '/users' })
        }}
      />
    </>
  )
}

export function EditUserPage({ id }: { id: string }) {
  const { user: me, organization } = useMe()
  const { data: user } = useSuspenseQuery(users.detail(organization.id, id))
  const update = useUpdate(users, id)
  const remove = useRemove(users)
  const navigate = useNavigate()
  const manageable = canManageUser(me.role, user.role)
  const self = user.id === me.id
  return (
    <>
      <PageHeader
        title={user.name}
        description={user.email}
        actions={
          manageable &&
          !self && (
            <DeleteButton
              what={`user ${user.name}`}
              onDelete={async () => {
                await remove.mutateAsync(id)
                toast.success(`${user.name} deleted`)
                await navigate({ to: '/users' })
              }}
            />
          )
        }
      />
      <div className="flex flex-col gap-4">
        {!manageable && <Alert>Only an owner can change owners and PBX admins.</Alert>}
        {self && (
          <Alert>
            This is you. Change your password in <Link to="/profile">your profile</Link>; another owner or admin
            changes your role.
          </Alert>
        )}
        <UserForm
          key={user.updated_at}
          creating={false}
          readOnly={!manageable}
          self={self}
          roles={assignableRoles(me.role)}
          defaultValues={toValues(user)}
          onSubmit={async (values) => {
            await update.mutateAsync(toUpdate(values, user))
            toast.success('Changes saved')
          }}
        />
      </div>
    </>
  )
}
