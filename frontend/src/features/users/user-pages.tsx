import { useSuspenseQuery } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { useCreate, useRemove, useUpdate } from '@/api/mutations'
import { users } from '@/api/resources'
import { DeleteButton } from '@/components/delete-button'
import { PageHeader } from '@/components/page-header'
import { Alert } from '@/components/ui/alert'
import { assignableRoles, canManageUser } from '@/lib/roles'
import { toNew, toUpdate, toValues } from './schemas'
import { UserForm } from './user-form'

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
              onDelete={() => remove.mutateAsync(id)}
              leaveTo="/users"
            />
          )
        }
      />
      <div className="flex flex-col gap-4">
        {!manageable && <Alert>Only an owner can change owners and PBX admins.</Alert>}
        {self && (
          <Alert>
            This is you. Change your password in <Link to="/profile">your profile</Link>; another owner or
            admin changes your role.
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
