import { useQuery } from '@tanstack/react-query'
import { useMe } from '@/api/me'
import { extensions } from '@/api/resources'
import type { Column } from '@/components/data-table'
import { DestinationName } from '@/components/destination-picker'
import { RowLink } from '@/components/list-parts'
import { ListScreen } from '@/components/list-screen'
import { statusColumn } from '@/components/status-column'
import { RetrySyncButton, SyncBadge } from '@/components/sync-state'
import { Badge } from '@/components/ui/badge'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import { canWriteConfig, type Role } from '@/lib/roles'
import type { ExtensionSort } from './api'
import type { ExtensionView } from './schemas'

/** Whether Cloudonix has the extension; a failure with its reason and (for admins) Retry. */
function syncColumn(role: Role): Column<ExtensionView, ExtensionSort> {
  return {
    key: 'sync',
    header: 'Cloudonix',
    className: 'hidden lg:table-cell',
    cell: (e) => {
      const sync = e.cloudonix_sync
      if (sync?.state !== 'failed') return <SyncBadge sync={sync} />
      return (
        <span className="flex items-center gap-2">
          <span className="flex min-w-0 flex-col gap-0.5">
            <SyncBadge sync={sync} />
            {sync.error && (
              <span className="max-w-48 truncate text-xs text-muted-foreground" title={sync.error}>
                {sync.error}
              </span>
            )}
          </span>
          {sync.job_id && canWriteConfig(role) && <RetrySyncButton jobId={sync.job_id} />}
        </span>
      )
    },
  }
}

/** The columns, with the signed-in user's own extensions marked. */
function columnsFor(userId: string, role: Role): Column<ExtensionView, ExtensionSort>[] {
  return [
    {
      key: 'number',
      header: 'Number',
      cell: (e) => (
        <RowLink to="/extensions/$id" id={e.id} mono>
          {e.number}
        </RowLink>
      ),
    },
    {
      key: 'name',
      header: 'Name',
      sort: 'name',
      cell: (e) => (
        <span className="flex items-center gap-2">
          {e.name}
          {e.user_id === userId && <Badge variant="secondary">Yours</Badge>}
        </span>
      ),
    },
    {
      key: 'handling',
      header: 'Calls',
      className: 'hidden md:table-cell',
      cell: (e) =>
        e.do_not_disturb ? (
          <Badge variant="warning">Do not disturb</Badge>
        ) : e.forward_always ? (
          <span>
            Forwarded to <DestinationName destination={e.forward_always} />
          </span>
        ) : (
          <span className="text-muted-foreground">Rings {e.no_answer_timeout} s</span>
        ),
    },
    {
      key: 'voicemail',
      header: 'Voicemail',
      className: 'hidden sm:table-cell',
      cell: (e) => (e.voicemail_enabled ? 'On' : <span className="text-muted-foreground">Off</span>),
    },
    syncColumn(role),
    statusColumn(),
  ]
}

export function ExtensionsPage(list: ListPageProps<ExtensionSort>) {
  const { user, organization } = useMe()
  const query = useQuery(extensions.list(organization.id, listQuery(list.search)))
  return (
    <ListScreen
      title="Extensions"
      description="The phones of your organization and how each one handles calls."
      create={{ to: '/extensions/new', label: 'New extension' }}
      list={list}
      query={query}
      columns={columnsFor(user.id, user.role)}
      searchPlaceholder="Search number or name"
      empty={{
        title: 'No extensions yet',
        description: 'An extension is a phone: create one for each person or desk.',
      }}
    />
  )
}
