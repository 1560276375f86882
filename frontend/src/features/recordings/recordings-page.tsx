import { useQuery } from '@tanstack/react-query'
import type { Recording } from '@/api/recordings'
import { useMe, useOrgId } from '@/api/me'
import { useRemove } from '@/api/mutations'
import { references } from '@/api/references'
import { recordings } from '@/api/resources'
import { ApiAudio } from '@/components/api-audio'
import type { Column } from '@/components/data-table'
import { DeleteButton } from '@/components/delete-button'
import { ListScreen } from '@/components/list-screen'
import { ObjectLink } from '@/components/object-link'
import { UploadRecordingDialog } from '@/components/recording-upload'
import { Badge } from '@/components/ui/badge'
import { fileSize } from '@/lib/audio-file'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import { canWriteConfig } from '@/lib/roles'
import { clock, dateTime } from '@/lib/time'
import { type RecordingSort, recordingAudio } from './api'
import { RenameDialog } from './rename-dialog'

/** What plays a recording (menus, announcements, greetings, hold music), as links. */
function UsedBy({ recording }: { recording: Recording }) {
  const query = useQuery(references(useOrgId(), 'recording', recording.id))
  if (query.isError) return <span className="text-muted-foreground">?</span>
  if (!query.data) return <span className="text-muted-foreground">…</span>
  const users = query.data.data
  if (users.length === 0) return <span className="text-muted-foreground">Nothing</span>
  return (
    <ul className="flex flex-col gap-0.5">
      {users.map((r) => (
        <li key={`${r.object_type}:${r.id}`}>
          <ObjectLink type={r.object_type} id={r.id} name={r.name} />
        </li>
      ))}
    </ul>
  )
}

function RowActions({ recording }: { recording: Recording }) {
  const remove = useRemove(recordings)
  return (
    <div className="flex justify-end gap-1">
      <RenameDialog recording={recording} />
      <DeleteButton
        iconOnly
        what={`recording ${recording.name}`}
        onDelete={() => remove.mutateAsync(recording.id)}
      />
    </div>
  )
}

function columns(timeZone: string, admin: boolean): Column<Recording, RecordingSort>[] {
  const all: Column<Recording, RecordingSort>[] = [
    {
      key: 'name',
      header: 'Name',
      sort: 'name',
      cell: (r) => <span className="font-medium wrap-anywhere">{r.name}</span>,
    },
    {
      key: 'listen',
      header: 'Listen',
      // Narrow, so the row keeps its other columns; the player shows its length.
      cell: (r) => <ApiAudio label={`Recording ${r.name}`} load={recordingAudio(r.id)} className="sm:w-40" />,
    },
    {
      key: 'format',
      header: 'Format',
      className: 'hidden sm:table-cell',
      cell: (r) => <Badge variant="outline">{r.format.toUpperCase()}</Badge>,
    },
    {
      key: 'duration',
      header: 'Length',
      sort: 'duration_ms',
      className: 'hidden sm:table-cell',
      cell: (r) => <span className="tabular-nums">{clock(r.duration_ms / 1000)}</span>,
    },
    {
      key: 'size',
      header: 'Size',
      sort: 'size_bytes',
      className: 'hidden md:table-cell',
      cell: (r) => <span className="tabular-nums">{fileSize(r.size_bytes)}</span>,
    },
    {
      key: 'used',
      header: 'Used by',
      className: 'hidden md:table-cell',
      cell: (r) => <UsedBy recording={r} />,
    },
    {
      key: 'created',
      header: 'Uploaded',
      sort: 'created_at',
      className: 'hidden lg:table-cell',
      cell: (r) => <span className="whitespace-nowrap">{dateTime(r.created_at, timeZone)}</span>,
    },
  ]
  if (admin) all.push({ key: 'actions', header: 'Actions', cell: (r) => <RowActions recording={r} /> })
  return all
}

export function RecordingsPage(list: ListPageProps<RecordingSort>) {
  const { organization, user } = useMe()
  const admin = canWriteConfig(user.role)
  const query = useQuery(recordings.list(organization.id, listQuery(list.search)))
  return (
    <ListScreen
      title="Recordings"
      description="Audio callers hear: greetings and menu prompts, uploaded as WAV or MP3."
      list={list}
      query={query}
      columns={columns(organization.timezone, admin)}
      searchPlaceholder="Search name"
      statusFilter={false}
      actions={admin && <UploadRecordingDialog />}
      empty={{
        title: 'No recordings yet',
        description: admin
          ? 'Upload a WAV or MP3 file to play it in a menu.'
          : 'An administrator uploads them.',
      }}
    />
  )
}
