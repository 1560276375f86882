import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { ArrowRightIcon } from 'lucide-react'
import { useMe } from '@/api/me'
import { keys, type OrgResource } from '@/api/keys'
import {
  businessHours,
  conferenceRooms,
  extensions,
  ivrMenus,
  phoneNumbers,
  ringGroups,
} from '@/api/resources'
import { PageHeader } from '@/components/page-header'
import { CallsDashboard } from './calls-dashboard'
import type { DashboardSearch } from './period'
import { Card } from '@/components/ui/card'
import { canReadConfig, canWriteConfig, roleLabels } from '@/lib/roles'

/** A collection whose size the overview shows (every configuration `Resource` is one). */
interface Countable {
  name: OrgResource
  fetchList(query: { per_page: number }, signal?: AbortSignal): Promise<{ total: number }>
}

interface Tile {
  to:
    '/extensions' | '/phone-numbers' | '/ring-groups' | '/business-hours' | '/ivr-menus' | '/conference-rooms'
  label: string
  hint: string
  source: Countable
}

const tiles: Tile[] = [
  { to: '/extensions', label: 'Extensions', hint: 'Phones and how they handle calls', source: extensions },
  {
    to: '/phone-numbers',
    label: 'Phone numbers',
    hint: 'Where each number’s calls go',
    source: phoneNumbers,
  },
  { to: '/ring-groups', label: 'Ring groups', hint: 'Extensions that ring together', source: ringGroups },
  {
    to: '/business-hours',
    label: 'Business hours',
    hint: 'Open, closed and holidays',
    source: businessHours,
  },
  { to: '/ivr-menus', label: 'IVR menus', hint: '“Press 1 for sales”', source: ivrMenus },
  {
    to: '/conference-rooms',
    label: 'Conference rooms',
    hint: 'Meet by dialling in',
    source: conferenceRooms,
  },
]

const ONE = { per_page: 1 }

function CountTile({ tile }: { tile: Tile }) {
  const { organization } = useMe()
  const query = useQuery({
    queryKey: keys.list(organization.id, tile.source.name, ONE),
    queryFn: ({ signal }) => tile.source.fetchList(ONE, signal),
  })
  return (
    <Link to={tile.to} className="group rounded-lg outline-none focus-visible:ring-2 focus-visible:ring-ring">
      <Card className="flex h-full flex-col gap-1 p-4 transition-colors group-hover:bg-accent/50">
        <span className="text-sm text-muted-foreground">{tile.label}</span>
        <span className="text-2xl font-semibold tabular-nums">{query.data ? query.data.total : '–'}</span>
        <span className="flex items-center gap-1 text-xs text-muted-foreground">
          {tile.hint} <ArrowRightIcon className="size-3" aria-hidden />
        </span>
      </Card>
    </Link>
  )
}

export function OverviewPage({
  search,
  onSearchChange,
}: {
  search: DashboardSearch
  onSearchChange: (next: DashboardSearch) => void
}) {
  const { user, organization } = useMe()
  return (
    <>
      <PageHeader
        title={`Hello, ${user.name}`}
        description={`${organization.name} · ${organization.timezone.replace(/_/g, ' ')} · you are ${roleLabels[user.role].toLowerCase()}`}
      />
      <CallsDashboard search={search} onSearchChange={onSearchChange} />
      {canReadConfig(user.role) ? (
        <div className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-3">
          {tiles.map((t) => (
            <CountTile key={t.to} tile={t} />
          ))}
        </div>
      ) : (
        <Card className="mt-6 p-6">
          <p className="text-sm">
            As a reporter you see your organization’s calls:{' '}
            <Link to="/call-logs" className="font-medium text-primary hover:underline">
              call history
            </Link>{' '}
            and{' '}
            <Link to="/live" className="font-medium text-primary hover:underline">
              live calls
            </Link>
            .
          </p>
        </Card>
      )}
      {canWriteConfig(user.role) && (
        <Card className="mt-6 p-4 sm:p-6">
          <h2 className="font-semibold">Setting up a phone system</h2>
          <ol className="mt-3 list-decimal space-y-1.5 pl-5 text-sm text-muted-foreground">
            <li>Create an extension for each phone.</li>
            <li>Group extensions that answer together in a ring group.</li>
            <li>Set your business hours, with holidays.</li>
            <li>Build an IVR menu if callers should choose.</li>
            <li>Add your phone numbers and choose where their calls go.</li>
          </ol>
        </Card>
      )}
    </>
  )
}
