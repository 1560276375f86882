import { useSuspenseQuery } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { toast } from 'sonner'
import { ConfirmDialog } from '@/components/confirm-dialog'
import { InviteDialog } from '@/components/invite-dialog'
import { announceInvitation } from '@/lib/invitations'
import { PageHeader } from '@/components/page-header'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Card, CardContent } from '@/components/ui/card'
import {
  type Lifecycle,
  organizationQuery,
  type PlatformOrganization,
  useCreateOrganization,
  useInviteOwner,
  useLifecycle,
  useUpdateOrganization,
} from './api'
import { localTime } from './format'
import { OrgStatusBadge } from './org-parts'
import { OrganizationForm } from './organization-form'
import { toChange, toNew, toValues } from './schemas'
import { browserTimeZone } from '@/lib/time'

export function NewOrganizationPage() {
  const create = useCreateOrganization()
  const navigate = useNavigate()
  return (
    <>
      <PageHeader
        title="New organization"
        description="It starts empty; its first owner gets an invitation by email and sets everything up."
      />
      <OrganizationForm
        creating
        readOnly={false}
        defaultValues={{ name: '', slug: '', timezone: browserTimeZone(), owner_email: '' }}
        onSubmit={async (values) => {
          const created = await create.mutateAsync(toNew(values))
          announceInvitation(created.invitation)
          await navigate({ to: '/platform/organizations/$id', params: { id: created.organization.id } })
        }}
      />
    </>
  )
}

function Facts({ org }: { org: PlatformOrganization }) {
  const facts: [string, string | number][] = [
    ['Slug', org.slug],
    ['Users', org.users],
    ['Extensions', org.extensions],
    ['Phone numbers', org.phone_numbers],
    ['Last call', org.last_call_at ? localTime(org.last_call_at) : 'None yet'],
    ['Created', localTime(org.created_at)],
  ]
  if (org.deleted_at) facts.push(['Deleted', localTime(org.deleted_at)])
  if (org.purge_after) facts.push(['Purged after', localTime(org.purge_after)])
  return (
    <Card>
      <CardContent className="pt-4 sm:pt-6">
        <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-4">
          {facts.map(([term, value]) => (
            <div key={term}>
              <dt className="text-muted-foreground">{term}</dt>
              <dd className="font-medium">{value}</dd>
            </div>
          ))}
        </dl>
      </CardContent>
    </Card>
  )
}

const confirmations: Record<
  Lifecycle,
  { label: string; title: (name: string) => string; description: string; done: string }
> = {
  suspend: {
    label: 'Suspend',
    title: (name) => `Suspend ${name}?`,
    description:
      'Its users are signed out and cannot sign in; its API tokens answer "organization suspended"; callers to its numbers hear a short notice. Call history keeps being recorded. Reactivate restores everything.',
    done: 'suspended',
  },
  reactivate: {
    label: 'Reactivate',
    title: (name) => `Reactivate ${name}?`,
    description: 'Its users can sign in again, and its numbers take calls as configured.',
    done: 'reactivated',
  },
  delete: {
    label: 'Delete',
    title: (name) => `Delete ${name}?`,
    description:
      'It stops at once, as if suspended. Its data is kept for the platform’s retention period (OPBX_ORGANIZATION_RETENTION_DAYS, 30 days unless configured otherwise), then purged for good with everything it owns. Until then, Reactivate restores it.',
    done: 'deleted',
  },
}

/** What may happen next from each status. */
const next: Record<PlatformOrganization['status'], Lifecycle[]> = {
  active: ['suspend', 'delete'],
  suspended: ['reactivate', 'delete'],
  deleted: ['reactivate'],
}

function LifecycleButton({ org, action }: { org: PlatformOrganization; action: Lifecycle }) {
  const lifecycle = useLifecycle(org.id)
  const c = confirmations[action]
  return (
    <ConfirmDialog
      trigger={<Button variant={action === 'reactivate' ? 'default' : 'outline'}>{c.label}</Button>}
      title={c.title(org.name)}
      description={c.description}
      confirmLabel={c.label}
      destructive={action !== 'reactivate'}
      onConfirm={async () => {
        await lifecycle.mutateAsync(action)
        toast.success(`${org.name} is ${c.done}`)
      }}
    />
  )
}

export function OrganizationPage({ id }: { id: string }) {
  const { data: org } = useSuspenseQuery(organizationQuery(id))
  const update = useUpdateOrganization(id)
  const invite = useInviteOwner(id)
  const deleted = org.status === 'deleted'
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {org.name} <OrgStatusBadge status={org.status} />
          </span>
        }
        description={`Time zone ${org.timezone.replace(/_/g, ' ')}`}
        actions={
          <>
            {!deleted && (
              <InviteDialog
                label="Invite an owner"
                description="For a lost or expired invitation, or another owner. The link is valid for 7 days."
                roles={['owner']}
                onInvite={({ email }) => invite.mutateAsync({ email })}
              />
            )}
            {next[org.status].map((action) => (
              <LifecycleButton key={action} org={org} action={action} />
            ))}
          </>
        }
      />
      <div className="flex flex-col gap-4">
        {org.status === 'suspended' && (
          <Alert variant="warning">Suspended: its users cannot sign in and its calls hear a notice.</Alert>
        )}
        {deleted && (
          <Alert variant="destructive">
            Deleted: purged with all its data after {localTime(org.purge_after)} unless reactivated before.
          </Alert>
        )}
        <Facts org={org} />
        <OrganizationForm
          key={`${org.name}|${org.slug}|${org.timezone}`}
          creating={false}
          readOnly={deleted}
          defaultValues={toValues(org)}
          onSubmit={async (values) => {
            await update.mutateAsync(toChange(values, org))
            toast.success('Changes saved')
          }}
        />
      </div>
    </>
  )
}
