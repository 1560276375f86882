import { useQuery } from '@tanstack/react-query'
import { LockIcon } from 'lucide-react'
import type { Schemas } from '@/api/client'
import { useMe } from '@/api/me'
import { conferenceRooms } from '@/api/resources'
import type { Column } from '@/components/data-table'
import { RowLink } from '@/components/list-parts'
import { ListScreen } from '@/components/list-screen'
import { statusColumn } from '@/components/status-column'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import type { ConferenceRoomSort } from './api'

type ConferenceRoomView = Schemas['ConferenceRoomView']

const columns: Column<ConferenceRoomView, ConferenceRoomSort>[] = [
  {
    key: 'name',
    header: 'Name',
    sort: 'name',
    cell: (r) => (
      <span className="flex items-center gap-2">
        <RowLink to="/conference-rooms/$id" id={r.id}>
          {r.name}
        </RowLink>
        {r.has_pin && <LockIcon className="size-3.5 text-muted-foreground" aria-label="PIN required" />}
      </span>
    ),
  },
  {
    key: 'number',
    header: 'Number',
    cell: (r) =>
      r.number ? (
        <span className="font-mono">{r.number}</span>
      ) : (
        <span className="text-muted-foreground">—</span>
      ),
  },
  {
    key: 'max',
    header: 'Up to',
    sort: 'max_participants',
    className: 'hidden sm:table-cell',
    cell: (r) => <span className="tabular-nums">{r.max_participants}</span>,
  },
  statusColumn('hidden sm:table-cell'),
]

export function ConferenceRoomsPage(list: ListPageProps<ConferenceRoomSort>) {
  const { organization } = useMe()
  const query = useQuery(conferenceRooms.list(organization.id, listQuery(list.search)))
  return (
    <ListScreen
      title="Conference rooms"
      description="Rooms callers join by number, optionally with a PIN."
      create={{ to: '/conference-rooms/new', label: 'New room' }}
      list={list}
      query={query}
      columns={columns}
      searchPlaceholder="Search name"
      empty={{ title: 'No conference rooms yet', description: 'A room lets several callers talk together.' }}
    />
  )
}
